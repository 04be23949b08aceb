"""Per-strategy PnL of a run that traded several strategies on one account.

The ledger already books every fill under its ``strategy_id``; this module turns that into
the run's per-strategy outputs:

* one row per strategy for ``summary.json`` (``strategies``): closed trades, realised
  (gross) PnL, unrealised PnL at the last closes, fees and net PnL, and the net PnL as a
  percent of the account's initial cash;
* a net-PnL series per strategy on the account's timeline (``strategy_equity.csv``),
  rebuilt from the strategy's own fills with the account curve's rule
  (:func:`~vibetrading_V2.portfolio.timeline_equity.timeline_equity` with no starting
  cash).

Strategies' positions net in the account, and so do their PnLs: the nets over all
strategies sum to the account's equity minus its initial cash (a test holds it to the cent).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.timeline import BarTimeline
from vibetrading_V2.portfolio.timeline_equity import timeline_equity

__all__ = ["StrategyFigures", "strategy_figures", "strategy_pnl_series"]


@dataclass(frozen=True, slots=True)
class StrategyFigures:
    """One strategy's share of the account at the end of a run, in account currency.

    Why it exists: the summary, the report and the sum-to-the-account check read one record.
    """

    strategy_id: str
    n_trades: int
    realized_pnl: float
    unrealized_pnl: float
    fees: float
    initial_cash: float

    @property
    def net_pnl(self) -> float:
        """Realised plus unrealised, minus fees."""
        return self.realized_pnl + self.unrealized_pnl - self.fees

    def summary_row(self) -> dict[str, object]:
        """The row of ``summary.json``'s ``strategies`` list."""
        return {
            "strategy_id": self.strategy_id,
            "n_trades": self.n_trades,
            "realized_pnl": self.realized_pnl,
            "unrealized_pnl": self.unrealized_pnl,
            "fees": self.fees,
            "net_pnl": self.net_pnl,
            "return_pct": 100.0 * self.net_pnl / self.initial_cash,
        }


def strategy_figures(
    ledger: Ledger,
    strategy_ids: Sequence[str],
    last_close: Mapping[str, tuple[int, float]],
) -> list[StrategyFigures]:
    """Each strategy's figures, its open positions valued at each symbol's last close
    (``last_close``: symbol -> (time, close) of its last bar).

    ``strategy_ids`` lists the run's strategies (one that never traded gets zeros); one the
    ledger saw a fill of but that is not listed is added after them.
    """
    ids = list(dict.fromkeys([*strategy_ids, *ledger.strategy_ids()]))
    unrealized = dict.fromkeys(ids, 0.0)
    for sid, symbol, quantity, average, _, _ in ledger.open_books():
        unrealized[sid] += quantity * (last_close[symbol][1] - average)
    out = []
    for sid in ids:
        pnl = ledger.strategy_pnl(sid)
        out.append(StrategyFigures(sid, pnl.n_trades, pnl.realized, unrealized[sid], pnl.fees,
                                   ledger.initial_cash))
    return out


def strategy_pnl_series(
    timeline: BarTimeline,
    fills: Sequence[Fill],
    fill_rows: Sequence[int],
    strategy_ids: Sequence[str],
) -> tuple[npt.NDArray[np.int64], dict[str, npt.NDArray[np.float64]]]:
    """Times (one per timestamp, as ``equity.csv``) and each strategy's net PnL at them."""
    rows = np.asarray(fill_rows, dtype=np.int64)
    owner = np.array([f.strategy_id for f in fills], dtype=object)
    series: dict[str, npt.NDArray[np.float64]] = {}
    times = np.empty(0, dtype=np.int64)
    for sid in strategy_ids:
        mine = np.flatnonzero(owner == sid) if len(fills) else np.empty(0, dtype=np.int64)
        curve, _ = timeline_equity(timeline, [fills[k] for k in mine.tolist()], 0.0, rows[mine])
        times = curve.ts_ns
        series[sid] = curve.equity
    return times, series
