"""Bracket children, OCO groups and reduce-only clean-up, on hand-made bars."""

from __future__ import annotations

import pytest

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim, sell, step, stop
from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.types import Bar, OrderStatus, OrderType, Side
from vibetrading_V2.execution import Simulator


def _long_with_bracket(sim: Simulator, quantity: float = 10) -> None:
    """Bar 1 submits a bracketed market buy; bar 2 fills it at 100 and touches neither leg."""
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", quantity, stop_loss=95.0, take_profit=110.0, strategy_id="s"))
    step(sim, 2, 100.0, 101.0, 99.0, 100.0)
    [entry_fill] = sim.drain_fills()
    assert entry_fill.price == 100.0


def _status(sim: Simulator, coid: str) -> tuple[OrderStatus, str | None]:
    order = sim.order(coid)
    assert order is not None
    return order.status, order.reason


def test_bracket_when_entry_fills_then_reduce_only_sl_and_tp_work() -> None:
    sim = make_sim()
    _long_with_bracket(sim)
    sl, tp = sim.order("e-sl"), sim.order("e-tp")
    assert sl is not None and tp is not None
    assert (sl.request.order_type, sl.request.stop_price, sl.request.side) == (
        OrderType.STOP,
        95.0,
        Side.SELL,
    )
    assert (tp.request.order_type, tp.request.limit_price) == (OrderType.LIMIT, 110.0)
    assert sl.request.reduce_only and tp.request.reduce_only
    assert sl.request.quantity == tp.request.quantity == 10
    assert sl.request.oco_group == tp.request.oco_group == "e:bracket"
    assert sl.request.strategy_id == "s"
    assert [o.client_order_id for o in sim.open_orders()] == ["e-sl", "e-tp"]


def test_bracket_when_sl_and_tp_touched_in_one_bar_then_stop_fills_and_tp_cancelled() -> None:
    sim = make_sim()
    _long_with_bracket(sim)
    step(sim, 3, 100.0, 111.0, 94.0, 100.0)
    [fill] = sim.drain_fills()
    assert (fill.client_order_id, fill.price, fill.quantity) == ("e-sl", 95.0, 10.0)
    assert _status(sim, "e-sl") == (OrderStatus.FILLED, None)
    assert _status(sim, "e-tp") == (OrderStatus.CANCELLED, "oco_cancelled")
    assert sim.position("AAA").quantity == 0.0
    assert sim.position("AAA").realized_pnl == pytest.approx(10 * (95.0 - 100.0))
    assert not sim.observes_bars


def test_bracket_when_only_tp_touched_then_tp_fills_at_limit_and_sl_cancelled() -> None:
    sim = make_sim()
    _long_with_bracket(sim)
    step(sim, 3, 104.0, 111.0, 103.0, 108.0)
    [fill] = sim.drain_fills()
    assert (fill.client_order_id, fill.price, fill.liquidity) == ("e-tp", 110.0, "maker")
    assert _status(sim, "e-sl") == (OrderStatus.CANCELLED, "oco_cancelled")
    assert sim.position("AAA").realized_pnl == pytest.approx(100.0)


def test_bracket_when_open_gaps_through_sl_then_sl_fills_at_open() -> None:
    sim = make_sim()
    _long_with_bracket(sim)
    step(sim, 3, 90.0, 112.0, 89.0, 100.0)
    [fill] = sim.drain_fills()
    assert (fill.client_order_id, fill.price) == ("e-sl", 90.0)


def test_bracket_when_open_gaps_through_tp_and_sl_also_touched_then_tp_fills_at_open() -> None:
    sim = make_sim()
    _long_with_bracket(sim)
    step(sim, 3, 112.0, 113.0, 94.0, 100.0)
    [fill] = sim.drain_fills()
    assert (fill.client_order_id, fill.price) == ("e-tp", 112.0)
    assert _status(sim, "e-sl") == (OrderStatus.CANCELLED, "oco_cancelled")


def test_bracket_when_entry_fills_at_open_then_children_evaluated_same_bar() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 10, stop_loss=95.0, take_profit=110.0))
    step(sim, 2, 100.0, 111.0, 99.0, 105.0)
    assert [(f.client_order_id, f.price) for f in sim.drain_fills()] == [
        ("e", 100.0),
        ("e-tp", 110.0),
    ]


def test_bracket_when_entry_fills_inside_bar_then_only_sl_checked_from_entry_price() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 10, stop_loss=95.0, take_profit=103.0, **limit(98.0)))
    step(sim, 2, 100.0, 104.0, 94.0, 99.0)  # entry at 98, then the low 94 hits the stop
    assert [(f.client_order_id, f.price) for f in sim.drain_fills()] == [
        ("e", 98.0),
        ("e-sl", 95.0),
    ]


