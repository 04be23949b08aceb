"""The account's live-safety settings: the trading day, the submit throttle, dry run.

They are the account's, not a strategy's (a strategy cannot override them): the day the
daily-loss guard measures from, in which time zone, how many orders may go out in one
second of the run's clock, and whether orders are only recorded (``--dry-run``). The
defaults keep the UTC midnight day, no throttle, and orders sent.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["SafetyPolicy", "parse_day_boundary"]

_HH_MM = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


def parse_day_boundary(text: str) -> int:
    """``"HH:MM"`` as minutes after local midnight; ``ValueError`` saying the fix otherwise."""
    match = _HH_MM.match(text)
    if match is None:
        raise ValueError(
            f"day_boundary must be a 24-hour time HH:MM such as '00:00' or '17:00', got {text!r}"
        )
    return int(match.group(1)) * 60 + int(match.group(2))


class SafetyPolicy(BaseModel):
    """When the trading day starts and how fast orders may go out, for the whole account.

    Why it exists: a daily loss limit means nothing until "the day" is named (a desk in New
    York closes its day at 17:00 local time, not at UTC midnight), and a runaway strategy
    must not flood a venue with orders faster than an operator could stop it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    day_boundary: str = Field(
        default="00:00",
        description="local time HH:MM at which the daily-loss guard's day starts",
    )
    time_zone: str = Field(
        default="UTC", description="IANA time zone of day_boundary, e.g. America/New_York"
    )
    max_submits_per_second: int | None = Field(
        default=None,
        ge=1,
        description="orders sent per second of the run's clock; past it an order is denied "
        "(reason submit_rate); None = no throttle",
    )

    dry_run: bool = Field(
        default=False,
        description="shadow mode (--dry-run): record the orders the run would send, send none",
    )

    @field_validator("day_boundary")
    @classmethod
    def _check_boundary(cls, value: str) -> str:
        parse_day_boundary(value)
        return value

    @field_validator("time_zone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            close = sorted(z for z in available_timezones() if z.lower() == value.lower())
            fix = f"did you mean {close[0]!r}?" if close else "e.g. 'UTC' or 'Europe/London'"
            raise ValueError(f"unknown time zone {value!r}: use an IANA name, {fix}") from None
        return value
