"""Issue 10 item 5 and exit reasons: open positions at the end, and why each trade closed."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import pytest

from tests.unit.engine_helpers import HOUR, INITIAL_CASH, SID, T0, Scripted, bars, make_rig, merge
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Intent
from vibetrading_V2.ops.report import TRADE_COLUMNS, TRADE_RUN_COLUMNS
from vibetrading_V2.ops.summary_layout import SESSION_KEYS, SUMMARY_GROUPS
from vibetrading_V2.portfolio.trades import exit_reason
from vibetrading_V2.runner.results import BacktestResults, build_results
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

CLOSES = [100.0, 101.0, 102.0, 103.0, 104.0]
OPENS = [c - 0.5 for c in CLOSES]
FEE = 1.0  # a fixed fee per order: every figure below is exact


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _results(
    decide: Callable[[BarView], StrategyOutput],
    guard: RuntimeGuard,
    batch: BarBatch,
    universe: tuple[str, ...] = ("AAA",),
) -> BacktestResults:
    rig = make_rig(Scripted(decide), guard, fixed_fee=FEE, universe=universe)
    run = rig.run(batch)
    return build_results(
        run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH, periods_per_year=8760.0
    )


def _open_positions(results: BacktestResults) -> list[dict[str, object]]:
    rows = results.summary["open_positions"]
    assert isinstance(rows, list)
    return rows


def test_results_when_always_long_then_one_open_trade_row_with_unrealised_pnl(
    guard: RuntimeGuard,
) -> None:
    go = Intent.long("AAA", quantity=10.0)
    results = _results(lambda bar: go, guard, bars("AAA", CLOSES, opens=OPENS))

    trades = results.trades
    assert tuple(trades.columns) == TRADE_COLUMNS + TRADE_RUN_COLUMNS  # the trades.csv order
    assert len(trades) == 1
    row = trades.iloc[0]
    # bought 10 at bar 1's open (100.5), valued at the last close (104)
    assert (row["exit_reason"], row["direction"], row["quantity"]) == ("open", "long", 10.0)
    assert row["entry_time"].value == T0 + HOUR
    assert row["exit_time"] is None or str(row["exit_time"]) == "NaT"
    assert (row["entry_price"], row["exit_price"]) == (100.5, 104.0)
    assert row["pnl"] == pytest.approx(35.0)
    assert row["fees"] == pytest.approx(FEE)
    assert row["net_pnl"] == pytest.approx(34.0)
    assert row["return_pct"] == pytest.approx(100 * 34.0 / 1005.0)
    assert row["duration_days"] == pytest.approx(3 / 24)  # bar 1 to the last bar, bar 4
    summary = results.summary
    assert summary["n_trades"] == 0 and summary["win_rate_pct"] is None  # closed trades only
    assert summary["n_open_positions"] == 1
    assert _open_positions(results) == [{
        "strategy_id": SID, "symbol": "AAA", "direction": "long", "quantity": 10.0,
        "entry_time": "2024-01-01T01:00:00Z", "entry_price": 100.5, "last_price": 104.0,
        "unrealised_pnl": pytest.approx(35.0), "return_pct": pytest.approx(100 * 34 / 1005),
    }]  # fmt: skip
    assert summary["final_equity"] == pytest.approx(INITIAL_CASH + 35.0 - FEE)


def test_results_when_short_still_open_then_unrealised_pnl_has_the_short_sign(
    guard: RuntimeGuard,
) -> None:
    go = Intent.short("AAA", quantity=2.0)
    results = _results(lambda bar: go, guard, bars("AAA", CLOSES, opens=OPENS))

    row = results.trades.iloc[0]
    assert (row["exit_reason"], row["direction"]) == ("open", "short")
    assert row["pnl"] == pytest.approx(2.0 * (100.5 - 104.0))
    assert _open_positions(results)[0]["unrealised_pnl"] == pytest.approx(-7.0)


def test_results_when_closed_then_reopened_then_closed_rows_first_and_open_row_last(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        return Intent.flat("AAA") if bar.index == 2 else Intent.long("AAA", quantity=1.0)

    results = _results(decide, guard, bars("AAA", CLOSES, opens=OPENS))

    trades = results.trades
    assert trades["exit_reason"].tolist() == ["signal", "open"]
    assert trades["exit_time"].isna().tolist() == [False, True]
    assert results.summary["n_trades"] == 1 and results.summary["n_open_positions"] == 1
    # closed: bought at bar 1's open 100.5, sold at bar 3's open 102.5; reopened at 103.5
    assert trades["pnl"].tolist() == pytest.approx([2.0, 0.5])
    assert trades["duration_days"].tolist() == pytest.approx([2 / 24, 0.0])


def test_results_when_two_symbols_held_then_each_valued_at_its_own_last_close(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        return Intent.long(bar.symbol, quantity=1.0)

    batch = merge(bars("AAA", CLOSES, opens=OPENS), bars("BBB", [50.0, 51.0, 49.0], start=T0))
    results = _results(decide, guard, batch, universe=("AAA", "BBB"))

    held = {p["symbol"]: p for p in _open_positions(results)}
    assert (held["AAA"]["last_price"], held["BBB"]["last_price"]) == (104.0, 49.0)
    assert results.trades["exit_reason"].tolist() == ["open", "open"]
    buy_hold = results.summary["buy_hold_return_pct"]
    assert buy_hold == pytest.approx(100 * (4.0 / 100.0 + (-1.0 / 50.0)) / 2)


# the stop at 95 is touched on bar 5 (low 93); the take-profit at 120 on bar 5 (high 125)
STOP_CLOSES = [100.0, 100.0, 100.0, 100.0, 96.0, 93.0, 92.0]
STOP_OPENS = [100.0, 100.0, 100.0, 100.0, 100.0, 96.0, 93.0]
TAKE_CLOSES = [100.0, 100.0, 100.0, 100.0, 110.0, 125.0, 126.0]
TAKE_OPENS = [100.0, 100.0, 100.0, 100.0, 100.0, 110.0, 125.0]


def _bracketed(bar: BarView) -> StrategyOutput:
    return Intent.long("AAA", quantity=10.0, stop_loss=95.0, take_profit=120.0)


def test_results_when_the_stop_loss_is_hit_then_exit_reason_stop(guard: RuntimeGuard) -> None:
    results = _results(_bracketed, guard, bars("AAA", STOP_CLOSES, opens=STOP_OPENS))

    trades = results.trades
    assert trades["exit_reason"].tolist() == ["stop"]
    assert trades["exit_price"].tolist() == [95.0]
    assert results.summary["n_open_positions"] == 0


def test_results_when_the_take_profit_is_hit_then_exit_reason_take_profit(
    guard: RuntimeGuard,
) -> None:
    results = _results(_bracketed, guard, bars("AAA", TAKE_CLOSES, opens=TAKE_OPENS))

    assert results.trades["exit_reason"].tolist() == ["take_profit"]
    assert results.trades["exit_price"].tolist() == [120.0]


@pytest.mark.parametrize(
    ("client_order_id", "reason"),
    [
        ("s@1-AAA-1700000000-0", "signal"),
        ("s@1-AAA-1700000000-0-sl", "stop"),
        ("s@1-AAA-1700000000-0-tp", "take_profit"),
        ("s@1-AAA-1700000000-0-rk", "risk"),
        ("", "signal"),
    ],
)
def test_exit_reason_when_closing_order_id_then_its_kind(client_order_id: str, reason: str) -> None:
    assert exit_reason(client_order_id) == reason


def test_results_when_nothing_traded_then_no_rows_and_no_open_positions(
    guard: RuntimeGuard,
) -> None:
    results = _results(lambda bar: None, guard, bars("AAA", CLOSES, opens=OPENS))

    assert len(results.trades) == 0
    assert tuple(results.trades.columns) == TRADE_COLUMNS + TRADE_RUN_COLUMNS
    assert results.summary["open_positions"] == [] and results.summary["n_open_positions"] == 0
    assert results.summary["start"] == "2024-01-01T00:00:00Z"
    assert results.summary["end"] == "2024-01-01T04:00:00Z"
    assert results.summary["buy_hold_return_pct"] == pytest.approx(4.0)
    assert not any(isinstance(v, float) and math.isnan(v) for v in results.summary.values())


def test_results_when_run_then_summary_holds_every_layout_figure_as_a_plain_value(
    guard: RuntimeGuard,
) -> None:
    go = Intent.long("AAA", quantity=10.0)
    summary = _results(lambda bar: go, guard, bars("AAA", CLOSES, opens=OPENS)).summary

    layout = {f.key for _, figures in SUMMARY_GROUPS for f in figures}
    missing = layout - set(summary) - {"timeframe", "annualisation", *SESSION_KEYS}
    assert not missing
    for key in layout & set(summary):
        value = summary[key]
        assert value is None or isinstance(value, int | float | str | list), key
        assert not (isinstance(value, float) and not math.isfinite(value)), key
