"""The port's bookkeeping: idempotent submit, cancel, amend, queries and fill draining."""

from __future__ import annotations

import pytest

from tests.unit.simulator_helpers import (
    SYMBOL,
    buy,
    flat_bar,
    limit,
    make_sim,
    sell,
    step,
    stop,
)
from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.ports import AccountView, Execution, OrderGateway
from vibetrading_V2.core.types import Bar, OrderRequest, OrderStatus, Side


def test_simulator_when_checked_then_is_gateway_and_account_view() -> None:
    sim = make_sim()
    view: AccountView = sim  # a Protocol: mypy checks that the simulator fills it
    assert isinstance(sim, Execution)
    assert isinstance(sim, OrderGateway)
    assert view.update_count == 0


def test_submit_when_same_client_id_twice_then_existing_order_unchanged() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    first = sim.submit(buy("o1", 10, **limit(95.0)))
    again = sim.submit(buy("o1", 99, **limit(80.0)))
    assert again == first
    assert [o.client_order_id for o in sim.open_orders()] == ["o1"]
    step(sim, 2, 96.0, 97.0, 94.0, 95.0)
    assert [f.quantity for f in sim.drain_fills()] == [10.0]
    assert sim.submit(buy("o1", 10, **limit(95.0))).status is OrderStatus.FILLED
    assert sim.drain_fills() == []


def test_submit_when_rejected_id_resubmitted_then_still_the_rejected_order() -> None:
    sim = make_sim(initial_cash=100.0)
    flat_bar(sim, 1, 100.0)
    assert sim.submit(buy("o1", 5)).reason == "insufficient_cash"
    assert sim.submit(buy("o1", 1)).reason == "insufficient_cash"


def test_cancel_when_working_then_cancelled_and_never_fills() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 10))
    order = sim.cancel("o1")
    assert order.status is OrderStatus.CANCELLED
    assert not sim.observes_bars
    flat_bar(sim, 2, 100.0)
    assert sim.drain_fills() == []


def test_cancel_when_unknown_or_terminal_then_execution_error() -> None:
    sim = make_sim(fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    with pytest.raises(ExecutionError, match="no such order"):
        sim.cancel("nope")
    sim.submit(buy("o1", 1))
    with pytest.raises(ExecutionError, match="already filled"):
        sim.cancel("o1")
    with pytest.raises(ExecutionError, match="no such order"):
        sim.amend("nope", quantity=2.0)


def test_amend_when_limit_moved_then_fills_at_new_limit() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 10, **limit(90.0)))
    amended = sim.amend("o1", limit_price=97.0, quantity=12.0)
    assert (amended.request.limit_price, amended.request.quantity) == (97.0, 12.0)
    step(sim, 2, 99.0, 100.0, 96.0, 98.0)
    assert [(f.price, f.quantity) for f in sim.drain_fills()] == [(97.0, 12.0)]


def test_amend_when_stop_loss_child_trailed_then_new_stop_used() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 10, stop_loss=90.0))
    flat_bar(sim, 2, 100.0)
    sim.amend("e-sl", stop_price=98.0)
    step(sim, 3, 99.0, 100.0, 97.0, 99.0)
    assert [(f.client_order_id, f.price) for f in sim.drain_fills()] == [
        ("e", 100.0),
        ("e-sl", 98.0),
    ]


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"limit_price": 99.0}, "invalid_price"),
        ({"quantity": 0.0}, "invalid_quantity"),
        ({"stop_price": -1.0}, "invalid_price"),
    ],
)
def test_amend_when_change_invalid_then_execution_error(
    changes: dict[str, float], match: str
) -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(sell("o1", 10, **stop(90.0)))
    with pytest.raises(ExecutionError, match=match):
        sim.amend("o1", **changes)


def test_amend_when_quantity_not_above_filled_then_execution_error() -> None:
    sim = make_sim(max_volume_participation=0.5)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 10))
    flat_bar(sim, 2, 100.0, volume=10.0)
    with pytest.raises(ExecutionError, match="already filled 5"):
        sim.amend("o1", quantity=5.0)


def test_open_orders_when_several_then_submission_order_and_terminal_excluded() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    for coid in ("c", "a", "b"):
        sim.submit(buy(coid, 1, **limit(90.0)))
    sim.cancel("a")
    assert [o.client_order_id for o in sim.open_orders()] == ["c", "b"]
    assert sim.order("a").status is OrderStatus.CANCELLED  # type: ignore[union-attr]
    assert sim.order("unknown") is None


def test_drain_fills_when_called_twice_then_each_fill_once_in_execution_order() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 1))
    sim.submit(buy("b", 1))
    flat_bar(sim, 2, 100.0)
    assert [f.execution_id for f in sim.drain_fills()] == ["a:1", "b:1"]
    assert sim.drain_fills() == []


def test_mark_when_price_not_positive_then_execution_error() -> None:
    sim = make_sim()
    with pytest.raises(ExecutionError, match="positive finite"):
        sim.mark("AAA", 1, 0.0)


def test_order_when_updated_then_carries_venue_id_and_bar_time() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 1))
    flat_bar(sim, 7, 100.0)
    order = sim.order("o1")
    assert order is not None
    assert (order.venue_order_id, order.updated_ns, order.average_price) == ("o1", 7, 100.0)


def test_order_when_an_earlier_order_finished_then_found_and_listed_in_submission_order() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 1))
    step(sim, 2, 100.0, 100.0, 100.0, 100.0)
    sim.submit(buy("o2", 2))
    step(sim, 3, 100.0, 100.0, 100.0, 100.0)  # o2 filled last: o1 is found by the index

    found = sim.order("o1")
    assert found is not None and found.status is OrderStatus.FILLED
    assert sim.submit(buy("o1", 5)) == found  # idempotent on a finished id too
    assert [o.client_order_id for o in sim.orders()] == ["o1", "o2"]
    assert sim.order("nope") is None



def test_submit_when_request_has_reference_price_then_it_marks_the_symbol_at_created_ns() -> None:
    sim = make_sim(fill_timing="signal_close")
    request = OrderRequest("r", SYMBOL, Side.BUY, 2.0, created_ns=7, reference_price=50.0)
    assert sim.submit(request).status is OrderStatus.FILLED  # no mark call: priced at 50
    [fill] = sim.drain_fills()
    assert (fill.price, fill.ts_ns) == (50.0, 7)
    sim.submit(sell("s", 1, **limit(60.0)))
    sim.observe_bar(Bar(SYMBOL, 7, 70.0, 70.0, 70.0, 70.0, 1e6))  # armed after 7: not yet
    assert sim.drain_fills() == []
