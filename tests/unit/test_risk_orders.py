"""check_order: every rule and reason code, the state modes, and 'every veto has reasons'."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Side, TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk import RiskDecision, RiskEngine, RiskReason

EQUITY = 100_000.0


def _engine(**limits: Any) -> RiskEngine:
    return RiskEngine(RiskPolicy(**limits))


def _reducing_engine(**limits: Any) -> RiskEngine:
    engine = _engine(max_drawdown=0.1, **limits)
    engine.check_nav(0, EQUITY)
    engine.check_nav(1, EQUITY * 0.85)
    assert engine.state is TradingState.REDUCING
    return engine


def _halted_engine(**limits: Any) -> RiskEngine:
    engine = _engine(**limits)
    engine.activate_kill_switch(0, "test")
    return engine


def _order(engine: RiskEngine, **kwargs: Any) -> RiskDecision:
    args: dict[str, Any] = {
        "symbol": "BTC",
        "side": Side.BUY,
        "quantity": 1.0,
        "price": 100.0,
        "position_qty": 0.0,
        "equity": EQUITY,
        "gross_notional": 0.0,
    }
    args.update(kwargs)
    return engine.check_order(**args)


# -- cancels and states ----------------------------------------------------------------------


@pytest.mark.parametrize("make", [_engine, _reducing_engine, _halted_engine])
def test_check_order_when_cancel_then_approved_in_every_state(make: Any) -> None:
    engine = make()
    decision = _order(engine, is_cancel=True, quantity=1e12, equity=-1.0)
    assert decision.approved and decision.reasons == ()
    assert decision.state is engine.state


def test_check_order_when_halted_then_even_a_closing_order_is_vetoed() -> None:
    decision = _order(_halted_engine(), side=Side.SELL, quantity=1.0, position_qty=5.0)
    assert not decision.approved
    assert decision.reasons == (RiskReason.HALTED,)
    assert decision.state is TradingState.HALTED


def test_check_order_when_halted_and_order_grows_then_halted_and_limit_reasons() -> None:
    decision = _order(_halted_engine(min_notional=1_000.0), quantity=1.0)
    assert decision.reasons == (RiskReason.HALTED, RiskReason.MIN_NOTIONAL)


def test_check_order_when_reducing_and_order_shrinks_position_then_approved() -> None:
    engine = _reducing_engine()
    assert _order(engine, side=Side.SELL, quantity=2.0, position_qty=5.0).approved
    assert _order(engine, side=Side.BUY, quantity=2.0, position_qty=-5.0).approved


def test_check_order_when_reducing_and_order_closes_fully_then_approved() -> None:
    assert _order(_reducing_engine(), side=Side.SELL, quantity=5.0, position_qty=5.0).approved


def test_check_order_when_closing_with_float_noise_then_treated_as_close() -> None:
    engine = _reducing_engine()
    decision = _order(engine, side=Side.SELL, quantity=0.1 + 0.2, position_qty=0.3)
    assert decision.approved


@pytest.mark.parametrize(
    ("side", "quantity", "position"),
    [
        (Side.BUY, 1.0, 5.0),  # grows a long
        (Side.SELL, 1.0, 0.0),  # opens a short
        (Side.SELL, 8.0, 5.0),  # flips long to short
        (Side.BUY, 10.0, -5.0),  # flips short to long, same size
    ],
)
def test_check_order_when_reducing_and_order_does_not_shrink_then_reducing_only(
    side: Side, quantity: float, position: float
) -> None:
    decision = _order(_reducing_engine(), side=side, quantity=quantity, position_qty=position)
    assert not decision.approved
    assert RiskReason.REDUCING_ONLY in decision.reasons
    assert decision.state is TradingState.REDUCING


# -- ACTIVE limits, one reason each --------------------------------------------------------


def test_check_order_when_all_within_limits_then_approved_without_reasons() -> None:
    decision = _order(_engine(min_notional=10.0, max_position_notional=1_000.0))
    assert decision == RiskDecision(True, (), TradingState.ACTIVE)


def test_check_order_when_below_min_notional_then_min_notional() -> None:
    decision = _order(_engine(min_notional=500.0), quantity=4.0, price=100.0)
    assert decision.reasons == (RiskReason.MIN_NOTIONAL,)
    assert "400" in decision.details[0]


def test_check_order_when_exactly_min_notional_then_approved() -> None:
    assert _order(_engine(min_notional=500.0), quantity=5.0, price=100.0).approved


def test_check_order_when_resulting_position_above_cap_then_max_position_notional() -> None:
    engine = _engine(max_position_notional=1_000.0)
    decision = _order(engine, quantity=3.0, price=100.0, position_qty=8.0, gross_notional=800.0)
    assert decision.reasons == (RiskReason.MAX_POSITION_NOTIONAL,)


def test_check_order_when_resulting_position_equals_cap_then_approved() -> None:
    engine = _engine(max_position_notional=1_000.0)
    assert _order(engine, quantity=2.0, position_qty=8.0, gross_notional=800.0).approved


def test_check_order_when_gross_over_equity_above_max_leverage_then_max_leverage() -> None:
    engine = _engine(max_leverage=2.0)
    decision = _order(engine, quantity=100.0, price=100.0, gross_notional=195_000.0)
    assert decision.reasons == (RiskReason.MAX_LEVERAGE,)


def test_check_order_when_gross_exactly_at_leverage_then_approved() -> None:
    engine = _engine(max_leverage=1.0)
    qty = EQUITY / 3.0 / 100.0
    assert _order(engine, quantity=qty, gross_notional=EQUITY * 2.0 / 3.0).approved


def test_check_order_when_above_gross_exposure_budget_then_max_gross_exposure() -> None:
    engine = _engine(max_leverage=5.0, max_gross_exposure=0.5)
    decision = _order(engine, quantity=300.0, price=100.0, gross_notional=25_000.0)
    assert decision.reasons == (RiskReason.MAX_GROSS_EXPOSURE,)


@pytest.mark.parametrize("equity", [0.0, -5.0, math.nan])
def test_check_order_when_equity_not_positive_then_invalid_equity(equity: float) -> None:
    decision = _order(_engine(), equity=equity)
    assert decision.reasons == (RiskReason.INVALID_EQUITY,)


@pytest.mark.parametrize(
    "bad",
    [
        {"quantity": 0.0},
        {"quantity": -1.0},
        {"quantity": math.nan},
        {"price": 0.0},
        {"price": math.inf},
        {"position_qty": math.nan},
        {"gross_notional": -1.0},
    ],
)
def test_check_order_when_inputs_malformed_then_invalid_order(bad: dict[str, float]) -> None:
    decision = _order(_engine(), **bad)
    assert decision.reasons == (RiskReason.INVALID_ORDER,)


def test_check_order_when_several_rules_fail_then_all_reasons_returned() -> None:
    engine = _reducing_engine(
        min_notional=1_000_000.0, max_position_notional=100.0, max_gross_exposure=0.5
    )
    decision = _order(engine, quantity=2_000.0, price=100.0, gross_notional=0.0)
    assert decision.reasons == (
        RiskReason.REDUCING_ONLY,
        RiskReason.MIN_NOTIONAL,
        RiskReason.MAX_POSITION_NOTIONAL,
        RiskReason.MAX_LEVERAGE,
        RiskReason.MAX_GROSS_EXPOSURE,
    )
    assert len(decision.details) == len(decision.reasons)


def test_check_order_when_flip_in_active_then_resulting_position_is_checked() -> None:
    engine = _engine(max_position_notional=500.0)
    decision = _order(engine, side=Side.SELL, quantity=15.0, position_qty=5.0, gross_notional=500.0)
    assert decision.reasons == (RiskReason.MAX_POSITION_NOTIONAL,)


def test_check_order_when_order_reduces_then_limits_do_not_block_it() -> None:
    engine = _engine(min_notional=1_000.0, max_position_notional=100.0, max_leverage=0.1)
    decision = _order(
        engine, side=Side.SELL, quantity=1.0, position_qty=50.0, gross_notional=5_000.0, equity=-1.0
    )
    assert decision.approved


# -- invariant: approved exactly when there are no reasons ----------------------------------

_finite_or_odd = st.floats(-1e6, 1e6) | st.sampled_from([0.0, math.nan, math.inf, -math.inf])


@settings(max_examples=300, deadline=None, database=None)
@given(
    st.sampled_from(["active", "reducing", "halted"]),
    st.sampled_from([Side.BUY, Side.SELL]),
    _finite_or_odd,
    _finite_or_odd,
    _finite_or_odd,
    _finite_or_odd,
    _finite_or_odd,
    st.booleans(),
)
def test_check_order_when_any_input_then_every_veto_carries_reasons(
    mode: str,
    side: Side,
    quantity: float,
    price: float,
    position: float,
    equity: float,
    gross: float,
    is_cancel: bool,
) -> None:
    limits = {"min_notional": 50.0, "max_position_notional": 1e5, "max_gross_exposure": 3.0}
    make = {"active": _engine, "reducing": _reducing_engine, "halted": _halted_engine}[mode]
    engine = make(**limits)
    decision = _order(
        engine,
        side=side,
        quantity=quantity,
        price=price,
        position_qty=position,
        equity=equity,
        gross_notional=gross,
        is_cancel=is_cancel,
    )
    assert decision.approved == (decision.reasons == ())
    assert len(decision.details) == len(decision.reasons)
    assert all(isinstance(r, RiskReason) for r in decision.reasons)
    assert len(set(decision.reasons)) == len(decision.reasons)
    assert decision.state is engine.state
    if engine.state is TradingState.HALTED and not is_cancel:
        assert not decision.approved
