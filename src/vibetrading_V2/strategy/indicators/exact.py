"""Exact rolling sums and means of prices on a tick grid, so equal means compare equal.

A float rolling mean sums in binary fractions: two windows with the same exact mean can
differ in the last bit and read as "above", so a cross fires a bar early or late. Prices
quoted on a tick grid are integers in disguise: :func:`to_ticks` turns each into its
integer count of ticks (refusing, never rounding, a price off the grid), rolling sums of
integers are exact, and a mean is the rational ``sum * tick / n``, turned into a float
only at the end, correctly rounded. Correct rounding is monotone, so the floats of two
exact means never compare in the wrong order, and equal means give equal floats;
:func:`compare_sma` compares the rationals themselves and never even merges two close ones.

A price ``x`` is on the grid of ``tick`` when ``x`` is the float nearest to ``k * tick`` for
an integer ``k``: ``1.1234`` is on the ``0.0001`` grid (as parsed from text), ``1.12345``
is not. The tick is taken from its shortest decimal text, so ``tick=0.0001`` means exactly
1/10000; pass a string or a ``Fraction`` for ticks such as 1/32.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vibetrading_V2.core.errors import IndicatorInputError, OffTickPriceError
from vibetrading_V2.strategy.indicators._inputs import as_float_array, check_window

__all__ = ["TickInput", "compare_sma", "exact_rolling_sum", "exact_sma", "to_ticks"]

TickInput = float | int | str | Decimal | Fraction
IntArray = npt.NDArray[np.int64]
_EXACT = 2**53  # integers below this are exact in a float64
_SAFE_SUM = 2**62  # an int64 cumulative sum below this cannot overflow


def _tick_fraction(tick: object) -> Fraction:
    if isinstance(tick, bool) or not isinstance(tick, float | int | str | Decimal | Fraction):
        raise IndicatorInputError(f"tick must be a number, got {tick!r}", field="tick")
    try:
        value = Fraction(repr(tick)) if isinstance(tick, float) else Fraction(tick)
    except (ValueError, ZeroDivisionError, InvalidOperation):
        raise IndicatorInputError(f"tick {tick!r} is not a number", field="tick") from None
    if value <= 0 or value.numerator >= _EXACT or value.denominator >= _EXACT:
        raise IndicatorInputError(
            f"tick must be positive with a small exact ratio, got {tick!r}", field="tick"
        )
    return value


def to_ticks(prices: pd.Series, tick: TickInput) -> pd.Series:
    """Each price as its exact integer number of ticks (int64, same index).

    Raises :class:`~vibetrading_V2.core.errors.OffTickPriceError` naming the first price
    that is not on the grid and :class:`~vibetrading_V2.core.errors.IndicatorInputError`
    for NaN, infinities or prices of 2**53 ticks or more (no longer exact in a float).
    """
    return pd.Series(_ticks(prices, tick), index=prices.index, name="ticks")


def _ticks(prices: pd.Series, given: TickInput) -> IntArray:
    tick = _tick_fraction(given)
    x = as_float_array(prices, "prices")
    if not np.isfinite(x).all():
        raise IndicatorInputError(
            "prices must all be numbers for an exact mean (no NaN warm-up)", field="prices"
        )
    p, q = tick.numerator, tick.denominator
    counts = np.rint(x * (q / p))
    if counts.size and float(np.abs(counts).max()) * p >= _EXACT:
        raise IndicatorInputError(
            "prices are too large for exact tick arithmetic",
            field="prices",
            hint="use a coarser tick",
        )
    k = counts.astype(np.int64)
    back = (k * p).astype(np.float64) / float(q)  # one correctly rounded division
    off = np.flatnonzero(back != x)
    if off.size:
        at = int(off[0])
        raise OffTickPriceError(float(x[at]), str(given), at)
    return k


def _window_sums(k: IntArray, n: int) -> tuple[npt.NDArray[Any], int]:
    """Sums of every full window of ``n`` (row ``n - 1`` onwards), exact, and max |ticks|.

    int64 when the running total cannot overflow, else Python integers.
    """
    peak = int(np.abs(k).max()) if k.size else 0
    values = k if peak * max(k.size, 1) < _SAFE_SUM else k.astype(object)
    totals = np.concatenate([np.zeros(1, dtype=values.dtype), np.cumsum(values)])
    return totals[n:] - totals[:-n], peak


def exact_rolling_sum(prices: pd.Series, n: int, *, tick: TickInput) -> pd.Series:
    """The exact sum, in ticks, of the last ``n`` prices (nullable ``Int64``, NA warm-up).

    Warm-up: ``n - 1`` NA rows. Multiply by the tick for a price sum.
    """
    n = check_window(n)
    k = _ticks(prices, tick)
    out = pd.array([pd.NA] * len(k), dtype="Int64")
    if len(k) >= n:
        sums, _ = _window_sums(k, n)
        out[n - 1 :] = [int(s) for s in sums]
    return pd.Series(out, index=prices.index, name=f"tick_sum_{n}")


def exact_sma(prices: pd.Series, n: int, *, tick: TickInput) -> pd.Series:
    """The ``n``-bar simple mean computed exactly in ticks, as the nearest float.

    Two windows with the same exact mean give the same float, never one "above" the
    other; unequal means never come out in the wrong order. Warm-up: ``n - 1`` NaN rows.
    Prices off the tick grid raise :class:`~vibetrading_V2.core.errors.OffTickPriceError`.
    """
    n = check_window(n)
    t = _tick_fraction(tick)
    k = _ticks(prices, tick)
    out = np.full(len(k), np.nan)
    if len(k) >= n:
        sums, peak = _window_sums(k, n)
        num, den = t.numerator, n * t.denominator
        if sums.dtype == np.int64 and peak * n * num < _EXACT and den < _EXACT:
            out[n - 1 :] = (sums * num).astype(np.float64) / float(den)
        else:  # Python's int / int is correctly rounded at any size
            out[n - 1 :] = [int(s) * num / den for s in sums]
    return pd.Series(out, index=prices.index, name=f"exact_sma_{n}")


def compare_sma(prices: pd.Series, n_a: int, n_b: int, *, tick: TickInput) -> pd.Series:
    """Sign of ``sma(n_a) - sma(n_b)`` computed exactly: +1.0, 0.0 (a true tie) or -1.0.

    Compares ``sum_a * n_b`` with ``sum_b * n_a`` in integers, so a tie is a tie.
    ``n_a = 1`` compares the price itself with the ``n_b``-bar mean. Warm-up:
    ``max(n_a, n_b) - 1`` NaN rows.
    """
    n_a = check_window(n_a, "n_a")
    n_b = check_window(n_b, "n_b")
    k = _ticks(prices, tick)
    out = np.full(len(k), np.nan)
    longest = max(n_a, n_b)
    if len(k) >= longest:
        sums_a, peak = _window_sums(k, n_a)
        sums_b, _ = _window_sums(k, n_b)
        a = sums_a[longest - n_a :]
        b = sums_b[longest - n_b :]
        if a.dtype != np.int64 or b.dtype != np.int64 or peak * n_a * n_b >= _SAFE_SUM:
            a, b = a.astype(object), b.astype(object)
        diff = a * n_b - b * n_a
        out[longest - 1 :] = (diff > 0).astype(np.float64) - (diff < 0).astype(np.float64)
    return pd.Series(out, index=prices.index, name=f"sma_{n_a}_vs_{n_b}")
