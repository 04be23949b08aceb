"""Range indicators: ATR, Bollinger bands, Donchian channel, Fibonacci retracement levels.

Inputs are numeric ``pd.Series`` sharing one index; outputs keep it, NaN during the
warm-up. ATR is TA-Lib's; the window statistics (bands, channel, levels) use pandas'
rolling windows, whose max/min are exact and whose standard deviation of a constant window
is exactly zero.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from vibetrading_V2.core.errors import IndicatorInputError
from vibetrading_V2.strategy.indicators import _engine
from vibetrading_V2.strategy.indicators._inputs import as_float_array, check_window, same_index

__all__ = ["FIB_RATIOS", "atr", "bollinger", "donchian", "fibonacci_levels"]

FIB_RATIOS: tuple[float, ...] = (0.0, 0.236, 0.382, 0.5, 0.618, 0.786, 1.0)


def _rolling(series: pd.Series, name: str) -> pd.Series:
    return pd.Series(as_float_array(series, name), index=series.index)


def atr(high: pd.Series, low: pd.Series, close: pd.Series, n: int = 14) -> pd.Series:
    """Wilder's average true range (TA-Lib ``ATR``).

    ``TR[t] = max(high - low, |high - close[t-1]|, |low - close[t-1]|)`` from row 1 (row 0
    has no previous close and is not used). Seeding: the first ATR, at row ``n``, is the
    simple mean of ``TR[1..n]``; after it ``atr = (atr * (n - 1) + TR) / n``. Warm-up:
    ``n`` NaN rows. The seed fades over about ``3 * n`` bars.
    """
    n = check_window(n)
    arrays = as_float_array(high, "high"), as_float_array(low, "low"), as_float_array(close)
    same_index(high, ("low", low), ("close", close))
    values = _engine.atr(*arrays, n)
    return pd.Series(values, index=close.index, name=f"atr_{n}", dtype=np.float64)


def bollinger(close: pd.Series, n: int = 20, k: float = 2.0) -> pd.DataFrame:
    """Bollinger bands: the ``n``-bar simple mean ± ``k`` population standard deviations.

    Columns lower, middle, upper. The standard deviation has ``ddof=0`` (as TA-Lib's
    ``BBANDS``), so a close on a band has :func:`rolling_zscore` equal to ±``k``.
    Warm-up: ``n - 1`` NaN rows (``n >= 2``).
    """
    n = check_window(n, minimum=2)
    if isinstance(k, bool) or not isinstance(k, int | float) or not k >= 0.0:
        raise IndicatorInputError(f"k must be a number >= 0, got {k!r}", field="k")
    window = _rolling(close, "close").rolling(n, min_periods=n)
    middle = window.mean()
    width = float(k) * window.std(ddof=0)
    return pd.DataFrame(
        {"lower": middle - width, "middle": middle, "upper": middle + width},
        index=close.index,
        dtype=np.float64,
    )


def donchian(high: pd.Series, low: pd.Series, n: int = 20) -> pd.DataFrame:
    """Donchian channel: highest high and lowest low of the last ``n`` bars.

    Columns lower, middle (their midpoint), upper. The window **includes the current bar**,
    so ``close > upper`` never fires: a breakout compares with the channel of the bar
    before, ``close > donchian(...)["upper"].shift(1)``. Warm-up: ``n - 1`` NaN rows.
    """
    n = check_window(n)
    highs = _rolling(high, "high")
    lows = _rolling(low, "low")
    same_index(high, ("low", low))
    upper = highs.rolling(n, min_periods=n).max()
    lower = lows.rolling(n, min_periods=n).min()
    return pd.DataFrame(
        {"lower": lower, "middle": (upper + lower) / 2.0, "upper": upper},
        index=high.index,
        dtype=np.float64,
    )


def fibonacci_levels(
    high: pd.Series, low: pd.Series, n: int, ratios: Sequence[float] = FIB_RATIOS
) -> pd.DataFrame:
    """Fibonacci retracement levels of the swing over the last ``n`` bars (current included).

    With ``HH`` / ``LL`` the highest high / lowest low of the window, the level of ratio
    ``r`` is ``HH - r * (HH - LL)``: 0 is the swing high, 1 the swing low, 0.618 the
    "golden" retracement of an up-move. One column per ratio, named ``fib_<ratio>``
    (``fib_0.618``). Warm-up: ``n - 1`` NaN rows.
    """
    checked = [float(r) for r in ratios if not isinstance(r, bool) and isinstance(r, int | float)]
    if not checked or len(checked) != len(ratios) or not all(np.isfinite(checked)):
        raise IndicatorInputError(
            f"ratios must be a non-empty list of finite numbers, got {list(ratios)!r}",
            field="ratios",
        )
    channel = donchian(high, low, n)
    span = channel["upper"] - channel["lower"]
    return pd.DataFrame(
        {f"fib_{r:g}": channel["upper"] - r * span for r in checked},
        index=high.index,
        dtype=np.float64,
    )
