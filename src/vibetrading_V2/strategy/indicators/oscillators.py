"""Momentum oscillators: RSI, MACD, MFI, stochastic and ADX, all computed by TA-Lib.

Inputs are numeric ``pd.Series`` sharing one index (columns of the ``features()`` frame);
outputs keep that index, NaN during the warm-up. The docstrings give TA-Lib's exact
seeding, so a value can be reproduced by hand. The recursive ones (RSI, MACD, ADX) depend
on where the history starts: give them several times their warm-up before trusting them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vibetrading_V2.core.errors import IndicatorInputError
from vibetrading_V2.strategy.indicators import _engine
from vibetrading_V2.strategy.indicators._engine import FloatArray
from vibetrading_V2.strategy.indicators._inputs import as_float_array, check_window, same_index

__all__ = ["adx", "macd", "mfi", "rsi", "stochastic"]


def _series(values: FloatArray, like: pd.Series, name: str) -> pd.Series:
    return pd.Series(values, index=like.index, name=name, dtype=np.float64)


def _frame(columns: dict[str, FloatArray], like: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(columns, index=like.index, dtype=np.float64)


def _hlc(
    high: pd.Series, low: pd.Series, close: pd.Series
) -> tuple[FloatArray, FloatArray, FloatArray]:
    arrays = as_float_array(high, "high"), as_float_array(low, "low"), as_float_array(close)
    same_index(high, ("low", low), ("close", close))
    return arrays


def rsi(close: pd.Series, n: int = 14) -> pd.Series:
    """Wilder's relative strength index, 0..100 (TA-Lib ``RSI``).

    Seeding: with ``d[t] = close[t] - close[t-1]``, the first value, at row ``n``, uses the
    simple means of the gains and of the losses of ``d[1..n]``; after it each average is
    smoothed as ``avg = (avg * (n - 1) + new) / n``. ``RSI = 100 * gain / (gain + loss)``,
    and 0 when both averages are zero. Warm-up: ``n`` NaN rows (``n >= 2``).
    """
    n = check_window(n, minimum=2)
    return _series(_engine.rsi(as_float_array(close, "close"), n), close, f"rsi_{n}")


def macd(close: pd.Series, fast: int = 12, slow: int = 26, signal: int = 9) -> pd.DataFrame:
    """MACD line, signal line and histogram (TA-Lib ``MACD``); columns macd, signal, hist.

    Seeding, as TA-Lib does it: both EMAs start at row ``slow - 1``, each seeded with the
    simple mean of its own last ``fast`` (resp. ``slow``) values there, so the fast EMA is
    *not* the one :func:`ema` gives. ``macd = ema_fast - ema_slow``; ``signal`` is the EMA
    of ``macd`` seeded with the mean of its first ``signal`` values; ``hist = macd -
    signal``. Warm-up: ``slow + signal - 2`` NaN rows in all three columns.
    """
    fast = check_window(fast, "fast", minimum=2)
    slow = check_window(slow, "slow", minimum=2)
    signal = check_window(signal, "signal")
    if fast >= slow:
        raise IndicatorInputError(
            f"fast ({fast}) must be shorter than slow ({slow})", field="fast"
        )
    line, sig, hist = _engine.macd(as_float_array(close, "close"), fast, slow, signal)
    return _frame({"macd": line, "signal": sig, "hist": hist}, close)


def mfi(
    high: pd.Series, low: pd.Series, close: pd.Series, volume: pd.Series, n: int = 14
) -> pd.Series:
    """Money flow index, 0..100 (TA-Lib ``MFI``).

    Typical price ``tp = (high + low + close) / 3``, flow ``tp * volume``; a bar's flow
    counts as positive when ``tp`` rose from the bar before, negative when it fell, and
    not at all when unchanged. ``MFI = 100 * pos / (pos + neg)`` over the last ``n`` bars,
    0 when both sums are zero. Warm-up: ``n`` NaN rows (``n >= 2``).
    """
    n = check_window(n, minimum=2)
    h, lo, c = _hlc(high, low, close)
    v = as_float_array(volume, "volume")
    same_index(high, ("volume", volume))
    return _series(_engine.mfi(h, lo, c, v, n), close, f"mfi_{n}")


def stochastic(
    high: pd.Series, low: pd.Series, close: pd.Series, k: int = 14, smooth_k: int = 3, d: int = 3
) -> pd.DataFrame:
    """Slow stochastic oscillator, 0..100 (TA-Lib ``STOCH``, simple averages); columns k, d.

    Raw ``%K = 100 * (close - LL) / (HH - LL)`` over the last ``k`` bars including the
    current one (0 when ``HH == LL``); column ``k`` is its ``smooth_k``-bar simple mean and
    ``d`` the ``d``-bar simple mean of ``k``. Warm-up: ``k + smooth_k + d - 3`` NaN rows in
    both columns (``smooth_k = 1`` gives the fast stochastic).
    """
    k = check_window(k, "k")
    smooth_k = check_window(smooth_k, "smooth_k")
    d = check_window(d, "d")
    slow_k, slow_d = _engine.stoch(*_hlc(high, low, close), k, smooth_k, d)
    return _frame({"k": slow_k, "d": slow_d}, close)


def adx(high: pd.Series, low: pd.Series, close: pd.Series, n: int = 14) -> pd.Series:
    """Wilder's average directional index, 0..100 (TA-Lib ``ADX``).

    One-bar moves: ``up = high[t] - high[t-1]``, ``down = low[t-1] - low[t]``; ``+DM = up``
    when ``up > down`` and ``up > 0``, ``-DM = down`` when ``down > up`` and ``down > 0``,
    else 0; ``TR`` the true range. Seeding: ``+DM``, ``-DM`` and ``TR`` start as plain sums
    over rows ``1..n-1``; from row ``n`` each is smoothed ``S = S - S / n + x``;
    ``DX = 100 * |+DI - -DI| / (+DI + -DI)`` with ``DI = 100 * DM / TR``. The first ADX, at
    row ``2n - 1``, is the mean of the ``n`` DX values of rows ``n..2n-1``, then
    ``adx = (adx * (n - 1) + dx) / n``. Warm-up: ``2n - 1`` NaN rows (``n >= 2``).
    """
    n = check_window(n, minimum=2)
    return _series(_engine.adx(*_hlc(high, low, close), n), close, f"adx_{n}")
