"""Fills through the loop: fill timing, bracket children from stop_loss, and the results."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.engine_helpers import (
    HOUR,
    INITIAL_CASH,
    SID,
    T0,
    Scripted,
    bars,
    chunks,
    client_id,
    make_rig,
)
from vibetrading_V2.core.types import Intent, OrderStatus, OrderType, Side
from vibetrading_V2.runner.results import build_results
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

CLOSES = [100.0, 101.0, 102.0, 103.0, 104.0]
OPENS = [c - 0.5 for c in CLOSES]
ENTRY = client_id(1)


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def at(index: int) -> int:
    return T0 + index * HOUR


def _long_at_bar_2() -> Scripted:
    go = Intent.long("AAA", quantity=10.0)

    def decide(bar: BarView) -> StrategyOutput:
        return go if bar.index >= 2 else None

    return Scripted(decide)


def test_engine_when_fill_timing_is_signal_close_then_fills_at_the_signal_bar_close(
    guard: RuntimeGuard,
) -> None:
    strategy = _long_at_bar_2()
    rig = make_rig(strategy, guard, fill_timing="signal_close")

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    assert [(f.ts_ns, f.price, f.quantity) for f in run.fills] == [(at(2), 102.0, 10.0)]
    assert list(run.fill_rows) == [2]
    assert strategy.fills == run.fills  # on_fill saw it
    assert [seen[4] for seen in strategy.seen] == [0.0, 0.0, 0.0, 10.0, 10.0]  # bar.position


def test_engine_when_fill_timing_is_signal_close_with_slippage_then_close_is_slipped(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(_long_at_bar_2(), guard, fill_timing="signal_close", slippage_bps=10.0)

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    assert run.fills[0].price == pytest.approx(102.0 * 1.001)


def test_engine_when_fill_timing_is_next_open_then_fills_at_the_next_bar_open(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(_long_at_bar_2(), guard)

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    assert [(f.ts_ns, f.price) for f in run.fills] == [(at(3), 102.5)]
    assert list(run.fill_rows) == [3]


# the stop at 95 is touched on bar 5 (low 93), which opened at 96 above it
STOP_CLOSES = [100.0, 100.0, 100.0, 100.0, 96.0, 93.0, 92.0]
STOP_OPENS = [100.0, 100.0, 100.0, 100.0, 100.0, 96.0, 93.0]


def _bracketed() -> Intent:
    return Intent.long("AAA", quantity=10.0, stop_loss=95.0, take_profit=120.0)


def test_engine_when_intent_has_stop_loss_then_bracket_children_are_created(
    guard: RuntimeGuard,
) -> None:
    entry = _bracketed()
    rig = make_rig(Scripted(lambda bar: entry), guard)

    rig.run(bars("AAA", STOP_CLOSES[:4], opens=STOP_OPENS[:4]))

    stop = rig.sim.order(f"{ENTRY}-sl")
    take = rig.sim.order(f"{ENTRY}-tp")
    assert stop is not None and take is not None
    assert (stop.request.order_type, stop.request.side, stop.request.stop_price) == (
        OrderType.STOP, Side.SELL, 95.0,
    )
    assert (take.request.order_type, take.request.limit_price) == (OrderType.LIMIT, 120.0)
    assert stop.request.reduce_only and take.request.reduce_only
    assert stop.request.quantity == take.request.quantity == 10.0
    assert stop.request.strategy_id == SID
    assert {o.client_order_id for o in rig.sim.open_orders()} == {f"{ENTRY}-sl", f"{ENTRY}-tp"}


def test_engine_when_price_falls_through_the_stop_loss_then_the_stop_fills(
    guard: RuntimeGuard,
) -> None:
    entry = _bracketed()
    strategy = Scripted(lambda bar: entry)
    rig = make_rig(strategy, guard)

    run = rig.run(bars("AAA", STOP_CLOSES, opens=STOP_OPENS))

    assert [(f.client_order_id, f.side, f.price, f.ts_ns) for f in run.fills] == [
        (ENTRY, Side.BUY, 100.0, at(1)),
        (f"{ENTRY}-sl", Side.SELL, 95.0, at(5)),
    ]
    take = rig.sim.order(f"{ENTRY}-tp")
    assert take is not None and take.status is OrderStatus.CANCELLED  # one cancels the other
    assert rig.ledger.position("AAA").quantity == 0.0
    assert [t.pnl for t in rig.ledger.trades()] == [-50.0]
    assert [seen[4] for seen in strategy.seen][4:] == [10.0, 0.0, 0.0]  # flat from bar 5 on
    assert [f.client_order_id for f in strategy.fills] == [ENTRY, f"{ENTRY}-sl"]


def test_build_results_when_a_bracket_ran_then_orders_trades_and_summary_cover_it(
    guard: RuntimeGuard,
) -> None:
    entry = _bracketed()
    rig = make_rig(Scripted(lambda bar: entry), guard)
    run = rig.run(bars("AAA", STOP_CLOSES, opens=STOP_OPENS))

    results = build_results(
        run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH, periods_per_year=8760.0
    )

    assert results.orders["client_order_id"].tolist() == [ENTRY, f"{ENTRY}-sl", f"{ENTRY}-tp"]
    assert results.orders["status"].tolist() == ["filled", "filled", "cancelled"]
    assert len(results.trades) == 1 and results.trades["pnl"].iloc[0] == -50.0
    assert len(results.equity) == len(STOP_CLOSES)
    assert results.equity["equity"].iloc[-1] == pytest.approx(INITIAL_CASH - 50.0)
    summary = results.summary
    assert summary["bars"] == len(STOP_CLOSES)
    assert summary["n_trades"] == 1 and summary["n_orders"] == 3 and summary["n_fills"] == 2
    assert summary["final_equity"] == pytest.approx(INITIAL_CASH - 50.0)
    assert list(results.prices) == ["AAA"]


def test_engine_when_an_equal_intent_is_rebuilt_every_bar_then_the_stop_loss_survives(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: _bracketed()), guard)  # a new object per bar

    run = rig.run(bars("AAA", STOP_CLOSES, opens=STOP_OPENS))

    assert [f.client_order_id for f in run.fills] == [ENTRY, f"{ENTRY}-sl"]


def test_engine_when_bars_arrive_one_per_batch_then_the_stop_loss_still_fills(
    guard: RuntimeGuard,
) -> None:
    entry = _bracketed()
    rig = make_rig(Scripted(lambda bar: entry), guard)

    run = rig.run(*chunks(bars("AAA", STOP_CLOSES, opens=STOP_OPENS), 1))

    assert [f.client_order_id for f in run.fills] == [ENTRY, f"{ENTRY}-sl"]


def test_engine_when_the_intent_changes_to_flat_then_the_bracket_is_replaced_by_the_exit(
    guard: RuntimeGuard,
) -> None:
    entry, leave = _bracketed(), Intent.flat("AAA", "exit")
    rig = make_rig(Scripted(lambda bar: entry if bar.index < 3 else leave), guard)

    run = rig.run(bars("AAA", STOP_CLOSES[:5], opens=STOP_OPENS[:5]))

    exit_id = client_id(2)
    assert [(f.client_order_id, f.ts_ns) for f in run.fills] == [(ENTRY, at(1)), (exit_id, at(4))]
    for child in (f"{ENTRY}-sl", f"{ENTRY}-tp"):
        recorded = rig.store.order(child)
        assert recorded is not None and recorded.status is OrderStatus.CANCELLED
    assert rig.sim.open_orders() == []
    assert rig.ledger.position("AAA").quantity == 0.0
