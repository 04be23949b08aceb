"""The simulated account: cash, netted positions, marks, and the cash / margin check.

The simulator needs its own small book (it cannot import ``portfolio``), and it is the
venue's truth in a backtest: the runner's ledger reconciles against what this reports.
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.types import AccountSnapshot, Position

__all__ = ["QTY_TOL", "Holding", "SimAccount"]

QTY_TOL: Final = 1e-9
"""Relative size below which a quantity left over by float arithmetic counts as zero."""


class Holding:
    """One symbol's netted position and its mark (mutable: only ``SimAccount`` writes it).

    Why it exists: a held symbol's mark lives beside its position, so valuing the account
    reads no dictionary, and the simulator keeps a symbol's holding to mark it directly.
    """

    __slots__ = ("average_price", "mark", "quantity", "realized_pnl")

    def __init__(self, mark: float) -> None:
        self.quantity = 0.0
        self.average_price = 0.0
        self.realized_pnl = 0.0
        self.mark = mark


class SimAccount:
    """Cash and netted positions of one simulated account, valued at the last marks.

    ``cash -= signed_qty * price + fee`` on every fill; ``equity = cash + sum(qty * mark)``;
    ``margin_used = gross notional / leverage``. Positions net long against short: adding
    moves the average price to the size-weighted mean, reducing realises
    ``closed * (price - average)`` (sign flipped for shorts) and keeps the average, and
    crossing zero closes the old side in full and opens the rest at the fill price.
    Realised PnL excludes fees; fees are summed apart in ``fees_paid``.
    """

    def __init__(
        self, initial_cash: float, *, leverage: float, allow_short: bool, currency: str
    ) -> None:
        self.cash = initial_cash
        self.fees_paid = 0.0
        self._leverage = leverage
        self._allow_short = allow_short
        self._currency = currency
        # a traded symbol's mark lives on its holding (the margin check and equity loop
        # over the holdings without a look-up each); ``_marks`` keeps the untraded ones'.
        # A holding is never dropped: ``_held`` lists them in the order they were made
        # (the dictionary's order), which a loop walks faster than the dictionary's values
        self._holdings: dict[str, Holding] = {}
        self._held: list[Holding] = []
        self._marks: dict[str, float] = {}

    # -- marks and reads -------------------------------------------------------------------

    def set_mark(self, symbol: str, price: float) -> None:
        holding = self._holdings.get(symbol)
        if holding is None:
            self._marks[symbol] = price
        else:
            holding.mark = price

    def holding(self, symbol: str) -> Holding | None:
        """The symbol's holding (``None`` before its first fill); it stays the same object."""
        return self._holdings.get(symbol)

    def mark_of(self, symbol: str) -> float | None:
        holding = self._holdings.get(symbol)
        return self._marks.get(symbol) if holding is None else holding.mark

    def quantity(self, symbol: str) -> float:
        holding = self._holdings.get(symbol)
        return 0.0 if holding is None else holding.quantity

    def position(self, symbol: str) -> Position:
        holding = self._holdings.get(symbol)
        if holding is None:
            return Position(symbol, 0.0, 0.0, 0.0)
        return Position(
            symbol, holding.quantity, holding.average_price, holding.realized_pnl
        )

    def positions(self) -> list[Position]:
        """Open (non-flat) positions, sorted by symbol."""
        return [
            self.position(symbol)
            for symbol in sorted(self._holdings)
            if self._holdings[symbol].quantity != 0.0
        ]

    def equity(self) -> float:
        value = self.cash
        for holding in self._held:
            if holding.quantity != 0.0:
                value += holding.quantity * holding.mark
        return value

    def gross_notional(self) -> float:
        gross = 0.0
        for holding in self._held:
            if holding.quantity != 0.0:
                gross += abs(holding.quantity) * holding.mark
        return gross

    def snapshot(self) -> AccountSnapshot:
        return AccountSnapshot(
            cash=self.cash,
            equity=self.equity(),
            margin_used=self.gross_notional() / self._leverage,
            currency=self._currency,
            positions=tuple(self.positions()),
        )

    # -- the check and the booking ---------------------------------------------------------

    def check(self, symbol: str, signed_qty: float, price: float, fee: float) -> str | None:
        """Why a fill of ``signed_qty`` at ``price`` may not happen, or ``None`` if it may.

        A fill that does not grow the absolute position in ``symbol`` is always allowed
        (except that it may not leave a short when shorting is off). Otherwise the state
        after the fill, with ``symbol`` valued at ``price`` and the rest at their marks,
        must keep ``gross <= equity * leverage``, and with leverage 1 a buy must leave
        cash non-negative.
        """
        own = self._holdings.get(symbol)
        before = 0.0 if own is None else own.quantity
        after = before + signed_qty
        if not self._allow_short and after < -QTY_TOL * max(abs(before), abs(signed_qty)):
            return "short_not_allowed"
        if abs(after) <= abs(before) * (1.0 + QTY_TOL):
            return None
        cash_after = self.cash - signed_qty * price - fee
        tolerance = 1e-9 * max(1.0, abs(signed_qty * price))
        if self._leverage == 1.0 and signed_qty > 0.0 and cash_after < -tolerance:
            return "insufficient_cash"
        value = cash_after + after * price
        gross = abs(after) * price
        for holding in self._held:
            if holding is not own and holding.quantity != 0.0:
                mark = holding.mark
                value += holding.quantity * mark
                gross += abs(holding.quantity) * mark
        if gross > value * self._leverage + 1e-9 * max(1.0, gross):
            return "insufficient_margin"
        return None

    def apply(self, symbol: str, signed_qty: float, price: float, fee: float) -> float:
        """Book one fill; returns the realised PnL it produced."""
        self.cash -= signed_qty * price + fee
        self.fees_paid += fee
        holding = self._holdings.get(symbol)
        if holding is None:  # its first fill: its mark moves onto the holding
            holding = self._holdings[symbol] = Holding(self._marks.pop(symbol, price))
            self._held.append(holding)
        before = holding.quantity
        if before == 0.0 or (before > 0.0) == (signed_qty > 0.0):
            after = before + signed_qty
            holding.average_price = (
                abs(before) * holding.average_price + abs(signed_qty) * price
            ) / abs(after)
            holding.quantity = after
            return 0.0
        closed = min(abs(before), abs(signed_qty))
        realized = closed * (price - holding.average_price) * (1.0 if before > 0.0 else -1.0)
        holding.realized_pnl += realized
        after = before + signed_qty
        if abs(after) <= QTY_TOL * max(abs(before), abs(signed_qty)):
            holding.quantity = 0.0
            holding.average_price = 0.0
        elif (after > 0.0) != (before > 0.0):
            holding.quantity = after
            holding.average_price = price
        else:
            holding.quantity = after
        return realized
