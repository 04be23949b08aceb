"""Per-strategy PnL: each strategy keeps its own, and together they are the account's."""

from __future__ import annotations

import numpy as np

from tests.unit.engine_helpers import INITIAL_CASH, Scripted, bars, make_rig
from vibetrading_V2.core.types import Fill, Intent, Side
from vibetrading_V2.portfolio.attribution import strategy_figures, strategy_pnl_series
from vibetrading_V2.portfolio.equity import equity_curve, per_timestamp
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.timeline import BarTimeline
from vibetrading_V2.runner.results import build_results
from vibetrading_V2.strategy.guard import RuntimeGuard

CLOSES = [100.0, 101.0, 99.5, 103.0, 102.25, 98.0, 104.5]
# (row, strategy, side, quantity, price, fee): "long" buys then adds, "short" sells the same
# symbol and part-covers, "third" never trades
FILLS = [
    (1, "long@1", Side.BUY, 10.0, 101.0, 1.01),
    (1, "short@1", Side.SELL, 4.0, 101.0, 0.4),
    (3, "long@1", Side.BUY, 5.0, 103.0, 0.5),
    (4, "short@1", Side.BUY, 1.5, 102.25, 0.15),
    (5, "long@1", Side.SELL, 7.0, 98.0, 0.7),
]
IDS = ("long@1", "short@1", "third@1")


def _account() -> tuple[Ledger, list[Fill], list[int], BarTimeline]:
    ledger = Ledger(INITIAL_CASH)
    fills = [Fill(f"x{k}", f"o{k}", "AAA", side, qty, price, fee, row, sid)
             for k, (row, sid, side, qty, price, fee) in enumerate(FILLS)]
    for item in fills:
        ledger.apply_fill(item)
    n = len(CLOSES)
    timeline = BarTimeline.from_rows(("AAA",), np.zeros(n, dtype=np.int64),
                                     np.arange(n, dtype=np.int64), np.array(CLOSES))
    return ledger, fills, [row for row, *_ in FILLS], timeline


def _account_curve(fills: list[Fill], rows: list[int], timeline: BarTimeline) -> np.ndarray:
    curve = per_timestamp(equity_curve(timeline.codes, timeline.ts_ns, timeline.close, 1,
                                       fills, timeline.symbols, INITIAL_CASH, rows))
    return np.asarray(curve.equity)


def test_figures_when_two_strategies_long_and_short_one_symbol_then_each_keeps_its_own() -> None:
    ledger, *_ = _account()
    figures = {f.strategy_id: f for f in strategy_figures(ledger, IDS, {"AAA": (6, 104.5)})}
    long, short, third = figures["long@1"], figures["short@1"], figures["third@1"]
    assert long.realized_pnl == 7.0 * (98.0 - (10 * 101.0 + 5 * 103.0) / 15)
    assert long.unrealized_pnl == 8.0 * (104.5 - (10 * 101.0 + 5 * 103.0) / 15)
    assert short.realized_pnl == 1.5 * (101.0 - 102.25)
    assert short.unrealized_pnl == -2.5 * (104.5 - 101.0)
    assert (long.fees, short.fees) == (1.01 + 0.5 + 0.7, 0.4 + 0.15)
    assert (long.n_trades, short.n_trades) == (1, 1)
    assert (third.net_pnl, third.n_trades) == (0.0, 0)


def test_figures_when_summed_then_equal_the_account_pnl_to_the_cent() -> None:
    ledger, fills, rows, timeline = _account()
    figures = strategy_figures(ledger, IDS, {"AAA": (6, 104.5)})
    account = _account_curve(fills, rows, timeline)[-1] - INITIAL_CASH
    assert abs(sum(f.net_pnl for f in figures) - account) < 0.005
    returns = [f.summary_row()["return_pct"] for f in figures]
    assert abs(sum(float(str(r)) for r in returns) - 100.0 * account / INITIAL_CASH) < 1e-6


def test_series_when_summed_then_equal_the_account_curve_on_every_timestamp() -> None:
    ledger, fills, rows, timeline = _account()
    times, series = strategy_pnl_series(timeline, fills, rows, IDS)
    total = sum(series.values())
    np.testing.assert_allclose(total, _account_curve(fills, rows, timeline) - INITIAL_CASH,
                               atol=0.005, rtol=0)
    assert list(times) == list(range(len(CLOSES)))
    assert not series["third@1"].any()
    last = {f.strategy_id: f.net_pnl for f in strategy_figures(ledger, IDS, {"AAA": (6, 104.5)})}
    assert {sid: round(float(s[-1]), 6) for sid, s in series.items()} == {
        sid: round(v, 6) for sid, v in last.items()}


def test_results_when_one_strategy_then_its_row_is_the_account_and_no_series_file() -> None:
    guard = RuntimeGuard()
    rig = make_rig(Scripted(lambda bar: Intent.long("AAA", quantity=3.0)), guard, fixed_fee=1.0)
    run = rig.run(bars("AAA", [100.0, 101.0, 103.0, 102.0]))
    results = build_results(run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH,
                            periods_per_year=8760.0)
    rows = results.summary["strategies"]
    assert isinstance(rows, list) and len(rows) == 1
    row = rows[0]
    final = float(str(results.summary["final_equity"]))
    assert row["strategy_id"] == "probe@1.0.0"
    assert abs(row["net_pnl"] - (final - INITIAL_CASH)) < 0.005
    assert row["fees"] == 1.0
    assert results.strategy_equity is None
