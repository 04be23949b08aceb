"""The one module that calls TA-Lib: typed wrappers over its untyped C functions.

TA-Lib's type hints are partial (its outputs are untyped arrays); every call goes through
here so the rest of the package sees float64 arrays and a TA-Lib upgrade is checked in one
place. Inputs are contiguous
float64 arrays already validated by :mod:`._inputs`; TA-Lib's wrapper skips leading NaNs
and pads its lookback with NaN, so every output has the input's length.

TA-Lib keeps two process-wide settings (compatibility mode and per-function unstable
periods). This package relies on their defaults (``Default`` mode, unstable period 0);
strategies cannot import ``talib`` (the sandbox denies it) to change them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import talib
from talib._ta_lib import MA_Type  # the enum the stubs type STOCH with; SMA is 0

FloatArray = npt.NDArray[np.float64]

__all__ = [
    "FloatArray",
    "adx",
    "atr",
    "ema",
    "macd",
    "mfi",
    "rsi",
    "sma",
    "stoch",
    "wma",
]

def _out(values: object) -> FloatArray:
    return np.asarray(values, dtype=np.float64)


def sma(x: FloatArray, n: int) -> FloatArray:
    return _out(talib.SMA(x, timeperiod=n))


def ema(x: FloatArray, n: int) -> FloatArray:
    return _out(talib.EMA(x, timeperiod=n))


def wma(x: FloatArray, n: int) -> FloatArray:
    return _out(talib.WMA(x, timeperiod=n))


def rsi(x: FloatArray, n: int) -> FloatArray:
    return _out(talib.RSI(x, timeperiod=n))


def atr(high: FloatArray, low: FloatArray, close: FloatArray, n: int) -> FloatArray:
    return _out(talib.ATR(high, low, close, timeperiod=n))


def adx(high: FloatArray, low: FloatArray, close: FloatArray, n: int) -> FloatArray:
    return _out(talib.ADX(high, low, close, timeperiod=n))


def mfi(
    high: FloatArray, low: FloatArray, close: FloatArray, volume: FloatArray, n: int
) -> FloatArray:
    return _out(talib.MFI(high, low, close, volume, timeperiod=n))


def macd(x: FloatArray, fast: int, slow: int, signal: int) -> tuple[FloatArray, ...]:
    line, sig, hist = talib.MACD(x, fastperiod=fast, slowperiod=slow, signalperiod=signal)
    return _out(line), _out(sig), _out(hist)


def stoch(
    high: FloatArray, low: FloatArray, close: FloatArray, k: int, smooth_k: int, d: int
) -> tuple[FloatArray, FloatArray]:
    slow_k, slow_d = talib.STOCH(
        high, low, close, fastk_period=k, slowk_period=smooth_k, slowk_matype=MA_Type.SMA,
        slowd_period=d, slowd_matype=MA_Type.SMA,
    )
    return _out(slow_k), _out(slow_d)
