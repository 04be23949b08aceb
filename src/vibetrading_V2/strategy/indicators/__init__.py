"""Indicators a strategy may import: causal, vectorised, pandas in and pandas out.

Every function takes numeric ``pd.Series`` (columns of the ``features()`` frame) and
returns a ``pd.Series`` or ``pd.DataFrame`` on the same index, NaN during its warm-up.
Causal: a value at row ``t`` depends on rows ``0..t`` only, so appending bars never changes
an earlier value. Each docstring states the seeding (TA-Lib's, for the functions it
computes) and the warm-up. Bad arguments raise
:class:`~vibetrading_V2.core.errors.IndicatorInputError`.

``exact_sma`` / ``compare_sma`` compute means of tick-grid prices exactly, for crosses
that must not fire on a float rounding error.
"""

from __future__ import annotations

from vibetrading_V2.strategy.indicators.averages import ema, rolling_zscore, sma, wma
from vibetrading_V2.strategy.indicators.exact import (
    compare_sma,
    exact_rolling_sum,
    exact_sma,
    to_ticks,
)
from vibetrading_V2.strategy.indicators.oscillators import adx, macd, mfi, rsi, stochastic
from vibetrading_V2.strategy.indicators.ranges import (
    FIB_RATIOS,
    atr,
    bollinger,
    donchian,
    fibonacci_levels,
)

__all__ = [
    "FIB_RATIOS",
    "adx",
    "atr",
    "bollinger",
    "compare_sma",
    "donchian",
    "ema",
    "exact_rolling_sum",
    "exact_sma",
    "fibonacci_levels",
    "macd",
    "mfi",
    "rolling_zscore",
    "rsi",
    "sma",
    "stochastic",
    "to_ticks",
    "wma",
]
