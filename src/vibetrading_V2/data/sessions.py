"""Tell from the bars themselves when a market trades: 24x7, 24x5 or exchange sessions.

Annualised statistics need the number of bars in a year, which depends on the session as
much as on the bar size: hourly crypto has 8,760 a year, hourly FX about 6,240, hourly
equities 252 days times the bars of one session. The rules, on UTC timestamps:

* **24x7** when Saturdays carry bars (at least half a day's fair share of them). Sunday is
  not enough: FX opens on Sunday evening UTC.
* For daily and longer bars the hours cannot be seen: **24x5** when Sundays carry bars
  (FX daily bars stamped at the Sunday open), otherwise **exchange** days.
* For intraday bars, sessions are runs of bars without a break longer than two bars (and
  at least 4 hours, so a lunch break does not split one): **24x5** when the typical
  session spans 20 hours or more (a trading week), otherwise **exchange**, with the typical
  (median) number of bars in a session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from vibetrading_V2.data.schema import Int64Array, timeframe_span_ns

__all__ = ["SESSION_KINDS", "SessionInfo", "SessionKind", "detect_session"]

SessionKind = Literal["24x7", "24x5", "exchange"]
SESSION_KINDS: tuple[SessionKind, ...] = ("24x7", "24x5", "exchange")

_HOUR = 3_600 * 1_000_000_000
_DAY = 24 * _HOUR
_SATURDAY, _SUNDAY = 5, 6  # weekday numbers, Monday = 0
_EPOCH_WEEKDAY = 3  # 1970-01-01 was a Thursday
_MIN_BREAK = 4 * _HOUR
_ROUND_THE_CLOCK = 20 * _HOUR


@dataclass(frozen=True, slots=True)
class SessionInfo:
    """When the bars' market trades; ``bars_per_session`` for intraday exchange bars only."""

    kind: SessionKind
    bars_per_session: int | None = None


def detect_session(ts_ns: Int64Array, timeframe: str) -> SessionInfo:
    """The session of sorted UTC ``ts_ns`` bars of ``timeframe`` (24x7 without two bars)."""
    n = int(ts_ns.size)
    if n < 2:
        return SessionInfo("24x7")
    weekday = (ts_ns // _DAY + _EPOCH_WEEKDAY) % 7
    if _fair_share(weekday, _SATURDAY, n):
        return SessionInfo("24x7")
    step, _ = timeframe_span_ns(timeframe)
    if step >= _DAY:
        return SessionInfo("24x5" if _fair_share(weekday, _SUNDAY, n) else "exchange")
    gaps = np.diff(ts_ns)
    breaks = np.flatnonzero(gaps > max(2 * step, _MIN_BREAK))
    first = np.concatenate(([0], breaks + 1))
    last = np.concatenate((breaks, [n - 1]))
    spans = ts_ns[last] - ts_ns[first] + step
    if float(np.median(spans)) >= _ROUND_THE_CLOCK:
        return SessionInfo("24x5")
    bars = round(float(np.median(last - first + 1)))
    return SessionInfo("exchange", max(bars, 1))


def _fair_share(weekday: Int64Array, day: int, n: int) -> bool:
    """At least half the bars a day would hold if the bars were spread over all seven."""
    return int(np.count_nonzero(weekday == day)) * 14 >= n
