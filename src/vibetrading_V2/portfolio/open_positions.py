"""Positions still open when a run ends, valued at each symbol's last close.

A backtest does not force-close at the end of the data: a position still held is reported
as it stands, beside the closed trades, so an always-long run shows the position it holds
instead of an empty trade list. Each open position also reads as a trade row
(``exit_reason`` ``"open"``, no exit time, the last close as its exit price, the unrealised
PnL as its PnL), so ``trades.csv`` lists it after the closed trades.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vibetrading_V2.core.types import Direction
from vibetrading_V2.portfolio.ledger import OpenBook
from vibetrading_V2.portfolio.timeline import BarTimeline, iso_utc, symbol_bounds

__all__ = ["NO_TIME_NS", "OpenPosition", "last_closes", "open_positions"]

NO_TIME_NS = int(np.iinfo(np.int64).min)
"""The ``exit_ts_ns`` of an open position: numpy reads this stamp as NaT (no time)."""

_NS_PER_DAY = 86_400 * 1_000_000_000


@dataclass(frozen=True, slots=True)
class OpenPosition:
    """One strategy's open position in one symbol at the end of a run.

    ``quantity`` is unsigned (``direction`` gives the side); ``entry_price`` is the
    average entry price, ``entry_ts_ns`` when it was opened from flat, ``fees`` the entry
    fees paid for what is still held. ``last_price`` is the symbol's last close, at
    ``last_ts_ns``. ``entry_order_id``: the client id of the order that opened it ("" when
    not known), as a closed trade's.
    """

    strategy_id: str
    symbol: str
    direction: Direction
    quantity: float
    entry_ts_ns: int
    entry_price: float
    last_price: float
    last_ts_ns: int
    fees: float
    entry_order_id: str = ""

    @property
    def unrealised_pnl(self) -> float:
        """Gross mark-to-market PnL at ``last_price``."""
        sign = 1.0 if self.direction is Direction.LONG else -1.0
        return sign * self.quantity * (self.last_price - self.entry_price)

    # -- the position as a trade row (the columns of a closed RoundTrip) -------------------

    @property
    def exit_ts_ns(self) -> int:
        return NO_TIME_NS

    @property
    def exit_order_id(self) -> str:
        return ""

    @property
    def exit_price(self) -> float:
        return self.last_price

    @property
    def pnl(self) -> float:
        return self.unrealised_pnl

    @property
    def net_pnl(self) -> float:
        """Unrealised PnL minus the entry fees paid, as a closed trade's ``net_pnl``."""
        return self.unrealised_pnl - self.fees

    @property
    def return_pct(self) -> float:
        """``net_pnl`` in percent of the entry notional, as a closed trade's."""
        notional = abs(self.quantity * self.entry_price)
        return 0.0 if notional == 0.0 else 100.0 * self.net_pnl / notional

    @property
    def exit_reason(self) -> str:
        return "open"

    @property
    def duration_days(self) -> float:
        """Days held so far: from entry to the last bar."""
        return (self.last_ts_ns - self.entry_ts_ns) / _NS_PER_DAY

    def summary_row(self) -> dict[str, object]:
        """The row ``summary.json`` lists under ``open_positions``."""
        return {
            "strategy_id": self.strategy_id,
            "symbol": self.symbol,
            "direction": str(self.direction),
            "quantity": self.quantity,
            "entry_time": iso_utc(self.entry_ts_ns),
            "entry_price": self.entry_price,
            "last_price": self.last_price,
            "unrealised_pnl": self.unrealised_pnl,
            "return_pct": self.return_pct,
        }


def open_positions(
    books: Sequence[OpenBook], last: dict[str, tuple[int, float]]
) -> list[OpenPosition]:
    """The ledger's open books (:meth:`Ledger.open_books`) valued at ``last``.

    ``last`` maps a symbol to its last bar's ``(ts_ns, close)`` (:func:`last_closes`); a
    symbol without a bar is valued at its entry price.
    """
    positions = []
    for strategy_id, symbol, quantity, entry_price, entry_ts_ns, fees in books:
        ts_ns, price = last.get(symbol, (entry_ts_ns, entry_price))
        positions.append(
            OpenPosition(
                strategy_id=strategy_id,
                symbol=symbol,
                direction=Direction.LONG if quantity > 0.0 else Direction.SHORT,
                quantity=abs(quantity),
                entry_ts_ns=entry_ts_ns,
                entry_price=entry_price,
                last_price=price,
                last_ts_ns=max(ts_ns, entry_ts_ns),
                fees=fees,
            )
        )
    return positions


def last_closes(timeline: BarTimeline) -> dict[str, tuple[int, float]]:
    """Each symbol's last bar ``(ts_ns, close)`` on a run's time-ordered bar timeline."""
    bounds = symbol_bounds(timeline.codes, len(timeline.symbols))
    last = {s: rows[1] for s, rows in zip(timeline.symbols, bounds, strict=True) if rows}
    times = timeline.time_of(list(last.values())).tolist()
    return {
        symbol: (ts, float(timeline.close[row]))
        for (symbol, row), ts in zip(last.items(), times, strict=True)
    }
