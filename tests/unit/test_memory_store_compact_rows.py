"""The in-memory store keeps an order's usual first states without an object; it reads back
every order state exactly as recorded, whatever the sequence."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Direction, Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.store.memory import InMemoryStateStore

CREATED_NS = 1_700_000_000_000_000_000


def _request(coid: str, created_ns: int = CREATED_NS) -> OrderRequest:
    return OrderRequest(coid, "BTCUSDT", Side.BUY, 1.5, strategy_id="s1", created_ns=created_ns,
                        reference_price=100.0)


def _life(request: OrderRequest, accepted_ns: int) -> list[Order]:
    """In flight, accepted, filled: the three states the pipeline records for most orders."""
    return [
        Order(request, OrderStatus.IN_FLIGHT, updated_ns=request.created_ns),
        Order(request, OrderStatus.NEW, venue_order_id="sim-1", updated_ns=accepted_ns),
        Order(request, OrderStatus.FILLED, 1.5, 100.5, "sim-1", None, accepted_ns + 60),
    ]


def test_order_history_when_in_flight_accepted_filled_then_read_back_equal() -> None:
    store = InMemoryStateStore()
    first, second = _request("a"), _request("b")
    recorded = _life(first, CREATED_NS) + _life(second, CREATED_NS + 7)
    for order in recorded:
        store.record_order(order)
    assert store.order_history() == recorded
    assert store.order_history("b") == recorded[3:]
    assert store.orders() == [recorded[2], recorded[5]]


def test_order_history_when_accepted_row_follows_another_order_then_kept_whole() -> None:
    store = InMemoryStateStore()
    first, second = _request("a"), _request("b")
    recorded = [
        Order(first, OrderStatus.IN_FLIGHT, updated_ns=CREATED_NS),
        Order(second, OrderStatus.IN_FLIGHT, updated_ns=CREATED_NS + 1),  # not at created_ns
        Order(first, OrderStatus.NEW, venue_order_id="sim-1", updated_ns=CREATED_NS),
    ]
    for order in recorded:
        store.record_order(order)
    assert store.order_history() == recorded
    assert store.open_orders() == [recorded[2], recorded[1]]


def test_rollback_when_compact_rows_dropped_then_later_rows_keep_their_own_times() -> None:
    store = InMemoryStateStore(SimulatedClock(5))
    request = _request("a")
    store.begin()
    for order in _life(request, CREATED_NS + 3)[:2]:  # accepted later than created
        store.record_order(order)
    store.rollback()
    assert store.order_history() == []
    recorded = _life(request, CREATED_NS)
    for order in recorded:
        store.record_order(order)
    assert store.order_history() == recorded
    assert store.recorded_ns("order_history") == [5, 5, 5]


_states = st.sampled_from(list(OrderStatus))
_times = st.integers(CREATED_NS - 2, CREATED_NS + 2)
_rows = st.tuples(
    st.integers(0, 2),  # which of three requests
    _states,
    st.sampled_from([0.0, 0.5]),  # filled quantity
    st.sampled_from([None, 100.25]),  # average price
    st.sampled_from([None, "sim-1", "sim-2"]),  # venue order id
    st.sampled_from([None, "expired"]),  # reason
    _times,
)


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(_rows, max_size=12), cut=st.integers(0, 12))
def test_order_history_when_any_states_recorded_then_read_back_equal(
    rows: list[tuple[int, OrderStatus, float, float | None, str | None, str | None, int]],
    cut: int,
) -> None:
    store = InMemoryStateStore()
    requests = [_request("a"), _request("b", CREATED_NS + 1), _request("c", CREATED_NS - 1)]
    recorded = [
        Order(requests[k], status, filled, average, venue, reason, updated_ns)
        for k, status, filled, average, venue, reason, updated_ns in rows
    ]
    kept = recorded[: min(cut, len(recorded))]
    for order in kept:
        store.record_order(order)
    store.begin()  # the rest is recorded, then rolled back
    for order in recorded[len(kept):]:
        store.record_order(order)
    store.rollback()
    assert store.order_history() == kept
    for order in recorded[len(kept):]:
        store.record_order(order)
    assert store.order_history() == recorded
    latest = {order.client_order_id: order for order in recorded}
    assert store.orders() == list(latest.values())



def test_recorded_times_when_clock_moves_and_intent_elsewhere_then_each_row_its_own() -> None:
    clock = SimulatedClock(10)
    store = InMemoryStateStore(clock)
    intent = Intent("BTCUSDT", Direction.LONG, quantity=1.0)
    store.record_intent(10, "s1", intent)  # at the clock's time
    store.record_intent(7, "s1", intent)  # answering an older bar
    clock.ts_ns = CREATED_NS
    store.record_intent(CREATED_NS, "s1", intent)
    assert [r.ts_ns for r in store.intents()] == [10, 7, CREATED_NS]
    assert store.recorded_ns("intents") == [10, 10, CREATED_NS]
