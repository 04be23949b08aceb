"""What the simulator needs of a symbol's bar, answered from the symbol's own handle.

While any order works, the engine asks on every row whether the row's bar matters here
(``Simulator.bar_need``, or the symbol's ``bar_watch`` handle): the whole bar when the
symbol has orders, its close when it is held (the mark the margin check values it at),
else nothing. The symbol's order list in the book and its holding in the account are each
one object for the rest of the run once they exist, so a symbol's watch keeps both: the
row's question reads them with no look-up, and the mark that follows none either.

Compiled (``native_modules.txt``).
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.order_ports import (
    NEEDS_BAR,
    NEEDS_CLOSE,
    NEEDS_NOTHING,
    BarWatch,
    OrderGateway,
)
from vibetrading_V2.execution.account import Holding, SimAccount
from vibetrading_V2.execution.book import OrderBook
from vibetrading_V2.execution.orders import WorkingOrder

__all__ = ["SymbolWatch", "SymbolWatches"]

_NOTHING: Final = NEEDS_NOTHING
_CLOSE: Final = NEEDS_CLOSE
_BAR: Final = NEEDS_BAR


class SymbolWatch(BarWatch):
    """One symbol's order list and holding, once each exists (neither is replaced).

    Why it exists: the simulator's answer to "what is this row's bar needed for" read from
    the symbol's own objects, not from the book's and the account's dictionaries.
    """

    def __init__(self, gateway: OrderGateway, symbol: str, watches: SymbolWatches) -> None:
        super().__init__(gateway, symbol)
        self.orders: list[WorkingOrder] | None = None
        self.holding: Holding | None = None
        self._watches = watches

    def need(self) -> int:
        """``NEEDS_BAR`` with orders in the symbol, ``NEEDS_CLOSE`` held, else nothing."""
        watches = self._watches
        watches.last = self
        orders = self.orders
        if orders is None:
            orders = self.orders = watches.book.of_symbol(self.symbol)
        if orders:
            return _BAR
        holding = self.holding
        if holding is None:
            holding = self.holding = watches.account.holding(self.symbol)
            if holding is None:
                return _NOTHING
        return _CLOSE if holding.quantity != 0.0 else _NOTHING


class SymbolWatches:
    """Each symbol's watch, and the one asked about last (whose close may follow).

    Why it exists: the per-row question of a many-symbol run, ``bar_need``, was two or
    three dictionary look-ups on every row; a watch per symbol answers it with none.
    """

    def __init__(self, gateway: OrderGateway, book: OrderBook, account: SimAccount) -> None:
        self._gateway = gateway
        self.book = book
        self.account = account
        self._by_symbol: dict[str, SymbolWatch] = {}
        self.last: SymbolWatch | None = None

    def watch(self, symbol: str) -> SymbolWatch:
        """The watch of ``symbol`` (made on the first ask)."""
        watch = self._by_symbol.get(symbol)
        if watch is None:
            watch = self._by_symbol[symbol] = SymbolWatch(self._gateway, symbol, self)
        return watch

    def need(self, symbol: str) -> int:
        """``NEEDS_BAR`` with orders in ``symbol``, ``NEEDS_CLOSE`` held, else nothing."""
        return self.watch(symbol).need()

    def mark(self, symbol: str, close: float) -> None:
        """Mark ``symbol`` at ``close``: directly if it is the held symbol asked about last
        (its holding at hand), else through the account's look-up."""
        watch = self.last
        if watch is None or watch.symbol is not symbol or watch.holding is None:
            self.account.set_mark(symbol, close)
        else:
            watch.holding.mark = close
