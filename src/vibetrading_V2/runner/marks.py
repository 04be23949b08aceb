"""The account as the loop values it between fills: one view of the ledger, one owner.

Cash and each symbol's net quantity change only through fills, so they are re-read from the
ledger after fills (``refresh``) and held here between them. The marked value moves with the
closes of the symbols held: the current row's symbol is "selected", its close kept in
``close`` until another symbol is selected (then it is written back to ``last_close``), so a
row of a held symbol costs one multiplication and no look-up. A flat symbol's close is read
only when something acts on its row (``read_close``): flat, it is worth nothing whatever its
price.

Compiled with the loop (``native_modules.txt``).
"""

from __future__ import annotations

from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.cursor import BarCursor

__all__ = ["AccountMarks"]


class AccountMarks:
    """Cash, quantities, last closes and marked value of the account, kept from the ledger.

    Why it exists: the stages of the loop and the fast backtest driver read and move one
    account figure set, owned here, instead of each keeping a private copy beside the ledger.
    """

    def __init__(self, ledger: Ledger) -> None:
        self._ledger = ledger
        self.names: list[str] = []
        self._codes: dict[str, int] = {}  # each name's code (its place in ``names``)
        self.qty: list[float] = []
        self.last_close: list[float] = []
        self.cash = ledger.cash()
        self.market_value = 0.0
        self.code = -1  # the selected symbol (the current row's), -1 before the first row
        self.held = 0.0  # its net quantity
        self.close = 0.0  # its last close read (written to last_close when left)

    def add(self, symbol: str) -> None:
        """A symbol first seen: valued at the ledger's last price (0 if never marked)."""
        self._codes[symbol] = len(self.names)
        self.names.append(symbol)
        self.qty.append(self._ledger.net_quantity(symbol))
        self.last_close.append(self._ledger.last_price(symbol) or 0.0)

    def code_of(self, symbol: str) -> int:
        """The code of ``symbol`` (its place in ``names``), -1 if the run never saw it."""
        return self._codes.get(symbol, -1)

    def select(self, code: int) -> None:
        """Make ``code`` the current symbol (the previous one's close is written back)."""
        if self.code >= 0:
            self.last_close[self.code] = self.close
        self.code = code
        self.close = self.last_close[code]
        self.held = self.qty[code]

    def equity_at(self, cursor: BarCursor) -> float:
        """Equity with the current symbol marked at ``cursor``'s close (read only if held)."""
        held = self.held
        if held:
            close = cursor.close
            self.market_value += held * (close - self.close)
            self.close = close
        return self.cash + self.market_value

    def read_close(self, cursor: BarCursor) -> float:
        """The current symbol's close at ``cursor`` (a held one's was read by ``equity_at``)."""
        if not self.held:
            self.close = cursor.close
        return self.close

    def settle(self) -> None:
        """Write the current symbol's close back to ``last_close`` (before others read it)."""
        if self.code >= 0:
            self.last_close[self.code] = self.close

    def refresh(self, filled: list[str] | None = None) -> None:
        """Re-read cash and quantities from the ledger after fills; revalue the holdings.

        ``filled`` names the symbols that filled (only a fill moves a quantity): only
        theirs are re-read; ``None`` re-reads all. The value is summed over every symbol in
        the same order either way, so it is bit-identical to a full re-read.
        """
        self.settle()
        ledger = self._ledger
        names, last_close = self.names, self.last_close
        codes = self._codes
        if filled is None or any(x not in codes for x in filled):
            qty = [ledger.net_quantity(x) for x in names]
        else:
            qty = self.qty
            for x in filled:
                qty[codes[x]] = ledger.net_quantity(x)
        value = 0.0
        for k in range(len(names)):
            value += qty[k] * last_close[k]
        self.qty = qty
        self.market_value = value
        self.cash = ledger.cash()
        if self.code >= 0:
            self.held = qty[self.code]
