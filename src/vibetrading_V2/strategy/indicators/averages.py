"""Moving averages and the rolling z-score: causal, one output row per input row.

Each function takes a numeric ``pd.Series`` and returns a float ``pd.Series`` on the same
index, NaN during the warm-up. ``n`` counts bars and includes the current one. Leading NaNs
in the input (an average of an indicator) shift the warm-up by as many rows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vibetrading_V2.strategy.indicators import _engine
from vibetrading_V2.strategy.indicators._engine import FloatArray
from vibetrading_V2.strategy.indicators._inputs import as_float_array, check_window

__all__ = ["ema", "rolling_zscore", "sma", "wma"]


def _series(values: FloatArray, like: pd.Series, name: str) -> pd.Series:
    return pd.Series(values, index=like.index, name=name, dtype=np.float64)


def sma(series: pd.Series, n: int) -> pd.Series:
    """Simple moving average: the mean of the last ``n`` values (TA-Lib ``SMA``).

    Warm-up: the first ``n - 1`` rows are NaN. Summed with a running total, so two equal
    means can differ in the last bits; see :func:`exact_sma` for exact ties on a tick grid.
    """
    n = check_window(n)
    x = as_float_array(series)
    return _series(x if n == 1 else _engine.sma(x, n), series, f"sma_{n}")


def ema(series: pd.Series, n: int) -> pd.Series:
    """Exponential moving average with ``alpha = 2 / (n + 1)`` (TA-Lib ``EMA``).

    Seeding: the first value, at row ``n - 1``, is the simple mean of the first ``n``
    values; after it ``ema[t] = ema[t-1] + alpha * (x[t] - ema[t-1])``. Warm-up: ``n - 1``
    NaN rows. The seed matters for about ``3 * n`` bars: start the history early.
    """
    n = check_window(n)
    x = as_float_array(series)
    return _series(x if n == 1 else _engine.ema(x, n), series, f"ema_{n}")


def wma(series: pd.Series, n: int) -> pd.Series:
    """Linearly weighted moving average: weights 1..n, the newest value weighs ``n``.

    ``wma[t] = sum(k * x[t-n+k] for k in 1..n) / (n * (n + 1) / 2)`` (TA-Lib ``WMA``).
    Warm-up: ``n - 1`` NaN rows.
    """
    n = check_window(n)
    x = as_float_array(series)
    return _series(x if n == 1 else _engine.wma(x, n), series, f"wma_{n}")


def rolling_zscore(series: pd.Series, n: int) -> pd.Series:
    """How many standard deviations the value sits from its ``n``-bar mean.

    ``(x[t] - mean) / std`` over the last ``n`` values including ``x[t]``, with the
    population standard deviation (``ddof=0``, as Bollinger bands use). Warm-up: ``n - 1``
    NaN rows; also NaN where the window is constant (``std == 0``). Computed by pandas'
    rolling window, which returns an exact zero standard deviation for a constant window.
    """
    n = check_window(n, minimum=2)
    values = pd.Series(as_float_array(series), index=series.index)
    window = values.rolling(n, min_periods=n)
    std = window.std(ddof=0)
    z = (values - window.mean()) / std.where(std > 0.0)
    return z.rename(f"zscore_{n}").astype(np.float64)
