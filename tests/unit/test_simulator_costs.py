"""Fees (bps + fixed + a minimum per order), slippage and the participation cap, exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim, sell, step
from vibetrading_V2.core.types import OrderStatus
from vibetrading_V2.execution import SimulatorConfig
from vibetrading_V2.execution.fees import order_fee


def _costly() -> dict[str, float]:
    return {"commission_bps": 10.0, "fixed_fee": 1.0, "min_fee": 5.0, "slippage_bps": 20.0}


def test_fee_when_small_order_then_minimum_fee_applies() -> None:
    sim = make_sim(**_costly())
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 10))
    flat_bar(sim, 2, 100.0)
    [fill] = sim.drain_fills()
    assert fill.price == pytest.approx(100.2)  # 20 bps adverse
    assert fill.fee == pytest.approx(5.0)  # max(5, 1002 * 0.001 + 1 = 2.002)
    assert sim.account().cash == pytest.approx(100_000 - 1_002 - 5)


def test_fee_when_large_order_then_bps_plus_fixed() -> None:
    sim = make_sim(**_costly())
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 100))
    flat_bar(sim, 2, 100.0)
    [fill] = sim.drain_fills()
    assert fill.fee == pytest.approx(10_020 * 0.001 + 1.0)  # 11.02
    assert sim.fees_paid == pytest.approx(11.02)


def test_slippage_when_sell_market_then_price_moves_down() -> None:
    sim = make_sim(**_costly())
    flat_bar(sim, 1, 100.0)
    sim.submit(sell("o1", 100))
    flat_bar(sim, 2, 100.0)
    [fill] = sim.drain_fills()
    assert fill.price == pytest.approx(99.8)
    assert fill.fee == pytest.approx(9_980 * 0.001 + 1.0)


def test_slippage_when_limit_fill_then_none_but_fee_charged() -> None:
    sim = make_sim(**_costly())
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 100, **limit(99.0)))
    step(sim, 2, 100.0, 100.0, 98.0, 99.0)
    [fill] = sim.drain_fills()
    assert fill.price == 99.0
    assert fill.fee == pytest.approx(9_900 * 0.001 + 1.0)  # 10.9


def test_fee_when_order_fills_in_parts_then_fixed_and_minimum_charged_once() -> None:
    sim = make_sim(commission_bps=10.0, fixed_fee=1.0, min_fee=5.0, max_volume_participation=0.5)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 100))
    flat_bar(sim, 2, 100.0, volume=100.0)  # 50 at 100: max(5, 5 + 1) = 6
    flat_bar(sim, 3, 100.0, volume=100.0)  # total max(5, 10 + 1) = 11, so 5 more
    assert [f.fee for f in sim.drain_fills()] == pytest.approx([6.0, 5.0])


def test_fee_when_minimum_exceeds_cumulative_then_later_parts_pay_nothing() -> None:
    sim = make_sim(commission_bps=10.0, fixed_fee=1.0, min_fee=5.0, max_volume_participation=0.5)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 10))
    flat_bar(sim, 2, 100.0, volume=10.0)
    flat_bar(sim, 3, 100.0, volume=10.0)
    assert [f.fee for f in sim.drain_fills()] == pytest.approx([5.0, 0.0])


def test_order_fee_formula_when_called_then_matches_documented_rule() -> None:
    config = SimulatorConfig(commission_bps=10.0, fixed_fee=1.0, min_fee=5.0)
    assert config.order_fee(0.0) == 5.0
    assert config.order_fee(1_000.0) == 5.0
    assert config.order_fee(10_000.0) == pytest.approx(11.0)


def test_participation_when_cap_then_fills_over_three_bars_at_each_open() -> None:
    sim = make_sim(max_volume_participation=0.1)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 25))
    step(sim, 2, 100.0, 101.0, 99.0, 100.0, volume=100.0)
    assert sim.order("o1").status is OrderStatus.PARTIALLY_FILLED  # type: ignore[union-attr]
    step(sim, 3, 101.0, 102.0, 100.0, 101.0, volume=100.0)
    assert sim.order("o1").filled_quantity == 20.0  # type: ignore[union-attr]
    step(sim, 4, 102.0, 103.0, 101.0, 102.0, volume=100.0)
    fills = sim.drain_fills()
    assert [(f.execution_id, f.quantity, f.price, f.ts_ns) for f in fills] == [
        ("o1:1", 10.0, 100.0, 2),
        ("o1:2", 10.0, 101.0, 3),
        ("o1:3", 5.0, 102.0, 4),
    ]
    order = sim.order("o1")
    assert order is not None and order.status is OrderStatus.FILLED
    assert order.average_price == pytest.approx((1_000 + 1_010 + 510) / 25)
    assert sim.position("AAA").quantity == 25.0


def test_participation_when_two_orders_share_a_bar_then_cap_is_shared() -> None:
    sim = make_sim(max_volume_participation=0.1)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 8))
    sim.submit(buy("b", 8))
    flat_bar(sim, 2, 100.0, volume=100.0)
    assert [(f.client_order_id, f.quantity) for f in sim.drain_fills()] == [("a", 8.0), ("b", 2.0)]


def test_participation_when_signal_close_with_volume_then_remainder_at_next_open() -> None:
    sim = make_sim(fill_timing="signal_close", max_volume_participation=0.5)
    sim.mark("AAA", 1, 100.0, volume=10.0)
    order = sim.submit(buy("o1", 8))
    assert (order.status, order.filled_quantity) == (OrderStatus.PARTIALLY_FILLED, 5.0)
    flat_bar(sim, 2, 101.0)
    assert [(f.quantity, f.price) for f in sim.drain_fills()] == [(5.0, 100.0), (3.0, 101.0)]


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.floats(0, 100),
    st.floats(0, 10),
    st.floats(0, 10),
    st.lists(st.floats(0, 1e7), min_size=1, max_size=5),
)
def test_order_fee_when_order_fills_in_any_parts_then_parts_sum_to_one_order_fee(
    bps: float, fixed: float, minimum: float, parts: list[float]
) -> None:
    """Each fill pays the increase of the order's fee: never negative, minimum paid once."""
    paid, notional = 0.0, 0.0
    for part in parts:
        notional += part
        increase = order_fee(notional, bps, fixed, minimum) - paid
        assert increase >= -1e-9  # float rounding of the running total only
        paid += increase
    assert paid >= minimum
    assert paid == pytest.approx(max(minimum, notional * bps / 1e4 + fixed))
