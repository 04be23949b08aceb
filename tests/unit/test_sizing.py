"""The sizer: precedence of explicit sizes, each model, confidence, the stop-loss risk cap."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Direction, Intent
from vibetrading_V2.policies.config import SizingPolicy
from vibetrading_V2.policies.sizing import Sizer, SizingError, SizingReason

PRICE = 100.0
EQUITY = 50_000.0


def _sizer(**policy: object) -> Sizer:
    return Sizer(SizingPolicy(**policy))  # type: ignore[arg-type]


def test_target_when_flat_intent_then_zero() -> None:
    assert _sizer().target_quantity(Intent.flat("BTC"), PRICE, EQUITY) == 0.0


def test_target_when_flat_intent_and_bad_inputs_then_still_zero() -> None:
    assert _sizer().target_quantity(Intent.flat("BTC"), math.nan, -1.0) == 0.0


def test_target_when_fixed_quantity_model_then_policy_quantity_signed() -> None:
    sizer = _sizer(fixed_quantity=3.0)
    assert sizer.target_quantity(Intent.long("BTC"), PRICE, EQUITY) == 3.0
    assert sizer.target_quantity(Intent.short("BTC"), PRICE, EQUITY) == -3.0


def test_target_when_fixed_notional_model_then_notional_over_price() -> None:
    sizer = _sizer(model="fixed_notional", fixed_notional=5_000.0)
    assert sizer.target_quantity(Intent.long("BTC"), PRICE, EQUITY) == pytest.approx(50.0)


def test_target_when_percent_equity_model_then_fraction_of_equity_over_price() -> None:
    sizer = _sizer(model="percent_equity", equity_fraction=0.2)
    assert sizer.target_quantity(Intent.short("BTC"), PRICE, EQUITY) == pytest.approx(-100.0)


def test_target_when_volatility_target_model_then_equity_times_ratio_over_price() -> None:
    sizer = _sizer(model="volatility_target", target_vol=0.1)
    qty = sizer.target_quantity(Intent.long("BTC"), PRICE, EQUITY, volatility=0.5)
    assert qty == pytest.approx(EQUITY * 0.1 / (0.5 * PRICE))


@pytest.mark.parametrize("vol", [None, 0.0, -0.2, math.nan, math.inf])
def test_target_when_volatility_target_and_no_usable_vol_then_sizing_error(
    vol: float | None,
) -> None:
    sizer = _sizer(model="volatility_target")
    with pytest.raises(SizingError) as info:
        sizer.target_quantity(Intent.long("BTC"), PRICE, EQUITY, volatility=vol)
    assert info.value.reason is SizingReason.VOLATILITY_UNAVAILABLE
    assert info.value.hint is not None and "warmup_bars" in info.value.hint


def test_target_when_explicit_size_then_volatility_not_needed() -> None:
    sizer = _sizer(model="volatility_target")
    assert sizer.target_quantity(Intent.long("BTC", quantity=2.0), PRICE, EQUITY) == 2.0


def test_target_when_quantity_notional_and_weight_set_then_quantity_wins() -> None:
    intent = Intent.long("BTC", quantity=2.0, notional=1_000.0, weight=0.5)
    assert _sizer().target_quantity(intent, PRICE, EQUITY) == 2.0


def test_target_when_notional_and_weight_set_then_notional_wins() -> None:
    intent = Intent.short("BTC", notional=1_000.0, weight=0.5)
    assert _sizer().target_quantity(intent, PRICE, EQUITY) == pytest.approx(-10.0)


def test_target_when_weight_only_then_weight_of_equity_over_price() -> None:
    intent = Intent.long("BTC", weight=0.5)
    assert _sizer().target_quantity(intent, PRICE, EQUITY) == pytest.approx(250.0)


def test_target_when_confidence_half_then_size_halved() -> None:
    sizer = _sizer(fixed_quantity=4.0)
    assert sizer.target_quantity(Intent.long("BTC", confidence=0.5), PRICE, EQUITY) == 2.0
    explicit = Intent.short("BTC", quantity=4.0, confidence=0.25)
    assert sizer.target_quantity(explicit, PRICE, EQUITY) == -1.0


def test_target_when_confidence_zero_then_flat_target_without_negative_zero() -> None:
    qty = _sizer().target_quantity(Intent.short("BTC", confidence=0.0), PRICE, EQUITY)
    assert qty == 0.0 and math.copysign(1.0, qty) == 1.0


@pytest.mark.parametrize("confidence", [-0.1, 1.5, math.nan])
def test_target_when_confidence_out_of_range_then_invalid_intent(confidence: float) -> None:
    with pytest.raises(SizingError) as info:
        _sizer().target_quantity(Intent.long("BTC", confidence=confidence), PRICE, EQUITY)
    assert info.value.reason is SizingReason.INVALID_INTENT
    assert info.value.field == "intent.confidence"


SIZED: dict[str, Callable[[float], Intent]] = {
    "quantity": lambda size: Intent.long("BTC", quantity=size),
    "notional": lambda size: Intent.long("BTC", notional=size),
    "weight": lambda size: Intent.long("BTC", weight=size),
}


@pytest.mark.parametrize("name", list(SIZED))
@pytest.mark.parametrize("value", [0.0, -1.0, math.nan, math.inf])
def test_target_when_explicit_size_not_positive_then_invalid_intent(
    name: str, value: float
) -> None:
    intent = SIZED[name](value)
    with pytest.raises(SizingError) as info:
        _sizer().target_quantity(intent, PRICE, EQUITY)
    assert info.value.reason is SizingReason.INVALID_INTENT
    assert info.value.field == f"intent.{name}"


@pytest.mark.parametrize("price", [0.0, -5.0, math.nan, math.inf])
def test_target_when_price_not_positive_then_invalid_price(price: float) -> None:
    with pytest.raises(SizingError) as info:
        _sizer().target_quantity(Intent.long("BTC"), price, EQUITY)
    assert info.value.reason is SizingReason.INVALID_PRICE


@pytest.mark.parametrize("model", ["percent_equity", "volatility_target"])
@pytest.mark.parametrize("equity", [0.0, -10.0, math.nan])
def test_target_when_equity_model_and_equity_not_positive_then_invalid_equity(
    model: str, equity: float
) -> None:
    with pytest.raises(SizingError) as info:
        _sizer(model=model).target_quantity(Intent.long("BTC"), PRICE, equity, volatility=0.3)
    assert info.value.reason is SizingReason.INVALID_EQUITY


def test_target_when_fixed_model_and_no_equity_then_equity_not_needed() -> None:
    assert _sizer(fixed_quantity=2.0).target_quantity(Intent.long("BTC"), PRICE, 0.0) == 2.0


def test_target_when_stop_loss_risk_exceeds_budget_then_capped() -> None:
    # budget 1 % of 50k = 500; 5 per unit at risk -> at most 100 units
    sizer = _sizer(fixed_quantity=400.0, per_trade_risk=0.01)
    assert sizer.target_quantity(Intent.long("BTC", stop_loss=95.0), PRICE, EQUITY) == 100.0
    assert sizer.target_quantity(Intent.short("BTC", stop_loss=105.0), PRICE, EQUITY) == -100.0


def test_target_when_stop_loss_risk_within_budget_then_size_unchanged() -> None:
    sizer = _sizer(fixed_quantity=10.0, per_trade_risk=0.01)
    assert sizer.target_quantity(Intent.long("BTC", stop_loss=95.0), PRICE, EQUITY) == 10.0


def test_target_when_stop_and_explicit_quantity_then_cap_still_applies() -> None:
    intent = Intent.long("BTC", quantity=1_000.0, stop_loss=90.0)
    assert _sizer(per_trade_risk=0.02).target_quantity(intent, PRICE, EQUITY) == 100.0


@pytest.mark.parametrize(
    ("direction", "stop"),
    [(Direction.LONG, 100.0), (Direction.LONG, 101.0), (Direction.SHORT, 99.0)],
)
def test_target_when_stop_on_wrong_side_of_price_then_invalid_intent(
    direction: Direction, stop: float
) -> None:
    with pytest.raises(SizingError) as info:
        _sizer().target_quantity(Intent("BTC", direction, stop_loss=stop), PRICE, EQUITY)
    assert info.value.reason is SizingReason.INVALID_INTENT
    assert info.value.field == "intent.stop_loss"


def test_target_when_stop_and_no_equity_then_invalid_equity() -> None:
    with pytest.raises(SizingError) as info:
        _sizer().target_quantity(Intent.long("BTC", stop_loss=90.0), PRICE, -1.0)
    assert info.value.reason is SizingReason.INVALID_EQUITY


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.sampled_from(["fixed_quantity", "fixed_notional", "percent_equity", "volatility_target"]),
    st.sampled_from([Direction.LONG, Direction.SHORT]),
    st.floats(0.01, 1e5),
    st.floats(1.0, 1e7),
    st.floats(0.01, 3.0),
    st.floats(0.0, 1.0),
    st.none() | st.floats(0.01, 0.99),
)
def test_target_when_any_valid_intent_then_sign_follows_direction_and_risk_is_capped(
    model: str,
    direction: Direction,
    price: float,
    equity: float,
    vol: float,
    confidence: float,
    stop_fraction: float | None,
) -> None:
    sizer = _sizer(model=model, per_trade_risk=0.01)
    stop = None
    if stop_fraction is not None:
        stop = price * (1 - stop_fraction if direction is Direction.LONG else 1 + stop_fraction)
    intent = Intent("BTC", direction, confidence=confidence, stop_loss=stop)
    qty = sizer.target_quantity(intent, price, equity, volatility=vol)
    assert qty == 0.0 or (qty > 0) == (direction is Direction.LONG)
    if stop is not None:
        assert abs(qty) * abs(price - stop) <= 0.01 * equity * (1 + 1e-9)
