"""The engine turns intents into orders: warm-up, "no change", deterministic ids, bad output."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from tests.unit.engine_helpers import HOUR, SID, T0, Scripted, bars, client_id, make_rig
from vibetrading_V2.core.types import Intent, OrderStatus, Side
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

FLAT_PRICES = [100.0] * 8


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def test_engine_when_intents_arrive_during_warmup_then_no_order_before_warmup_index(
    guard: RuntimeGuard,
) -> None:
    strategy = Scripted(lambda bar: Intent.long("AAA", quantity=1.0), warmup_bars=3)
    rig = make_rig(strategy, guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert [seen[1] for seen in strategy.seen] == list(range(8))  # every bar reaches on_bar
    intents = rig.store.intents()
    assert intents and intents[0].ts_ns == T0 + 3 * HOUR
    orders = rig.store.orders()
    assert [o.request.created_ns for o in orders] == [T0 + 3 * HOUR]
    assert run.fills[0].ts_ns == T0 + 4 * HOUR  # next open after the first live bar


def test_engine_when_the_same_intent_object_is_returned_then_it_is_sent_once(
    guard: RuntimeGuard,
) -> None:
    same = Intent.long("AAA", quantity=2.0)
    rig = make_rig(Scripted(lambda bar: same), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert len(rig.store.intents()) == 1
    assert len(rig.store.orders()) == 1
    assert run.client_order_ids == [client_id(1)]
    assert rig.ledger.position("AAA").quantity == 2.0


def _long_then_flat(switch_at: int) -> Scripted:
    go_long = Intent.long("AAA", quantity=3.0)
    go_flat = Intent.flat("AAA", "done")

    def decide(bar: BarView) -> StrategyOutput:
        return go_long if bar.index < switch_at else go_flat

    return Scripted(decide)


def test_engine_when_the_intent_changes_then_exactly_one_order_with_a_deterministic_id(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(_long_then_flat(switch_at=5), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    exit_id = client_id(2)
    assert run.client_order_ids == [client_id(1), exit_id]
    recorded = rig.store.order(exit_id)
    assert recorded is not None
    assert recorded.request.side is Side.SELL
    assert recorded.request.quantity == 3.0
    assert recorded.request.reduce_only
    history = [o.status for o in rig.store.order_history(exit_id)]
    assert history[:2] == [OrderStatus.IN_FLIGHT, OrderStatus.NEW]  # record, then act
    venue_side = rig.sim.order(exit_id)
    assert venue_side is not None and venue_side.status is OrderStatus.FILLED
    assert rig.ledger.position("AAA").quantity == 0.0


def test_engine_when_an_order_fills_then_the_store_holds_it_as_filled(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(_long_then_flat(switch_at=5), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert len(run.fills) == 2
    assert rig.store.open_orders() == []
    assert {o.status for o in rig.store.orders()} == {OrderStatus.FILLED}


def test_engine_when_an_equal_intent_is_rebuilt_every_bar_then_it_is_sent_once(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: Intent.long("AAA", quantity=2.0)), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert len(rig.store.intents()) == 1
    assert run.client_order_ids == [client_id(1)]


def test_engine_when_run_twice_on_the_same_bars_then_client_ids_and_fills_repeat(
    guard: RuntimeGuard,
) -> None:
    first = make_rig(_long_then_flat(switch_at=4), guard).run(bars("AAA", FLAT_PRICES))
    second = make_rig(_long_then_flat(switch_at=4), guard).run(bars("AAA", FLAT_PRICES))

    assert first.client_order_ids == second.client_order_ids
    assert first.fills == second.fills


def test_engine_when_on_bar_returns_a_list_with_a_non_intent_then_each_is_an_error(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: [f"not an intent {bar.index}"]), guard)  # changes

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert run.strategy_errors == len(FLAT_PRICES)
    assert rig.metrics.counter("strategy_errors_total", {"strategy": SID}) == len(FLAT_PRICES)
    assert rig.store.orders() == []
    first_error = next(c for c in rig.logger.calls if c.event == "strategy_error")
    assert "not an Intent" in first_error.fields["error"]


def test_engine_when_a_list_mixes_intents_and_garbage_then_the_intent_still_trades(
    guard: RuntimeGuard,
) -> None:
    go_long = Intent.long("AAA", quantity=1.0)
    mixed: list[object] = [go_long, 7]
    rig = make_rig(Scripted(lambda bar: mixed), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert run.strategy_errors == 1  # the same list afterwards means "no change"
    assert rig.ledger.position("AAA").quantity == 1.0


def test_engine_when_the_same_bad_list_is_rebuilt_every_bar_then_it_counts_once(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: ["not an intent"]), guard)  # equal lists: no change

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert run.strategy_errors == 1


@pytest.mark.parametrize("output", [42, True, 1.5, "buy", {"AAA": "long"}])
def test_engine_when_on_bar_returns_one_non_intent_then_one_error_is_counted(
    guard: RuntimeGuard, output: object
) -> None:
    rig = make_rig(Scripted(lambda bar: output), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert run.strategy_errors == 1  # the same output afterwards means "no change"
    assert run.bars == len(FLAT_PRICES)
    first_error = next(c for c in rig.logger.calls if c.event == "strategy_error")
    assert f"on_bar returned {type(output).__name__}" in first_error.fields["error"]


@pytest.mark.parametrize(
    "output", [np.array([1.0, -1.0]), pd.Series([1.0, -1.0])], ids=["ndarray", "series"]
)
def test_engine_when_on_bar_returns_an_array_then_it_is_counted_not_raised(
    guard: RuntimeGuard, output: object
) -> None:
    rig = make_rig(Scripted(lambda bar: output), guard)

    run = rig.run(bars("AAA", FLAT_PRICES))

    assert run.strategy_errors == 1
    assert run.bars == len(FLAT_PRICES)


def test_pipeline_when_bar_time_goes_back_to_a_handled_intent_then_no_second_order_is_sent(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(_long_then_flat(switch_at=5), guard)
    rig.sim.mark("AAA", T0, 100.0)
    long, short = Intent.long("AAA"), Intent.short("AAA")

    rig.pipeline.handle(T0, long, 100.0)
    rig.pipeline.handle(T0 + HOUR, short, 100.0)  # the first is cancelled and replaced
    again = rig.pipeline.handle(T0, long, 100.0)  # time went back: the first order stands

    assert rig.pipeline.client_order_ids == [client_id(1), client_id(2)]
    assert again is not None and again.client_order_id == client_id(1)
