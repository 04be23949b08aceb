"""Bar timestamps of typical markets for the spacing and session tests (no disk)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["exchange_days", "exchange_hours", "fx_hours", "ns"]

HOLIDAYS = ["2012-01-16", "2012-02-20", "2012-04-06", "2012-05-28", "2012-07-04"]


def ns(index: pd.DatetimeIndex) -> npt.NDArray[np.int64]:
    return np.asarray(index.as_unit("ns").asi8, dtype=np.int64)


def exchange_days() -> npt.NDArray[np.int64]:
    """GOOG-like daily bars of 2012: weekdays at midnight UTC, a few holidays missing."""
    days = pd.bdate_range("2012-01-03", "2012-07-31", tz="UTC")
    return ns(days[~days.isin(pd.to_datetime(HOLIDAYS).tz_localize("UTC"))])


def fx_hours() -> npt.NDArray[np.int64]:
    """Hourly FX: Sunday 21:00 UTC to Friday 20:00 UTC, every hour in between."""
    hours = pd.date_range("2017-04-02 21:00", "2017-05-26 20:00", freq="1h", tz="UTC")
    open_week = (hours.day_of_week < 4) | ((hours.day_of_week == 4) & (hours.hour <= 20))
    open_week |= (hours.day_of_week == 6) & (hours.hour >= 21)
    return ns(hours[open_week])


def exchange_hours() -> npt.NDArray[np.int64]:
    """US-equity-like hourly bars: 13:30 .. 19:30 UTC on weekdays (7 bars a session)."""
    days = pd.bdate_range("2012-01-03", "2012-03-30", tz="UTC")
    stamps = [d + pd.Timedelta(minutes=13 * 60 + 30) + pd.Timedelta(hours=h)
              for d in days for h in range(7)]
    return ns(pd.DatetimeIndex(stamps))
