"""``--start`` / ``--end`` as the feed's ``[start_ns, end_ns)`` bounds; both flags are inclusive."""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.errors import ConfigError

__all__ = ["time_range"]


def _time_ns(text: str | None, field: str) -> int | None:
    """``--start``/``--end`` text as UTC nanoseconds; a naive time is taken as UTC."""
    if text is None:
        return None
    hint = "use ISO 8601, e.g. 2017-06-01 or 2017-06-01T12:00:00Z"
    try:
        stamp = pd.Timestamp(text)
    except ValueError as exc:
        raise ConfigError(f"cannot read {field} {text!r} as a time: {exc}", field=field,
                          hint=hint) from None
    if pd.isna(stamp):  # "" and "NaT" parse to no time at all
        raise ConfigError(f"{field} {text!r} names no time", field=field, hint=hint)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.value)


def _is_date_only(text: str) -> bool:
    return "T" not in text.upper() and ":" not in text and " " not in text.strip()


def _inclusive_end_ns(text: str, end_ns: int) -> int:
    """The exclusive bound after ``--end``: a date (or month, year) covers all of it."""
    if _is_date_only(text):
        try:
            return int((pd.Period(text) + 1).start_time.value)  # the next day/month/year
        except ValueError:
            pass
    return end_ns + 1


def time_range(start: str | None, end: str | None) -> tuple[int | None, int | None]:
    """``[start, end]`` inclusive, as the feed's ``[start_ns, end_ns)``.

    ``--end`` names the last bar time included; a date alone (``2012-12-31``) includes
    that whole day. ``--start`` after ``--end`` is refused in the flags' own terms.
    """
    start_ns, end_ns = _time_ns(start, "--start"), _time_ns(end, "--end")
    if end is not None and end_ns is not None:
        end_ns = _inclusive_end_ns(end, end_ns)
    if start_ns is not None and end_ns is not None and start_ns >= end_ns:
        raise ConfigError(
            f"--start {start} is after --end {end}",
            field="--start",
            hint="give --start on or before --end (both inclusive, UTC)",
        )
    return start_ns, end_ns
