"""How many bars make a year: from the declared timeframe and the market's session.

Sharpe, Sortino and annualised volatility scale with ``sqrt(periods_per_year)``, so the
count must match the bars actually traded:

* ``24x7`` (crypto): 365 days of round-the-clock bars; ``1h`` gives 8,760.
* ``24x5`` (FX, futures): 260 weekdays (52 x 5) of round-the-clock bars; ``1h`` gives 6,240.
* ``exchange``: 252 trading days; ``1d`` gives 252, intraday bars 252 x the bars of one
  session (7 hourly bars of a US session give 1,764).
* Weekly bars give 365 / 7 and monthly bars 12 whatever the session.

A configured ``engine.periods_per_year`` overrides all of it, and the basis says so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from vibetrading_V2.core.errors import ConfigError

__all__ = [
    "TIMEFRAME_MINUTES",
    "Annualisation",
    "Session",
    "annualisation_for",
    "broadest_session",
]

Session = Literal["24x7", "24x5", "exchange"]

_DAYS_PER_YEAR: dict[Session, float] = {"24x7": 365.0, "24x5": 260.0, "exchange": 252.0}
_SESSION_TEXT: dict[Session, str] = {
    "24x7": "24x7 session",
    "24x5": "24x5 session",
    "exchange": "exchange days",
}
_BREADTH: dict[Session, int] = {"exchange": 0, "24x5": 1, "24x7": 2}
_MINUTES_PER_DAY = 1_440

TIMEFRAME_MINUTES: dict[str, int] = {  # the timeframes a strategy may declare, but "1M"
    "1m": 1,
    "5m": 5,
    "15m": 15,
    "30m": 30,
    "1h": 60,
    "4h": 240,
    "1d": 1_440,
    "1w": 10_080,
}


@dataclass(frozen=True, slots=True)
class Annualisation:
    """The periods a year used for annualised statistics, and why."""

    periods_per_year: float
    timeframe: str
    session: Session
    basis: str

    def to_dict(self) -> dict[str, object]:
        """The ``summary["annualisation"]`` entry."""
        return {
            "periods_per_year": self.periods_per_year,
            "timeframe": self.timeframe,
            "session": self.session,
            "basis": self.basis,
        }


def annualisation_for(
    timeframe: str,
    session: Session,
    *,
    bars_per_session: int | None = None,
    configured: float | None = None,
) -> Annualisation:
    """Periods a year of ``timeframe`` bars traded in ``session``; ``configured`` wins."""
    if configured is not None:
        if not (math.isfinite(configured) and configured > 0.0):
            raise ConfigError(
                f"engine.periods_per_year must be a positive number, got {configured!r}",
                field="engine.periods_per_year",
                hint="leave it unset to derive it from the timeframe and the data's session",
            )
        basis = f"configured: engine.periods_per_year = {_number(configured)}"
        return Annualisation(float(configured), timeframe, session, basis)
    periods, how = _periods(timeframe, session, bars_per_session)
    basis = (
        f"{timeframe} bars, {how}: {_number(periods)} periods a year"
        if how
        else f"{timeframe} bars: {_number(periods)} periods a year (any session)"
    )
    return Annualisation(periods, timeframe, session, basis)


def broadest_session(sessions: Iterable[tuple[Session, int | None]]) -> tuple[Session, int | None]:
    """The session of an equity curve sampled at every bar of several markets.

    The curve has a point wherever any market has a bar, so the broadest session counts
    (24x7 over 24x5 over exchange), and among exchange markets the longest session.
    """
    chosen: tuple[Session, int | None] = ("exchange", None)
    for kind, bars in sessions:
        broader = _BREADTH[kind] > _BREADTH[chosen[0]]
        longer = kind == chosen[0] == "exchange" and (bars or 0) > (chosen[1] or 0)
        if broader or longer:
            chosen = (kind, bars)
    return chosen


def _periods(
    timeframe: str, session: Session, bars_per_session: int | None
) -> tuple[float, str | None]:
    if timeframe == "1M":
        return 12.0, None
    minutes = TIMEFRAME_MINUTES.get(timeframe)
    if minutes is None:
        known = ", ".join([*TIMEFRAME_MINUTES, "1M"])
        raise ConfigError(
            f"unknown timeframe {timeframe!r}",
            field="timeframe",
            hint=f"use one of {known}, or set engine.periods_per_year",
        )
    if minutes >= 7 * _MINUTES_PER_DAY:
        return 365.0 * _MINUTES_PER_DAY / minutes, None
    days = _DAYS_PER_YEAR[session]
    if minutes >= _MINUTES_PER_DAY or session != "exchange":
        per_day = _MINUTES_PER_DAY / minutes
        return days * per_day, _SESSION_TEXT[session]
    bars = bars_per_session or round(6.5 * 60 / minutes) or 1
    source = "" if bars_per_session else " (assumed 6.5 h)"
    return days * bars, f"exchange days of {bars:,} bars{source}"


def _number(value: float) -> str:
    """6240.0 -> ``6,240``; 52.142857 -> ``52.14``."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
