"""A simulator restored from a run's record is still the venue: same orders, cash, ids."""

from __future__ import annotations

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim
from vibetrading_V2.core.types import Fill, Order, OrderStatus
from vibetrading_V2.execution import Simulator

T0 = 1_000_000
BAR = 60


def _record(sim: Simulator) -> tuple[list[Order], list[Fill], list[Order]]:
    """What a paper session's store holds of ``sim``: orders, fills, its working orders."""
    return sim.orders(), sim.updates(0).fills, sim.open_orders()


def _restored(sim: Simulator, **config: float) -> Simulator:
    orders, fills, working = _record(sim)
    again = make_sim(**config)
    again.restore_venue(orders, fills, working)
    return again


def test_restore_when_an_order_was_partly_filled_then_its_next_execution_id_follows_on() -> None:
    config = {"initial_cash": 100_000.0, "max_volume_participation": 0.5}
    sim = make_sim(**config)
    flat_bar(sim, T0, 100.0)
    sim.submit(buy("o-1", 10.0, created_ns=T0, **limit(101.0)))
    flat_bar(sim, T0 + BAR, 100.0, volume=8.0)  # 4 of 10 filled
    twin = _restored(sim, **config)

    for venue in (sim, twin):
        flat_bar(venue, T0 + 2 * BAR, 100.0, volume=8.0)
    ids = [f.execution_id for f in _record(twin)[1]]
    assert ids == ["o-1:2"]  # the restored venue's own fills: the id after the recorded one
    assert twin.account().cash == sim.account().cash
    assert twin.position("AAA").quantity == sim.position("AAA").quantity == 8.0
    assert twin.order("o-1") == sim.order("o-1")
    assert twin.order("o-1").status is OrderStatus.PARTIALLY_FILLED  # type: ignore[union-attr]


def test_restore_when_a_known_id_is_sent_again_then_the_recorded_order_answers() -> None:
    sim = make_sim(initial_cash=100_000.0)
    flat_bar(sim, T0, 100.0)
    sim.submit(buy("o-1", 1.0, created_ns=T0, reference_price=100.0))
    flat_bar(sim, T0 + BAR, 100.0)
    twin = _restored(sim, initial_cash=100_000.0)

    again = twin.submit(buy("o-1", 1.0, created_ns=T0 + 2 * BAR, reference_price=100.0))
    assert again.status is OrderStatus.FILLED and twin.open_orders() == []
    flat_bar(twin, T0 + 3 * BAR, 100.0)
    assert twin.updates(0).fills == []  # nothing booked twice
    assert twin.position("AAA").quantity == 1.0


def test_restore_when_a_bracket_leg_was_working_then_it_still_protects_the_position() -> None:
    sim = make_sim(initial_cash=100_000.0)
    flat_bar(sim, T0, 100.0)
    sim.submit(buy("o-1", 2.0, created_ns=T0, reference_price=100.0, stop_loss=90.0))
    flat_bar(sim, T0 + BAR, 100.0)
    [leg] = sim.open_orders()
    twin = _restored(sim, initial_cash=100_000.0)

    assert [o.client_order_id for o in twin.open_orders()] == [leg.client_order_id]
    flat_bar(twin, T0 + 2 * BAR, 80.0)
    [fill] = twin.updates(0).fills
    assert fill.execution_id == f"{leg.client_order_id}:1"
    assert twin.position("AAA").quantity == 0.0