def test_bracket_when_entry_fills_inside_bar_then_tp_waits_for_next_bar() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 10, stop_loss=95.0, take_profit=103.0, **limit(98.0)))
    step(sim, 2, 100.0, 104.0, 97.0, 99.0)  # the high may have come before the entry
    assert [f.client_order_id for f in sim.drain_fills()] == ["e"]
    step(sim, 3, 101.0, 104.0, 100.0, 103.0)
    assert [(f.client_order_id, f.price) for f in sim.drain_fills()] == [("e-tp", 103.0)]


def test_bracket_when_signal_close_entry_then_children_start_next_bar() -> None:
    sim = make_sim(fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 10, stop_loss=95.0))
    sim.observe_bar(Bar("AAA", 1, 100.0, 100.0, 90.0, 100.0, 1e6))  # bar 1 again: not evaluated
    assert [f.client_order_id for f in sim.drain_fills()] == ["e"]
    step(sim, 2, 96.0, 97.0, 94.0, 95.0)
    assert [(f.client_order_id, f.price) for f in sim.drain_fills()] == [("e-sl", 95.0)]


def test_bracket_when_tp_fills_then_entry_remainder_cancelled() -> None:
    sim = make_sim(max_volume_participation=0.5)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 100, stop_loss=95.0, take_profit=110.0, **limit(100.0)))
    step(sim, 2, 101.0, 101.0, 99.5, 100.0, volume=100.0)  # 50 of 100 at the limit
    assert sim.order("e-tp").request.quantity == 50  # type: ignore[union-attr]
    step(sim, 3, 105.0, 111.0, 104.5, 110.0, volume=1_000.0)
    assert [(f.client_order_id, f.quantity) for f in sim.drain_fills()] == [
        ("e", 50.0),
        ("e-tp", 50.0),
    ]
    assert _status(sim, "e") == (OrderStatus.CANCELLED, "bracket_exit")
    assert _status(sim, "e-sl") == (OrderStatus.CANCELLED, "oco_cancelled")
    assert not sim.observes_bars


def test_bracket_when_position_closed_by_other_order_then_children_cancelled() -> None:
    sim = make_sim()
    _long_with_bracket(sim)
    sim.submit(sell("x", 10))
    flat_bar(sim, 3, 101.0)
    assert [f.client_order_id for f in sim.drain_fills()] == ["x"]
    assert _status(sim, "e-sl") == (OrderStatus.CANCELLED, "reduce_only_position_closed")
    assert _status(sim, "e-tp") == (OrderStatus.CANCELLED, "reduce_only_position_closed")
    assert not sim.observes_bars


def test_bracket_when_stop_loss_above_entry_for_buy_then_rejected() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    order = sim.submit(buy("e", 10, stop_loss=101.0))
    assert (order.status, order.reason) == (OrderStatus.REJECTED, "invalid_bracket")


def test_oco_group_when_one_plain_order_fills_then_other_cancelled() -> None:
    sim = make_sim(fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("long", 10))
    sim.submit(sell("tp", 10, oco_group="g", **limit(110.0)))
    sim.submit(sell("sl", 10, oco_group="g", **stop(95.0)))
    sim.drain_fills()
    step(sim, 2, 105.0, 110.5, 104.0, 110.0)
    assert [(f.client_order_id, f.price) for f in sim.drain_fills()] == [("tp", 110.0)]
    assert _status(sim, "sl") == (OrderStatus.CANCELLED, "oco_cancelled")


def test_bracket_when_short_entry_and_price_rises_then_buy_stop_covers() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(sell("e", 10, stop_loss=105.0, take_profit=90.0))
    step(sim, 2, 100.0, 101.0, 99.0, 100.0)
    step(sim, 3, 101.0, 106.0, 89.0, 100.0)  # both touched: the stop wins
    assert [(f.client_order_id, f.side, f.price) for f in sim.drain_fills()] == [
        ("e", Side.SELL, 100.0),
        ("e-sl", Side.BUY, 105.0),
    ]
    assert sim.position("AAA").realized_pnl == pytest.approx(-50.0)


def test_reduce_only_when_larger_than_position_then_fills_position_and_cancels_rest() -> None:
    sim = make_sim(fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("b", 5))
    order = sim.submit(sell("r", 10, reduce_only=True))
    assert (order.status, order.filled_quantity, order.reason) == (
        OrderStatus.CANCELLED,
        5.0,
        "reduce_only_position_closed",
    )
    assert sim.positions() == []


def test_bracket_when_a_leg_id_was_submitted_before_then_execution_error_names_the_id() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(sell("e-sl", 1, **limit(200.0)))
    sim.submit(buy("e", 10, stop_loss=95.0, take_profit=110.0))

    with pytest.raises(ExecutionError, match=r"'e-sl'.*already used"):
        step(sim, 2, 100.0, 101.0, 99.0, 100.0)
