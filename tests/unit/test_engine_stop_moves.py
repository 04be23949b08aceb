"""Through the loop: a stop from the entry fill, moved by one amend; re-entry after a stop-out."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.engine_helpers import HOUR, T0, Scripted, bars, client_id, make_rig
from vibetrading_V2.core.types import Direction, ExitOffsets, Intent, OrderStatus, OrderType
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

ENTRY = client_id(1)
# signal close 100 on bar 0, entry at bar 1's open of 102; bar 4 falls to 95
CLOSES = [100.0, 101.0, 100.0, 99.0, 95.0, 96.0, 97.0]
OPENS = [100.0, 102.0, 101.0, 100.0, 99.0, 95.0, 96.0]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def at(index: int) -> int:
    return T0 + index * HOUR


def plan(steps: dict[int, Intent]) -> Scripted:
    """Returns ``steps[bar.index]`` on the bars it names and "no change" elsewhere."""

    def decide(bar: BarView) -> StrategyOutput:
        return steps.get(bar.index)

    return Scripted(decide)


def test_engine_when_stop_is_a_distance_then_it_is_set_from_the_entry_fill(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(plan({0: Intent.long("AAA", quantity=10.0, stop_distance=5.0)}), guard)

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    # 102 - 5 = 97 (from the signal close it would have been 95, touched a bar later)
    assert [(f.client_order_id, f.price, f.ts_ns) for f in run.fills] == [
        (ENTRY, 102.0, at(1)), (f"{ENTRY}-sl", 97.0, at(4))]


def test_engine_when_only_the_stop_changes_then_the_resting_stop_is_amended_not_replaced(
    guard: RuntimeGuard,
) -> None:
    steps = {0: Intent.long("AAA", quantity=10.0, stop_loss=90.0),
             2: Intent.long("AAA", quantity=10.0, stop_loss=98.0)}
    rig = make_rig(plan(steps), guard)

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    orders = rig.sim.orders()
    assert [o.client_order_id for o in orders] == [ENTRY, f"{ENTRY}-sl"]  # no new order
    assert orders[1].request.stop_price == 98.0
    assert [(f.client_order_id, f.price, f.ts_ns) for f in run.fills] == [
        (ENTRY, 102.0, at(1)), (f"{ENTRY}-sl", 98.0, at(4))]
    recorded = rig.store.order(f"{ENTRY}-sl")
    assert recorded is not None and recorded.status is OrderStatus.FILLED


def test_engine_when_a_trailing_stop_follows_the_close_then_each_bar_amends_the_same_order(
    guard: RuntimeGuard,
) -> None:
    closes = [100.0, 102.0, 104.0, 106.0, 108.0, 103.0]
    rig = make_rig(Scripted(
        lambda bar: Intent.long("AAA", quantity=1.0, stop_loss=bar.close - 3.0)), guard)

    run = rig.run(bars("AAA", closes))

    [stop] = [o for o in rig.sim.orders() if o.request.order_type is OrderType.STOP]
    assert stop.client_order_id == f"{ENTRY}-sl" and stop.request.stop_price == 105.0
    # bought at bar 1's open (102); bar 5 opens at 103, through the stop: filled there
    assert [(f.client_order_id, f.price) for f in run.fills] == [
        (ENTRY, 102.0), (f"{ENTRY}-sl", 103.0)]
    assert len(rig.sim.orders()) == 3  # the entry, its stop, and the re-entry after it


def test_engine_when_a_distance_stop_changes_then_it_moves_from_the_entry_fill(
    guard: RuntimeGuard,
) -> None:
    steps = {0: Intent.long("AAA", quantity=10.0, stop_distance=10.0),
             2: Intent.long("AAA", quantity=10.0, stop_distance=4.0)}
    rig = make_rig(plan(steps), guard)

    rig.run(bars("AAA", CLOSES[:4], opens=OPENS[:4]))

    stop = rig.sim.order(f"{ENTRY}-sl")
    assert stop is not None and stop.request.stop_price == 98.0  # 102 - 4


def test_engine_when_a_stop_is_added_to_a_position_without_one_then_vetoed_with_the_fix(
    guard: RuntimeGuard,
) -> None:
    steps = {0: Intent.long("AAA", quantity=10.0),
             2: Intent.long("AAA", quantity=10.0, stop_loss=95.0)}
    rig = make_rig(plan(steps), guard)

    rig.run(bars("AAA", CLOSES, opens=OPENS))

    assert [o.client_order_id for o in rig.sim.orders()] == [ENTRY]
    [row] = rig.pipeline.veto_tally.counts()
    assert row.reason == "stop_loss_not_resting"
    assert "go flat, then enter with it" in (row.detail or "")


def test_engine_when_the_same_intent_follows_a_stop_out_then_it_enters_again(
    guard: RuntimeGuard,
) -> None:
    entry = Intent.long("AAA", quantity=10.0, stop_distance=5.0)
    strategy = Scripted(lambda bar: entry)  # the very same object on every bar
    rig = make_rig(strategy, guard)

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    again = client_id(2)
    assert [(f.client_order_id, f.price, f.ts_ns) for f in run.fills] == [
        (ENTRY, 102.0, at(1)), (f"{ENTRY}-sl", 97.0, at(4)), (again, 95.0, at(5))]
    assert [seen[4] for seen in strategy.seen] == [0.0, 10.0, 10.0, 10.0, 0.0, 10.0, 10.0]
    assert [f.client_order_id for f in strategy.fills][:2] == [ENTRY, f"{ENTRY}-sl"]
    stop = rig.sim.order(f"{again}-sl")
    assert stop is not None and stop.request.stop_price == 90.0  # from the new fill


def test_engine_when_a_stop_out_is_followed_by_no_output_then_the_strategy_stays_flat(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(plan({0: Intent.long("AAA", quantity=10.0, stop_distance=5.0)}), guard)

    rig.run(bars("AAA", CLOSES, opens=OPENS))

    assert rig.ledger.position("AAA").quantity == 0.0
    assert len(rig.sim.orders()) == 2


@pytest.mark.parametrize(("offsets", "reason"), [
    ({"stop_distance": -1.0}, "invalid_stop_distance"),
    ({"stop_pct": 1.5}, "invalid_stop_pct"),
    ({"take_profit_pct": 0.0}, "invalid_take_profit_pct"),
])
def test_engine_when_an_offset_is_out_of_range_then_vetoed_with_its_fix(
    guard: RuntimeGuard, offsets: dict[str, float], reason: str
) -> None:
    intent = Intent("AAA", Direction.LONG, quantity=1.0, exits=ExitOffsets(**offsets))
    rig = make_rig(plan({0: intent}), guard)

    rig.run(bars("AAA", CLOSES, opens=OPENS))

    assert rig.sim.orders() == []
    [row] = rig.pipeline.veto_tally.counts()
    assert row.reason == reason
    assert reason.removeprefix("invalid_") in row.detail


def test_engine_when_the_stop_is_dropped_then_the_resting_stop_is_cancelled(
    guard: RuntimeGuard,
) -> None:
    steps = {0: Intent.long("AAA", quantity=10.0, stop_loss=90.0),
             2: Intent.long("AAA", quantity=10.0)}
    rig = make_rig(plan(steps), guard)

    run = rig.run(bars("AAA", CLOSES, opens=OPENS))

    stop = rig.sim.order(f"{ENTRY}-sl")
    assert stop is not None and stop.status is OrderStatus.CANCELLED
    assert [f.client_order_id for f in run.fills] == [ENTRY]  # held through the fall
    assert rig.ledger.position("AAA").quantity == 10.0
