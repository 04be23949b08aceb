"""The simulator's update stream (``updates(cursor)``, ``update_count``) and ``cancel_all``."""

from __future__ import annotations

import pytest

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim, sell, step
from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.types import OrderStatus


def test_updates_when_read_from_zero_then_every_fill_and_changed_order_in_latest_state() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 1))
    sim.submit(buy("b", 2, **limit(90.0)))
    step(sim, 2, 101.0, 101.0, 101.0, 101.0)
    updates = sim.updates(0)
    assert updates.cursor == sim.update_count > 0
    assert [(f.client_order_id, f.price) for f in updates.fills] == [("a", 101.0)]
    assert [(o.client_order_id, o.status) for o in updates.orders] == [
        ("a", OrderStatus.FILLED), ("b", OrderStatus.NEW),
    ]


def test_updates_when_two_readers_keep_cursors_then_neither_takes_the_others_fills() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 1))
    first = sim.updates(0)
    step(sim, 2, 101.0, 101.0, 101.0, 101.0)
    assert sim.drain_fills()  # a third reader, with a cursor of its own
    later = sim.updates(first.cursor)
    assert [f.client_order_id for f in later.fills] == ["a"]
    assert [f.client_order_id for f in sim.updates(0).fills] == ["a"]
    again = sim.updates(later.cursor)
    assert (again.cursor, again.fills, again.orders) == (later.cursor, [], [])


def test_update_count_when_nothing_happened_since_then_unchanged() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 1, **limit(90.0)))
    count = sim.update_count
    flat_bar(sim, 2, 100.0)  # the limit is not touched
    assert sim.update_count == count
    sim.amend("a", limit_price=95.0)
    assert sim.update_count > count
    assert [o.request.limit_price for o in sim.updates(count).orders] == [95.0]


def test_updates_when_cursor_beyond_the_stream_then_execution_error() -> None:
    sim = make_sim()
    with pytest.raises(ExecutionError, match="cursor"):
        sim.updates(1)


def test_cancel_all_when_symbol_given_then_only_its_working_orders_cancelled() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.mark("BBB", 1, 50.0)
    sim.submit(buy("a", 1, **limit(90.0)))
    sim.submit(buy("b", 1, symbol="BBB", **limit(40.0)))
    sim.submit(sell("c", 1, **limit(110.0)))
    cancelled = sim.cancel_all("AAA")
    assert [(o.client_order_id, o.status) for o in cancelled] == [
        ("a", OrderStatus.CANCELLED), ("c", OrderStatus.CANCELLED),
    ]
    assert [o.client_order_id for o in sim.open_orders()] == ["b"]
    assert [o.client_order_id for o in sim.cancel_all()] == ["b"]
    assert not sim.observes_bars
    assert sim.cancel_all() == []


def test_observes_bars_when_order_working_then_true_until_it_fills() -> None:
    sim = make_sim()
    sim.start()
    flat_bar(sim, 1, 100.0)
    assert not sim.observes_bars
    sim.submit(buy("a", 1))
    assert sim.observes_bars
    step(sim, 2, 101.0, 101.0, 101.0, 101.0)
    assert not sim.observes_bars
    sim.close()
