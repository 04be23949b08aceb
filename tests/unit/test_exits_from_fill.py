"""Stops and targets measured from the entry's fill: the intent, the sizer, the simulator."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.simulator_helpers import buy, flat_bar, make_sim, sell, step
from vibetrading_V2.core.errors import StrategyError
from vibetrading_V2.core.types import ExitOffsets, Fill, Intent, OrderStatus
from vibetrading_V2.execution import Simulator
from vibetrading_V2.policies.config import SizingPolicy
from vibetrading_V2.policies.sizing import Sizer, SizingError


def test_intent_when_stop_given_as_price_and_distance_then_refused_naming_both() -> None:
    with pytest.raises(StrategyError) as raised:
        Intent.long("AAA", stop_loss=95.0, stop_distance=2.0)
    assert raised.value.field == "stop_distance"
    assert "stop_loss and stop_distance" in str(raised.value)
    assert "stop_pct" in (raised.value.hint or "")


def test_intent_when_target_given_as_distance_and_fraction_then_refused() -> None:
    with pytest.raises(StrategyError) as raised:
        Intent.short("AAA", take_profit_distance=1.0, take_profit_pct=0.01)
    assert raised.value.field == "take_profit_pct"


def test_intent_when_offsets_given_then_they_are_its_exits_and_part_of_equality() -> None:
    one = Intent.long("AAA", quantity=1.0, stop_distance=2.0, take_profit_pct=0.03)
    assert one.exits == ExitOffsets(stop_distance=2.0, take_profit_pct=0.03)
    assert one == Intent.long("AAA", quantity=1.0, stop_distance=2.0, take_profit_pct=0.03)
    assert one != Intent.long("AAA", quantity=1.0, stop_distance=2.5, take_profit_pct=0.03)
    assert Intent.long("AAA").exits is None


@given(st.floats(0.5, 1e4), st.floats(1e-6, 10.0), st.floats(1e-4, 0.99), st.booleans())
def test_offsets_when_made_prices_then_the_stop_is_on_the_losing_side_of_the_fill(
    fill: float, distance: float, fraction: float, is_buy: bool
) -> None:
    for offsets in (ExitOffsets(stop_distance=distance, take_profit_distance=distance),
                    ExitOffsets(stop_pct=fraction, take_profit_pct=fraction)):
        stop = offsets.stop_price(fill, is_buy)
        target = offsets.take_profit_price(fill, is_buy)
        assert stop is not None and target is not None
        assert (stop < fill < target) if is_buy else (target < fill < stop)


def test_sizer_when_stop_is_a_distance_then_the_risk_cap_uses_it_not_the_signal_close() -> None:
    sizer = Sizer(SizingPolicy(per_trade_risk=0.01))
    # a stop distance of 2 on 100,000 equity caps the loss at 1,000: 500 units
    intent = Intent.long("AAA", quantity=10_000.0, stop_distance=2.0)
    assert sizer.target_quantity(intent, 100.0, 100_000.0) == pytest.approx(500.0)
    assert sizer.capped_from == 10_000.0


def test_sizer_when_stop_is_a_fraction_then_the_cap_prices_it_at_the_signal_close() -> None:
    sizer = Sizer(SizingPolicy(per_trade_risk=0.01))
    intent = Intent.short("AAA", quantity=10_000.0, stop_pct=0.02)
    assert sizer.target_quantity(intent, 100.0, 100_000.0) == pytest.approx(-500.0)


def test_sizer_when_explicit_quantity_and_a_fill_relative_stop_then_never_refused() -> None:
    # an absolute stop above the signal close is refused; the same trade with its stop
    # measured from the fill is sized (the stop is set below the fill when it fills)
    sizer = Sizer(SizingPolicy(per_trade_risk=1.0))
    with pytest.raises(SizingError) as raised:
        sizer.target_quantity(Intent.long("AAA", quantity=5.0, stop_loss=101.0), 100.0, 1e5)
    assert raised.value.field == "intent.stop_loss"
    assert "stop_distance" in (raised.value.hint or "")
    intent = Intent.long("AAA", quantity=5.0, stop_distance=0.5)
    assert sizer.target_quantity(intent, 100.0, 1e5) == 5.0


@pytest.mark.parametrize("fraction", [0.0, 1.0, 2.0])
def test_sizer_when_stop_fraction_is_not_in_0_1_then_a_typed_error_names_it(
    fraction: float,
) -> None:
    with pytest.raises(SizingError) as raised:
        Sizer(SizingPolicy()).target_quantity(
            Intent.long("AAA", quantity=1.0, stop_pct=fraction), 100.0, 1e5)
    assert raised.value.field == "intent.stop_pct"
    assert "0.02 is 2 %" in (raised.value.hint or "")


def _entry_at_open(arming: str, bar_2_low: float) -> tuple[Simulator, list[Fill]]:
    """A buy with a stop 3 below its fill, filled at bar 2's open of 102 (signal close 100)."""
    sim = make_sim(bracket_arming=arming)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("e", 10, exit_offsets=ExitOffsets(stop_distance=3.0, take_profit_pct=0.1)))
    step(sim, 2, 102.0, 103.0, bar_2_low, 102.0)
    return sim, sim.drain_fills()


def test_simulator_when_entry_fills_then_its_legs_are_priced_from_the_fill() -> None:
    sim, fills = _entry_at_open("entry_bar", 101.0)
    assert [f.price for f in fills] == [102.0]
    sl, tp = sim.order("e-sl"), sim.order("e-tp")
    assert sl is not None and tp is not None
    assert sl.request.stop_price == 99.0  # 102 - 3, not the signal close's 97
    assert tp.request.limit_price == pytest.approx(112.2)


def test_simulator_when_arming_is_entry_bar_then_the_stop_fills_on_the_entry_bar() -> None:
    _, fills = _entry_at_open("entry_bar", 98.0)
    assert [(f.client_order_id, f.price, f.ts_ns) for f in fills] == [
        ("e", 102.0, 2), ("e-sl", 99.0, 2)]


def test_simulator_when_arming_is_next_bar_then_the_stop_waits_for_the_next_bar() -> None:
    sim, fills = _entry_at_open("next_bar", 98.0)
    assert [f.client_order_id for f in fills] == ["e"]  # the bar's low of 98 is not checked
    step(sim, 3, 100.0, 100.0, 98.5, 99.0)
    later = sim.drain_fills()
    assert [(f.client_order_id, f.price, f.ts_ns) for f in later] == [("e-sl", 99.0, 3)]


def test_simulator_when_offsets_are_not_positive_then_the_order_is_rejected() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    order = sim.submit(sell("e", 1, exit_offsets=ExitOffsets(stop_distance=-1.0)))
    assert (order.status, order.reason) == (OrderStatus.REJECTED, "invalid_bracket")


def test_intent_when_an_offset_is_nan_then_refused_with_the_warm_up_hint() -> None:
    with pytest.raises(StrategyError) as raised:
        Intent.long("AAA", stop_distance=math.nan)
    assert raised.value.field == "stop_distance"
    assert "warmup_bars" in (raised.value.hint or "")
