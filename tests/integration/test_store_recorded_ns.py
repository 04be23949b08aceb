"""Both stores stamp every row they write with ``recorded_ns`` from the clock they are given."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes import ManualClock
from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.sqlite import SqliteStateStore

AnyStore = InMemoryStateStore | SqliteStateStore
BAR = 1_500_000_000_000_000_000  # market time: 2017
WALL = 1_800_000_000_000_000_000  # the run's clock: 2027
SECOND = 1_000_000_000


@pytest.fixture(params=["memory", "sqlite"])
def clocked(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[AnyStore, ManualClock]]:
    clock = ManualClock(WALL)
    store: AnyStore = (
        InMemoryStateStore(clock) if request.param == "memory"
        else SqliteStateStore(tmp_path / "state.sqlite", synchronous="OFF", clock=clock)
    )
    with store:
        yield store, clock


def test_store_when_rows_written_then_each_carries_the_clock_time_beside_its_market_time(
    clocked: tuple[AnyStore, ManualClock],
) -> None:
    store, clock = clocked
    request = OrderRequest("c", "AAA", Side.BUY, 1.0, created_ns=BAR, reference_price=10.0)
    store.record_intent(BAR, "s", Intent.long("AAA", quantity=1.0))
    clock.advance(SECOND)
    store.record_order(Order(request, OrderStatus.IN_FLIGHT, updated_ns=BAR))
    clock.advance(SECOND)
    store.record_order(Order(request, OrderStatus.NEW, updated_ns=BAR))
    clock.advance(SECOND)
    store.record_fill(Fill("c:1", "c", "AAA", Side.BUY, 1.0, 10.0, 0.0, BAR + 60 * SECOND, "s"))
    store.record_order(Order(request, OrderStatus.FILLED, 1.0, 10.0, updated_ns=BAR + 60 * SECOND))
    clock.advance(SECOND)
    store.record_veto(BAR, "s", "AAA", ("max_orders",))
    store.set_control("b", "1")
    clock.advance(SECOND)
    store.set_control("a", "2")

    assert store.recorded_ns("intents") == [WALL]
    assert store.recorded_ns("order_history") == [WALL + SECOND, WALL + 2 * SECOND,
                                                  WALL + 3 * SECOND]
    assert [o.updated_ns for o in store.order_history("c")] == [BAR, BAR, BAR + 60 * SECOND]
    assert store.recorded_ns("fills") == [WALL + 3 * SECOND]
    assert store.recorded_ns("vetoes") == [WALL + 4 * SECOND]
    assert store.recorded_ns("controls") == [WALL + 5 * SECOND, WALL + 4 * SECOND]  # a, b
    assert store.order("c") == Order(request, OrderStatus.FILLED, 1.0, 10.0,
                                     updated_ns=BAR + 60 * SECOND)  # reference_price kept


def test_store_when_no_clock_given_then_rows_recorded_at_zero(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "s.sqlite") as store:
        store.set_control("k", "v")
        assert store.recorded_ns("controls") == [0]
    memory = InMemoryStateStore()
    memory.set_control("k", "v")
    assert memory.recorded_ns("controls") == [0]


def test_recorded_ns_when_table_unknown_then_state_store_error(
    clocked: tuple[AnyStore, ManualClock],
) -> None:
    store, _ = clocked
    with pytest.raises(StateStoreError, match="no table 'orders; drop'"):
        store.recorded_ns("orders; drop")
