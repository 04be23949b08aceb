"""Performance statistics of a run: returns, risk ratios, drawdowns and trade quality.

A report and a promotion gate need the same numbers computed one way, from the equity
curve and the round trips, with the conventions written down. Every value is a plain
``int``, ``float`` or ``None`` (never NaN or infinity), so the summary can be written to
JSON as is and compared byte for byte between runs. The keys are those of
:mod:`vibetrading_V2.ops.summary_layout`; the computations live in
:mod:`~vibetrading_V2.portfolio.curve_stats` and :mod:`~vibetrading_V2.portfolio.trade_stats`.

Units: ``*_pct`` are percent numbers (``12.5`` is 12.5 %), ``*_days`` days of 86,400 s,
money in the account currency, ratios plain numbers.

The curve:

* Returns are simple returns of ``[initial_cash, *equity]``: the first period is the move
  from the starting cash to the first point. Risk-free rate 0. ``n`` is the number of
  returns (points of the curve); ``periods_per_year`` comes from the run's annualisation.
* ``total_return_pct = 100 * (final / initial - 1)``; ``peak_equity`` is the highest value,
  the starting cash included.
* ``annual_return_pct = 100 * ((final / initial) ** (periods_per_year / n) - 1)``
  (geometric); ``cagr_pct`` the same over calendar time (365.25-day years over the span of
  the timestamps). Both are ``None`` for an empty curve or zero span, a non-positive final
  equity, or a result too large to be a number.
* ``annual_volatility_pct = 100 * std(r, ddof=1) * sqrt(periods_per_year)``;
  ``sharpe = mean(r) / std(r, ddof=1) * sqrt(periods_per_year)``;
  ``sortino = mean(r) / sqrt(mean(min(r, 0) ** 2)) * sqrt(periods_per_year)`` (downside
  deviation against a 0 target, over all periods). Sharpe and sortino are ``0.0`` with
  fewer than two returns or a zero deviation (sortino: no losing period); all three are
  ``None`` when the equity touched zero or went negative (simple returns stop meaning
  anything there).
* A drawdown episode runs from a running peak (the starting cash is the first) to the
  first point back at or above it, or to the end of the curve if it never recovers.
  ``max_drawdown_pct`` is the deepest fall below the peak and ``avg_drawdown_pct`` the mean
  depth of the episodes, both ``<= 0`` (``-25.0`` is a 25 % fall; the sign the drawdown
  chart uses), so ``max_drawdown_pct <= avg_drawdown_pct <= 0``. The durations run from
  the peak's time to the recovery's (or the last point's); the starting cash stands at the
  first timestamp. All four are ``0.0`` without a drawdown.
* ``calmar = annual_return_pct / -max_drawdown_pct``; ``None`` without a drawdown.
* ``exposure_pct`` (percent of the timeline's rows with a position open) and ``fees`` are
  passed through; ``duration_days`` is the span of the timestamps (``None`` when empty).

The trades:

* Trade statistics count **closed** trades only. Positions still open at the end are not
  trades yet (their PnL is unrealised and would change with the last price): they are
  listed apart, as ``open_positions`` / ``n_open_positions`` and as ``open`` rows of
  ``trades.csv``, and their value is in the equity figures above.
* A trade's return is its ``return_pct``: net PnL (after its fees) in percent of the entry
  notional. ``best_trade_pct`` / ``worst_trade_pct`` are the largest and smallest;
  ``expectancy_pct`` is their arithmetic mean, ``avg_trade_pct`` their geometric mean
  (the per-trade return compounding to the same growth; ``None`` if a trade lost 100 % or
  more), ``expectancy`` the mean net PnL in money.
* ``win_rate_pct`` counts trades with a net PnL above zero; a net PnL of exactly zero is
  neither a win nor a loss. ``profit_factor`` is gross winning over gross losing net PnL
  (``None`` when no trade lost). ``sqn = sqrt(n) * mean(net) / std(net, ddof=1)`` (``None``
  under two trades or a zero deviation). ``kelly = w - (1 - w) / (avg win / avg loss)``
  with ``w`` the win rate as a fraction and the averages of net PnL in money (``None``
  without both a win and a loss).
* Trade durations run from entry (opened from flat) to exit, in days.
* Every trade figure is ``None`` without trades (``n_trades`` is ``0``).

``buy_hold_return_pct`` holds each of the run's symbols from its first close to its last,
equal weight, without fees.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vibetrading_V2.portfolio.curve_stats import drawdowns, ratios
from vibetrading_V2.portfolio.timeline import symbol_bounds
from vibetrading_V2.portfolio.trade_stats import trade_summary
from vibetrading_V2.portfolio.trades import RoundTrip

__all__ = [
    "buy_hold_of_closes",
    "buy_hold_return_pct",
    "performance_summary",
]

Summary = dict[str, float | int | None]

_NS_PER_YEAR = 365.25 * 86_400 * 1_000_000_000
_NS_PER_DAY = 86_400 * 1_000_000_000


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

    ``exposure`` is the fraction of rows with an open position (reported in percent) and
    ``fees`` the fees paid; both are passed through.
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
    down = drawdowns(values, ts, scratch)
    risk = ratios(values, periods_per_year, scratch)  # overwrites values
    annual = _growth_rate(final / initial_cash, len(eq) / periods_per_year)
    span_ns = int(ts[-1] - ts[0]) if len(ts) else None
    summary: Summary = {
        "duration_days": None if span_ns is None else span_ns / _NS_PER_DAY,
        "initial_equity": float(initial_cash),
        "final_equity": final,
        "peak_equity": down.peak,
        "total_return_pct": 100.0 * (final / initial_cash - 1.0),
        "annual_return_pct": annual,
        "annual_volatility_pct": risk.volatility_pct,
        "cagr_pct": _growth_rate(final / initial_cash, (span_ns or 0) / _NS_PER_YEAR),
        "exposure_pct": 100.0 * float(exposure),
        "fees": float(fees),
        "sharpe": risk.sharpe,
        "sortino": risk.sortino,
        "calmar": None if annual is None or down.max_pct == 0.0 else annual / -down.max_pct,
        "max_drawdown_pct": down.max_pct,
        "avg_drawdown_pct": down.avg_pct,
        "max_drawdown_duration_days": down.max_duration_days,
        "avg_drawdown_duration_days": down.avg_duration_days,
    }
    summary.update(trade_summary(trades))
    return {k: _clean(v) for k, v in summary.items()}


def buy_hold_return_pct(
    symbol_index: npt.ArrayLike, close: npt.ArrayLike, n_symbols: int
) -> float | None:
    """Return in percent of holding every symbol from its first close to its last, equal
    weight, no fees; ``None`` without bars or with a first close that is not positive."""
    px = np.asarray(close, dtype=np.float64)
    return buy_hold_of_closes([
        (float(px[rows[0]]), float(px[rows[1]]))
        for rows in symbol_bounds(symbol_index, n_symbols)
        if rows is not None
    ])


def buy_hold_of_closes(firsts_lasts: Sequence[tuple[float, float]]) -> float | None:
    """:func:`buy_hold_return_pct` of each symbol's first and last close."""
    if not firsts_lasts or any(first <= 0.0 for first, _ in firsts_lasts):
        return None
    moves = [last / first - 1.0 for first, last in firsts_lasts]
    result = _clean(100.0 * math.fsum(moves) / len(moves))
    return None if result is None else float(result)


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


def _growth_rate(growth: float, years: float) -> float | None:
    """``100 * (growth ** (1 / years) - 1)``; ``None`` for no time, no growth or overflow."""
    if years <= 0.0 or growth <= 0.0:
        return None
    try:
        return 100.0 * (math.pow(growth, 1.0 / years) - 1.0)
    except OverflowError:
        return None


def _clean(value: float | int | None) -> float | int | None:
    if value is None or isinstance(value, int):
        return value
    number = float(value)
    return number if math.isfinite(number) else None
