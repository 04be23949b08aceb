"""Performance statistics of a run: returns, risk ratios, drawdown and trade quality.

A report and a promotion gate need the same handful of numbers computed one way, from
the equity curve and the round trips, with conventions written down. Every value is a
plain ``int``, ``float`` or ``None`` (never NaN or infinity), so the summary can be written
to JSON as is and compared byte for byte between runs.

Conventions:

* The return series is built from ``[initial_cash, *equity]``: the first period is the
  move from the starting cash to the first point of the curve. Simple returns, risk-free
  rate 0.
* ``sharpe = mean(r) / std(r, ddof=1) * sqrt(periods_per_year)``.
* ``sortino = mean(r) / sqrt(mean(min(r, 0) ** 2)) * sqrt(periods_per_year)`` (downside
  deviation against a 0 target, over all periods).
* Both are ``0.0`` when there are fewer than two returns or the deviation is zero (for
  sortino: no losing period), and ``None`` when the equity touched zero or went negative,
  where simple returns stop meaning anything.
* ``max_drawdown`` is the largest fall from a running peak as a positive fraction
  (``0.25`` = 25 %); the starting cash counts as the first peak.
* ``profit_factor`` is gross winning net PnL over gross losing net PnL; it is ``None``
  when no trade lost (the ratio would be infinite or undefined).
* ``win_rate``, ``avg_trade_net_pnl``, ``best_trade`` and ``worst_trade`` are ``None``
  without trades. A trade with a net PnL of exactly zero is neither a win nor a loss.
* ``cagr`` uses a 365.25-day year over the span of ``ts_ns``; ``None`` for a zero span, a
  non-positive final equity, or a result too large to be a number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.portfolio.trades import RoundTrip

__all__ = ["TIMEFRAME_MINUTES", "performance_summary", "periods_per_year_for"]

Summary = dict[str, float | int | None]

TIMEFRAME_MINUTES: dict[str, int] = {
    "1m": 1,
    "5m": 5,
    "15m": 15,
    "30m": 30,
    "1h": 60,
    "4h": 240,
    "1d": 1_440,
    "1w": 10_080,
}
_MINUTES_PER_YEAR = 365 * 1_440
_NS_PER_YEAR = 365.25 * 86_400 * 1_000_000_000
_TINY_STD = 1e-12


def periods_per_year_for(timeframe: str, override: float | None = None) -> float:
    """Bars per year for ``timeframe`` on a market that trades 24 hours, 7 days a week.

    ``1h`` gives 8760 (365 x 24), ``1d`` 365, ``1w`` 365/7, ``1M`` 12. FX (about 24 x 5)
    and equity sessions (about 6.5 h x 252 days, so ``1d`` is 252) trade fewer bars a
    year; pass their figure as ``override``, which is returned as is once checked.
    """
    if override is not None:
        if not (math.isfinite(override) and override > 0.0):
            raise ConfigError(
                f"periods_per_year override must be a positive number, got {override!r}",
                field="periods_per_year",
                hint="use e.g. 252 for daily equity bars or 6240 for hourly FX bars",
            )
        return float(override)
    if timeframe == "1M":
        return 12.0
    minutes = TIMEFRAME_MINUTES.get(timeframe)
    if minutes is None:
        known = ", ".join([*TIMEFRAME_MINUTES, "1M"])
        raise ConfigError(
            f"unknown timeframe {timeframe!r}",
            field="timeframe",
            hint=f"use one of {known}, or pass periods_per_year explicitly",
        )
    return _MINUTES_PER_YEAR / minutes


def performance_summary(
    ts_ns: npt.ArrayLike,
    equity: npt.ArrayLike,
    trades: Sequence[RoundTrip],
    *,
    initial_cash: float,
    fees: float,
    exposure: float,
    periods_per_year: float,
) -> Summary:
    """Summarise a run; see the module docstring for every convention.

    Keys, in this order: final_equity, total_return, cagr, sharpe, sortino, max_drawdown,
    n_trades, win_rate, profit_factor, avg_trade_net_pnl, best_trade, worst_trade,
    exposure, fees. ``exposure`` (fraction of bars with an open position) and ``fees``
    are passed through.
    """
    ts = np.asarray(ts_ns, dtype=np.int64)
    eq = np.asarray(equity, dtype=np.float64)
    _validate(ts, eq, initial_cash, periods_per_year)
    values = np.empty(len(eq) + 1, dtype=np.float64)
    values[0] = float(initial_cash)
    values[1:] = eq
    final = float(values[-1])
    # one scratch array for every temporary: on a million-row curve a fresh array per step
    # costs more in page faults than the arithmetic
    scratch = np.empty_like(values)
    max_drawdown = _max_drawdown(values, scratch)
    sharpe, sortino = _ratios(values, periods_per_year, scratch)
    summary: Summary = {
        "final_equity": final,
        "total_return": final / initial_cash - 1.0,
        "cagr": _cagr(ts, initial_cash, final),
        "sharpe": sharpe,
        "sortino": sortino,
        "max_drawdown": max_drawdown,
    }
    summary.update(_trade_stats([t.net_pnl for t in trades]))
    summary["exposure"] = float(exposure)
    summary["fees"] = float(fees)
    return {k: _clean(v) for k, v in summary.items()}


def _validate(
    ts: npt.NDArray[np.int64], eq: npt.NDArray[np.float64], cash: float, periods_per_year: float
) -> None:
    if ts.shape != eq.shape or eq.ndim != 1:
        raise ValueError(f"ts_ns and equity must be 1-D of one length, got {ts.shape}, {eq.shape}")
    if not bool(np.all(np.isfinite(eq))):
        raise ValueError("equity contains NaN or infinite values")
    if not (math.isfinite(cash) and cash > 0.0):
        raise ValueError(f"initial_cash must be positive to compute returns, got {cash!r}")
    if not (math.isfinite(periods_per_year) and periods_per_year > 0.0):
        raise ValueError(f"periods_per_year must be positive, got {periods_per_year!r}")


def _ratios(
    values: npt.NDArray[np.float64], periods_per_year: float, scratch: npt.NDArray[np.float64]
) -> tuple[float | None, ...]:
    """Sharpe and sortino of the simple returns of ``values``; ``values`` is overwritten.

    The same operations as ``np.mean``, ``np.std(ddof=1)`` and ``np.minimum(r, 0) ** 2``,
    in the same order, so the same numbers; only the temporaries live in ``scratch`` and in
    ``values`` (free once the returns are taken).
    """
    if bool(np.any(values[:-1] <= 0.0)):
        return None, None
    n = len(values) - 1
    returns = np.divide(values[1:], values[:-1], out=scratch[:n])
    returns -= 1.0
    if n < 2:
        return 0.0, 0.0
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
    sharpe = 0.0 if std < _TINY_STD else mean / std * scale
    sortino = 0.0 if downside < _TINY_STD else mean / downside * scale
    return sharpe, sortino


def _max_drawdown(values: npt.NDArray[np.float64], scratch: npt.NDArray[np.float64]) -> float:
    """Largest ``1 - value / running peak``: ``1 - min(value / peak)``, rounding being monotone."""
    ratio = np.maximum.accumulate(values, out=scratch)
    np.divide(values, ratio, out=ratio)
    return max(0.0, 1.0 - float(np.min(ratio)))


def _cagr(ts: npt.NDArray[np.int64], initial: float, final: float) -> float | None:
    if len(ts) < 2 or final <= 0.0:
        return None
    years = float(ts[-1] - ts[0]) / _NS_PER_YEAR
    if years <= 0.0:
        return None
    try:
        return float((final / initial) ** (1.0 / years) - 1.0)
    except OverflowError:
        return None


def _trade_stats(net: list[float]) -> Summary:
    wins = sum(p for p in net if p > 0.0)
    losses = -sum(p for p in net if p < 0.0)
    n = len(net)
    return {
        "n_trades": n,
        "win_rate": sum(1 for p in net if p > 0.0) / n if n else None,
        "profit_factor": wins / losses if losses > 0.0 else None,
        "avg_trade_net_pnl": math.fsum(net) / n if n else None,
        "best_trade": max(net) if n else None,
        "worst_trade": min(net) if n else None,
    }


def _clean(value: float | int | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    number = float(value)
    return number if math.isfinite(number) else None
