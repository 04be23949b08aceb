"""Plain-loop reference indicators, written from the seeding the docstrings state.

Independent of TA-Lib and pandas: each is a direct transcription of a docstring of
``vibetrading_V2.strategy.indicators``, so agreement checks the documentation as much as
the code. Inputs and outputs are plain lists; ``nan`` marks the warm-up.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

NAN = math.nan
Values = Sequence[float]


def sma(x: Values, n: int) -> list[float]:
    return [NAN if t < n - 1 else sum(x[t - n + 1 : t + 1]) / n for t in range(len(x))]


def ema(x: Values, n: int, seed_at: int | None = None) -> list[float]:
    """EMA seeded at row ``seed_at`` (default ``n - 1``) with the mean of the n rows up to it."""
    start = n - 1 if seed_at is None else seed_at
    out = [NAN] * len(x)
    if len(x) <= start:
        return out
    value = sum(x[start - n + 1 : start + 1]) / n
    out[start] = value
    alpha = 2.0 / (n + 1)
    for t in range(start + 1, len(x)):
        value = value + alpha * (x[t] - value)
        out[t] = value
    return out


def wma(x: Values, n: int) -> list[float]:
    weight = n * (n + 1) / 2
    return [
        NAN if t < n - 1 else sum((k + 1) * x[t - n + 1 + k] for k in range(n)) / weight
        for t in range(len(x))
    ]


def rsi(x: Values, n: int) -> list[float]:
    out = [NAN] * len(x)
    if len(x) <= n:
        return out
    moves = [x[t] - x[t - 1] for t in range(1, n + 1)]
    gain = sum(m for m in moves if m > 0) / n
    loss = sum(-m for m in moves if m < 0) / n
    for t in range(n, len(x)):
        if t > n:
            move = x[t] - x[t - 1]
            gain = (gain * (n - 1) + max(move, 0.0)) / n
            loss = (loss * (n - 1) + max(-move, 0.0)) / n
        out[t] = 0.0 if gain + loss == 0 else 100.0 * gain / (gain + loss)
    return out


def true_range(high: Values, low: Values, close: Values) -> list[float]:
    return [NAN] + [
        max(high[t] - low[t], abs(high[t] - close[t - 1]), abs(low[t] - close[t - 1]))
        for t in range(1, len(close))
    ]


def atr(high: Values, low: Values, close: Values, n: int) -> list[float]:
    tr = true_range(high, low, close)
    out = [NAN] * len(close)
    if len(close) <= n:
        return out
    value = sum(tr[1 : n + 1]) / n
    out[n] = value
    for t in range(n + 1, len(close)):
        value = (value * (n - 1) + tr[t]) / n
        out[t] = value
    return out


def macd(x: Values, fast: int, slow: int, signal: int) -> tuple[list[float], ...]:
    start = slow - 1
    slow_ema = ema(x, slow, seed_at=start)
    fast_ema = ema(x, fast, seed_at=start)
    line = [NAN if t < start else fast_ema[t] - slow_ema[t] for t in range(len(x))]
    first = start + signal - 1
    sig = [NAN] * len(x)
    if len(x) > first:
        sig[first:] = ema(line[start:], signal)[signal - 1 :]
    keep = [NAN if t < first else line[t] for t in range(len(x))]
    hist = [keep[t] - sig[t] for t in range(len(x))]
    return keep, sig, hist


def mfi(high: Values, low: Values, close: Values, volume: Values, n: int) -> list[float]:
    tp = [(h + lo + c) / 3 for h, lo, c in zip(high, low, close, strict=True)]
    pos = [0.0] + [tp[t] * volume[t] if tp[t] > tp[t - 1] else 0.0 for t in range(1, len(tp))]
    neg = [0.0] + [tp[t] * volume[t] if tp[t] < tp[t - 1] else 0.0 for t in range(1, len(tp))]
    out = [NAN] * len(tp)
    for t in range(n, len(tp)):
        p, m = sum(pos[t - n + 1 : t + 1]), sum(neg[t - n + 1 : t + 1])
        out[t] = 0.0 if p + m == 0 else 100.0 * p / (p + m)
    return out


def stochastic(
    high: Values, low: Values, close: Values, k: int, smooth_k: int, d: int
) -> tuple[list[float], list[float]]:
    raw = [NAN] * len(close)
    for t in range(k - 1, len(close)):
        hh, ll = max(high[t - k + 1 : t + 1]), min(low[t - k + 1 : t + 1])
        raw[t] = 0.0 if hh == ll else 100.0 * (close[t] - ll) / (hh - ll)
    slow_k = [NAN] * (k - 1) + sma(raw[k - 1 :], smooth_k)
    first_k = k + smooth_k - 2
    slow_d = [NAN] * first_k + sma(slow_k[first_k:], d)
    first = first_k + d - 1
    return [NAN if t < first else v for t, v in enumerate(slow_k)], slow_d


def adx(high: Values, low: Values, close: Values, n: int) -> list[float]:
    def moves(t: int) -> tuple[float, float, float]:
        up, down = high[t] - high[t - 1], low[t - 1] - low[t]
        plus = up if up > down and up > 0 else 0.0
        minus = down if down > up and down > 0 else 0.0
        tr = max(high[t] - low[t], abs(high[t] - close[t - 1]), abs(low[t] - close[t - 1]))
        return plus, minus, tr

    out = [NAN] * len(close)
    if len(close) <= 2 * n - 1:
        return out
    sums = [sum(col) for col in zip(*(moves(t) for t in range(1, n)), strict=True)]
    dx: list[float] = []
    value = NAN
    for t in range(n, len(close)):
        sums = [s - s / n + m for s, m in zip(sums, moves(t), strict=True)]
        plus_di, minus_di = 100 * sums[0] / sums[2], 100 * sums[1] / sums[2]
        total = plus_di + minus_di
        dx.append(0.0 if total == 0 else 100 * abs(plus_di - minus_di) / total)
        if t == 2 * n - 1:
            value = sum(dx) / n
        elif t > 2 * n - 1:
            value = (value * (n - 1) + dx[-1]) / n
        out[t] = value
    return out
