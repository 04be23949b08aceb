"""Statistics of the closed trades: win rate, best and worst, durations, expectancy, SQN, Kelly.

The conventions are written once, in :mod:`vibetrading_V2.portfolio.stats`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from vibetrading_V2.portfolio.trades import RoundTrip

__all__ = ["trade_summary"]

Summary = dict[str, float | int | None]
_NS_PER_DAY = 86_400 * 1_000_000_000
_SUM_BLOCK = 1 << 16
_NO_TRADES: Summary = dict.fromkeys(
    (
        "win_rate_pct", "best_trade_pct", "worst_trade_pct", "avg_trade_pct",
        "max_trade_duration_days", "avg_trade_duration_days", "profit_factor",
        "expectancy_pct", "expectancy", "sqn", "kelly",
    ),
    None,
)  # fmt: skip


def _column(trades: Sequence[RoundTrip], name: str) -> npt.NDArray[np.float64]:
    return np.fromiter(map(attrgetter(name), trades), dtype=np.float64, count=len(trades))


def trade_summary(trades: Sequence[RoundTrip]) -> Summary:
    """Every trade figure of the summary, from the closed trades ``trades``."""
    n = len(trades)
    if n == 0:
        return {"n_trades": 0, **_NO_TRADES}
    net = _column(trades, "net_pnl")
    returns = _column(trades, "return_pct")
    entry = np.fromiter(map(attrgetter("entry_ts_ns"), trades), dtype=np.int64, count=n)
    exit_ = np.fromiter(map(attrgetter("exit_ts_ns"), trades), dtype=np.int64, count=n)
    days = (exit_ - entry) / _NS_PER_DAY
    wins = net[net > 0.0]
    losses = -net[net < 0.0]
    gross_win = _exact_sum(wins)
    gross_loss = _exact_sum(losses)
    win_rate = len(wins) / n
    summary: Summary = {
        "n_trades": n,
        "win_rate_pct": 100.0 * win_rate,
        "best_trade_pct": float(np.max(returns)),
        "worst_trade_pct": float(np.min(returns)),
        "avg_trade_pct": _geometric_mean_pct(returns),
        "max_trade_duration_days": float(np.max(days)),
        "avg_trade_duration_days": float(np.mean(days)),
        "profit_factor": gross_win / gross_loss if gross_loss > 0.0 else None,
        "expectancy_pct": _exact_sum(returns) / n,
        "expectancy": _exact_sum(net) / n,
        "sqn": _sqn(net),
        "kelly": _kelly(win_rate, wins, losses),
    }
    return {k: v if v is None or math.isfinite(v) else None for k, v in summary.items()}


def _exact_sum(values: npt.NDArray[np.float64]) -> float:
    """``math.fsum`` of ``values``, made Python floats a block at a time (a list of them
    all costs 32 bytes a trade)."""
    blocks = (values[i : i + _SUM_BLOCK].tolist() for i in range(0, len(values), _SUM_BLOCK))
    return math.fsum(chain.from_iterable(blocks))


def _kelly(
    win_rate: float, wins: npt.NDArray[np.float64], losses: npt.NDArray[np.float64]
) -> float | None:
    """``w - (1 - w) / (average win / average loss)``; ``None`` without a win and a loss."""
    if not (len(wins) and len(losses)):
        return None
    payoff = float(np.mean(wins)) / float(np.mean(losses))
    return None if payoff <= 0.0 else win_rate - (1.0 - win_rate) / payoff


def _geometric_mean_pct(returns: npt.NDArray[np.float64]) -> float | None:
    """The per-trade return that compounds to the same growth; ``None`` if one lost it all."""
    if bool(np.any(returns <= -100.0)):
        return None
    return 100.0 * math.expm1(float(np.mean(np.log1p(returns / 100.0))))


def _sqn(net: npt.NDArray[np.float64]) -> float | None:
    if len(net) < 2:
        return None
    std = float(np.std(net, ddof=1))
    if std <= 1e-12 * max(1.0, float(np.max(np.abs(net)))):
        return None
    return math.sqrt(len(net)) * float(np.mean(net)) / std
