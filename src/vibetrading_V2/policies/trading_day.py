"""Which trading day a time falls in, for a day boundary in a time zone.

A day is numbered by its local calendar date (days since 1970-01-01) and starts at the
boundary's local time on that date; a time before the boundary belongs to the day before.
With the default (00:00 UTC) the number is ``ts_ns // NS_PER_DAY``, computed exactly so.
Only a new day's first NAV asks (``day_of``), so the time-zone arithmetic is off the hot path.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from vibetrading_V2.core.types import NS_PER_SECOND
from vibetrading_V2.policies.safety_config import SafetyPolicy, parse_day_boundary

__all__ = ["NS_PER_DAY", "TradingDay"]

NS_PER_DAY: Final = 86_400 * NS_PER_SECOND
_EPOCH: Final = date(1970, 1, 1)
_NS_PER_US: Final = 1_000


class TradingDay:
    """Maps a time to its trading day and a day to the time it starts.

    Why it exists: the daily-loss guard resets at the start of each day, and that start
    is a local time in the desk's time zone (daylight saving included), not UTC midnight.
    """

    def __init__(self, policy: SafetyPolicy | None = None) -> None:
        policy = policy or SafetyPolicy()
        minutes = parse_day_boundary(policy.day_boundary)
        self._zone = ZoneInfo(policy.time_zone)
        self._boundary = time(minutes // 60, minutes % 60)
        self._utc_midnight = minutes == 0 and policy.time_zone == "UTC"

    def day_of(self, ts_ns: int) -> int:
        """The number of the trading day ``ts_ns`` (UTC nanoseconds) falls in."""
        if self._utc_midnight:
            return ts_ns // NS_PER_DAY
        seconds, rest = divmod(ts_ns, NS_PER_SECOND)
        local = datetime.fromtimestamp(seconds, UTC).astimezone(self._zone)
        local += timedelta(microseconds=rest // _NS_PER_US)
        day = local.date()
        if local.time() < self._boundary:
            day -= timedelta(days=1)
        return (day - _EPOCH).days

    def start_ns(self, day: int) -> int:
        """When trading day ``day`` starts, in UTC nanoseconds."""
        if self._utc_midnight:
            return day * NS_PER_DAY
        local = datetime.combine(_EPOCH + timedelta(days=day), self._boundary, self._zone)
        return int(local.timestamp()) * NS_PER_SECOND
