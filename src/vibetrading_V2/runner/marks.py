"""The account as the loop values it between fills: one view of the ledger, one owner.

Cash and each symbol's net quantity change only through fills, so they are re-read from the
ledger after fills (``refresh``) and held here between them. The marked value moves with the
closes of the symbols held: the current row's symbol is "selected", and a row of a held
symbol costs one multiplication and no look-up. A flat symbol's close is read only when
something acts on its row (``read_close``, ``price_of``): flat, it is worth nothing
whatever its price.

Each symbol's quantity and last close sit together in one small object (``SymbolMark``,
their floats unboxed), so selecting a symbol is one list read and revaluing the holdings
reads no boxed float.

Compiled with the loop (``native_modules.txt``).
"""

from __future__ import annotations

import math

from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.cursor import BarCursor

__all__ = ["AccountMarks", "SymbolMark"]


class SymbolMark:
    """One symbol's net quantity and the last close the loop read of it.

    Why it exists: the two figures a row of the symbol reads, kept as unboxed floats.
    """

    __slots__ = ("close", "qty")

    def __init__(self, qty: float, close: float) -> None:
        self.qty = qty
        self.close = close


class AccountMarks:
    """Cash, quantities, last closes and marked value of the account, kept from the ledger.

    Why it exists: the stages of the loop and the fast backtest driver read and move one
    account figure set, owned here, instead of each keeping a private copy beside the ledger.
    """

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self.names: list[str] = []
        self._codes: dict[str, int] = {}  # each name's code (its place in ``names``)
        self.marks: list[SymbolMark] = []  # by code
        self.cash = ledger.cash()
        self.market_value = 0.0
        self.code = -1  # the selected symbol (the current row's), -1 before the first row
        self._current = SymbolMark(0.0, 0.0)  # its mark (a flat stand-in before the first)

    def add(self, symbol: str) -> None:
        """A symbol first seen: valued at the ledger's last price (0 if never marked)."""
        self._codes[symbol] = len(self.names)
        self.names.append(symbol)
        ledger = self._ledger
        mark = SymbolMark(ledger.net_quantity(symbol), ledger.last_price(symbol) or 0.0)
        self.marks.append(mark)
        self.market_value += mark.qty * mark.close  # a resumed session's holding counts

    def code_of(self, symbol: str) -> int:
        """The code of ``symbol`` (its place in ``names``), -1 if the run never saw it."""
        return self._codes.get(symbol, -1)

    @property
    def held(self) -> float:
        """The selected symbol's net quantity."""
        return self._current.qty

    @property
    def close(self) -> float:
        """The selected symbol's last close read."""
        return self._current.close

    def select(self, code: int) -> None:
        """Make ``code`` the current symbol."""
        self.code = code
        self._current = self.marks[code]

    def equity_at(self, cursor: BarCursor) -> float:
        """Equity with the current symbol marked at ``cursor``'s close (read only if held)."""
        current = self._current
        held = current.qty
        if held:
            close = cursor.close
            self.market_value += held * (close - current.close)
            current.close = close
        return self.cash + self.market_value

    def read_close(self, cursor: BarCursor) -> float:
        """The current symbol's close at ``cursor`` (a held one's was read by ``equity_at``)."""
        current = self._current
        if not current.qty:
            current.close = cursor.close
        return current.close

    def price_of(self, code: int, cursor_of: list[BarCursor]) -> float:
        """The last close seen of the symbol of ``code`` in this run (its cursor's bar),
        kept as its last close; NaN if none (``code`` -1: a symbol the run never saw) or
        if it is not positive (the risk gate then vetoes)."""
        if code < 0:
            return math.nan
        cursor = cursor_of[code]
        mark = self.marks[code]
        if cursor.index >= 0:  # walked in this run: its cursor stands at its last bar
            mark.close = cursor.close
        price = mark.close
        return price if price > 0.0 else math.nan

    def refresh(self, filled: list[str] | None = None) -> None:
        """Re-read cash and quantities from the ledger after fills; revalue the holdings.

        ``filled`` names the symbols that filled (only a fill moves a quantity): only
        theirs are re-read; ``None`` re-reads all. The value is summed over every symbol in
        the same order either way, so it is bit-identical to a full re-read.
        """
        ledger = self._ledger
        marks = self.marks
        codes = self._codes
        if filled is None or any(x not in codes for x in filled):
            for k in range(len(marks)):
                marks[k].qty = ledger.net_quantity(self.names[k])
        else:
            for x in filled:
                marks[codes[x]].qty = ledger.net_quantity(x)
        value = 0.0
        for mark in marks:
            value += mark.qty * mark.close
        self.market_value = value
        self.cash = ledger.cash()
