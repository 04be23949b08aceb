"""The numbers the report draws, cut down to what a screen can show: pure numpy and pandas.

Why its own module: a million-bar run must still give a report that opens in seconds, so
every long series is thinned before it is drawn, in ways that keep what a trader looks
for: a line keeps each pixel column's lowest and highest point (a spike is never lost),
candles are merged into wider candles whose high and low are the true extremes (trade
markers are bounded per chart apart, in ``report_charts``). The buy-and-hold line and the
monthly returns are computed on the full series first, then thinned like any other line.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "MAX_CANDLES",
    "MAX_LINE_POINTS",
    "buy_and_hold",
    "candles",
    "minmax_indices",
    "monthly_returns",
    "utc_times",
]

MAX_LINE_POINTS = 3000
"""At most this many points per line: the lowest and highest of ~1,500 pixel columns."""
MAX_CANDLES = 1500
"""At most this many candles per symbol; longer histories are merged into wider candles."""

FloatArray = npt.NDArray[np.float64]


def utc_times(values: pd.Series | pd.Index, what: str) -> pd.DatetimeIndex:
    """``values`` as a UTC nanosecond ``DatetimeIndex`` (so ``asi8`` is nanoseconds);
    naive datetimes are refused (``ValueError``)."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        times = pd.DatetimeIndex(values).tz_convert("UTC")
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        if not pd.isna(values).all():  # no times at all: nothing is ambiguous
            raise ValueError(f"{what} has times without a time zone; give UTC times")
        times = pd.DatetimeIndex(values).tz_localize("UTC")
    else:
        times = pd.DatetimeIndex(pd.to_datetime(values, utc=True, format="ISO8601"))
    return times if times.unit == "ns" else times.as_unit("ns")


def minmax_indices(values: np.ndarray, max_points: int = MAX_LINE_POINTS) -> np.ndarray:
    """Sorted row positions to keep so a line of ``values`` has at most ``max_points``.

    The series is cut into equal buckets; each keeps its lowest and highest point, and the
    first and last points are always kept. Short series are returned whole.
    """
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, (max_points - 2) // 2)
    size = -(-n // buckets)
    whole = n // size
    gaps = np.isnan(values)
    low = np.where(gaps, np.inf, values) if gaps.any() else values  # NaN is never an extreme
    high = np.where(gaps, -np.inf, values) if gaps.any() else values
    starts = np.arange(whole) * size
    keep = [
        starts + np.argmin(low[: whole * size].reshape(whole, size), axis=1),
        starts + np.argmax(high[: whole * size].reshape(whole, size), axis=1),
    ]
    if whole * size < n:
        offset = whole * size
        keep.append(np.array([offset + np.argmin(low[offset:]), offset + np.argmax(high[offset:])]))
    keep.append(np.array([0, n - 1]))
    return np.unique(np.concatenate(keep))


def candles(bars: pd.DataFrame, max_candles: int = MAX_CANDLES) -> tuple[pd.DataFrame, int]:
    """``bars`` (open, high, low, close[, volume]) merged into at most ``max_candles`` rows.

    Returns the frame and how many bars each candle spans (1 when nothing was merged). A
    merged candle opens at its first bar's open and time, closes at its last bar's close,
    and its high, low and volume are the max, min and sum of its bars.
    """
    n = len(bars)
    if n <= max_candles:
        return bars, 1
    size = -(-n // max_candles)
    starts = np.arange(0, n, size)
    ends = np.append(starts[1:], n) - 1
    merged: dict[str, FloatArray] = {
        "open": bars["open"].to_numpy(dtype=float)[starts],
        "high": np.fmax.reduceat(bars["high"].to_numpy(dtype=float), starts),
        "low": np.fmin.reduceat(bars["low"].to_numpy(dtype=float), starts),
        "close": bars["close"].to_numpy(dtype=float)[ends],
    }
    if "volume" in bars.columns:
        volume = np.nan_to_num(bars["volume"].to_numpy(dtype=float))
        merged["volume"] = np.add.reduceat(volume, starts)
    return pd.DataFrame(merged, index=bars.index[starts]), size


def buy_and_hold(
    times: pd.DatetimeIndex, closes: Mapping[str, pd.Series], initial_equity: float
) -> FloatArray | None:
    """Equal-weight buy and hold of each symbol's closes, worth ``initial_equity`` at first.

    Each symbol gets an equal share, bought at its first close (held as cash until then);
    the value at each of ``times`` uses the last close at or before it. ``None`` when no
    symbol has a usable close.
    """
    ratios = []
    for series in closes.values():
        values = series.to_numpy(dtype=float)
        usable = np.isfinite(values) & (values > 0)
        if not usable.any():
            continue
        index, kept = (series.index, values) if usable.all() else (
            series.index[usable], values[usable])  # fmt: skip
        stamps = utc_times(index, "prices.index").asi8
        wanted = times if times.unit == "ns" else times.as_unit("ns")
        at = np.searchsorted(stamps, wanted.asi8, side="right") - 1
        ratios.append(np.where(at >= 0, kept[np.maximum(at, 0)] / kept[0], 1.0))
    if not ratios or not len(times):
        return None
    result: FloatArray = initial_equity * np.mean(ratios, axis=0)
    return result


def monthly_returns(
    times: pd.DatetimeIndex, equity: FloatArray, initial_equity: float
) -> pd.DataFrame:
    """Percent return of each calendar month (UTC): rows are years, columns 1..12 and "year".

    A month's return compares its last equity with the previous month's last (the first
    month with ``initial_equity``); months without bars are missing (NaN).
    """
    if not len(times):
        return pd.DataFrame(columns=[*range(1, 13), "year"], dtype=float)
    months = utc_times(times, "equity.timestamp").asi8.view("datetime64[ns]").astype(
        "datetime64[M]"
    )
    last_rows = np.flatnonzero(np.append(months[1:] != months[:-1], True))
    month_end = equity[last_rows]
    previous = np.concatenate([[initial_equity], month_end[:-1]])
    returns = 100.0 * (month_end / previous - 1.0)
    stamps = pd.DatetimeIndex(months[last_rows])
    table = pd.DataFrame({"y": stamps.year, "m": stamps.month, "r": returns})
    grid = table.pivot(index="y", columns="m", values="r").reindex(columns=range(1, 13))
    year_end = table.assign(e=month_end).groupby("y")["e"].last()
    year_start = pd.Series(previous, index=table["y"]).groupby(level=0).first()
    grid["year"] = 100.0 * (year_end / year_start - 1.0)
    grid.index.name = None
    grid.columns.name = None
    return grid
