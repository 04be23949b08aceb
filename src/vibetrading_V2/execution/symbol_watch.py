"""What the simulator needs of a symbol's bar, answered with one dictionary look-up.

While any order works, the engine asks on every row whether the row's bar matters here
(``Simulator.bar_need``): the whole bar when the symbol has orders, its close when it is
held (the mark the margin check values it at), else nothing. The symbol's order list in
the book and its holding in the account are each one object for the rest of the run once
they exist, so a symbol's watch keeps both and the row's question costs one look-up (of
the watch) instead of one in the book and one in the account, and the mark that follows
none.

Compiled (``native_modules.txt``).
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.order_ports import NEEDS_BAR, NEEDS_CLOSE, NEEDS_NOTHING
from vibetrading_V2.execution.account import Holding, SimAccount
from vibetrading_V2.execution.book import OrderBook
from vibetrading_V2.execution.orders import WorkingOrder

__all__ = ["SymbolWatches"]

_NOTHING: Final = NEEDS_NOTHING
_CLOSE: Final = NEEDS_CLOSE
_BAR: Final = NEEDS_BAR


class _Watch:
    """One symbol's order list and holding, once each exists (neither is replaced)."""

    __slots__ = ("holding", "orders", "symbol")

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.orders: list[WorkingOrder] | None = None
        self.holding: Holding | None = None


class SymbolWatches:
    """Each symbol's watch, and the one asked about last (whose close may follow).

    Why it exists: the per-row question of a many-symbol run, ``bar_need``, was two or
    three dictionary look-ups on every row; this keeps it to one.
    """

    def __init__(self, book: OrderBook, account: SimAccount) -> None:
        self._book = book
        self._account = account
        self._by_symbol: dict[str, _Watch] = {}
        self._last: _Watch | None = None

    def need(self, symbol: str) -> int:
        """``NEEDS_BAR`` with orders in ``symbol``, ``NEEDS_CLOSE`` held, else nothing."""
        watch = self._by_symbol.get(symbol)
        if watch is None:
            watch = self._by_symbol[symbol] = _Watch(symbol)
        self._last = watch
        orders = watch.orders
        if orders is None:
            orders = watch.orders = self._book.of_symbol(symbol)
        if orders:
            return _BAR
        holding = watch.holding
        if holding is None:
            holding = watch.holding = self._account.holding(symbol)
            if holding is None:
                return _NOTHING
        return _CLOSE if holding.quantity != 0.0 else _NOTHING

    def mark(self, symbol: str, close: float) -> None:
        """Mark ``symbol`` at ``close``: directly if it is the held symbol asked about last
        (its holding at hand), else through the account's look-up."""
        watch = self._last
        if watch is None or watch.symbol is not symbol or watch.holding is None:
            self._account.set_mark(symbol, close)
        else:
            watch.holding.mark = close
