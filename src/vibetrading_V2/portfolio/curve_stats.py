"""Statistics of an equity curve: return ratios and drawdown episodes, in whole-array steps.

The conventions are written once, in :mod:`vibetrading_V2.portfolio.stats`. Everything
here works on ``values = [initial_cash, *equity]`` and is vectorised: a million-point
curve costs a few passes of numpy, never a Python step per point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Drawdowns", "Ratios", "drawdowns", "ratios"]

FloatArray = npt.NDArray[np.float64]
_NS_PER_DAY = 86_400 * 1_000_000_000
_TINY_STD = 1e-12


@dataclass(frozen=True, slots=True)
class Drawdowns:
    """Peak and drawdown figures of a curve; percentages are ``<= 0``, durations in days."""

    peak: float
    max_pct: float
    avg_pct: float
    max_duration_days: float
    avg_duration_days: float


@dataclass(frozen=True, slots=True)
class Ratios:
    """Sharpe, sortino and annualised volatility (in percent); ``None`` when meaningless."""

    sharpe: float | None
    sortino: float | None
    volatility_pct: float | None


def drawdowns(values: FloatArray, ts: npt.NDArray[np.int64], scratch: FloatArray) -> Drawdowns:
    """Drawdown episodes of ``values``, timed by ``ts`` (one stamp per equity point).

    ``values[0]`` (the starting cash) is taken to stand at ``ts[0]``, ``values[i]`` at
    ``ts[i - 1]``. An episode runs from the last point at a running peak to the first
    point back at (or above) it, or to the last point if it never recovers. ``scratch`` is
    overwritten; ``values`` is not.
    """
    peak = np.maximum.accumulate(values, out=scratch)
    top = float(peak[-1])
    below = values < peak
    ratio = np.divide(values, peak, out=scratch)  # <= 1; < 1 exactly where below
    # below[0] is False (the first point is its own peak): edges alternate start, end
    edges = np.flatnonzero(below[1:] != below[:-1])
    edges += 1
    starts = edges[0::2]
    if len(starts) == 0:
        return Drawdowns(top, 0.0, 0.0, 0.0, 0.0)
    ends = edges[1::2]
    if len(ends) < len(starts):  # the last episode is still open: it lasts to the end
        ends = np.append(ends, len(values) - 1)
    # the minimum of each [start, next start) is the episode's, the rest being at 1.0
    depths = np.minimum.reduceat(ratio, starts)
    depths -= 1.0
    depths *= 100.0
    deepest = float(np.min(depths))
    average = min(max(float(np.mean(depths)), deepest), 0.0)  # guard the mean's rounding
    # point i stands at ts[i - 1] (point 0 at ts[0]); the peak is the point before a start
    durations = (ts[ends - 1] - ts[np.maximum(starts - 2, 0)]) / _NS_PER_DAY
    return Drawdowns(
        peak=top,
        max_pct=deepest,
        avg_pct=average,
        max_duration_days=float(np.max(durations)),
        avg_duration_days=float(np.mean(durations)),
    )


def ratios(values: FloatArray, periods_per_year: float, scratch: FloatArray) -> Ratios:
    """Sharpe, sortino and volatility of the simple returns of ``values``, overwritten here.

    The same operations as ``np.mean``, ``np.std(ddof=1)`` and ``np.minimum(r, 0) ** 2``,
    in the same order, so the same numbers; only the temporaries live in ``scratch`` and in
    ``values`` (free once the returns are taken): on a million-point curve a fresh array
    per step costs more in page faults than the arithmetic.
    """
    if bool(np.any(values[:-1] <= 0.0)):
        return Ratios(None, None, None)
    n = len(values) - 1
    returns = np.divide(values[1:], values[:-1], out=scratch[:n])
    returns -= 1.0
    if n < 2:
        return Ratios(0.0, 0.0, 0.0)
    mean = float(np.mean(returns))
    scale = math.sqrt(periods_per_year)
    work = values[:n]
    # np.std(returns, ddof=1): sum((r - mean) ** 2) / (n - 1), square-rooted
    np.subtract(returns, np.add.reduce(returns) / n, out=work)
    np.multiply(work, work, out=work)
    std = math.sqrt(float(np.add.reduce(work) / (n - 1)))
    np.minimum(returns, 0.0, out=work)
    np.multiply(work, work, out=work)
    downside = math.sqrt(float(np.mean(work)))
    return Ratios(
        sharpe=0.0 if std < _TINY_STD else mean / std * scale,
        sortino=0.0 if downside < _TINY_STD else mean / downside * scale,
        volatility_pct=100.0 * std * scale,
    )
