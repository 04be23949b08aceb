"""The cost model: fee formula, minimum fee, adverse slippage."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Side
from vibetrading_V2.policies.config import CostPolicy
from vibetrading_V2.policies.costs import CostModel


def test_fee_when_commission_only_then_bps_of_notional() -> None:
    model = CostModel(CostPolicy(commission_bps=10.0))
    assert model.fee(50_000.0) == pytest.approx(50.0)


def test_fee_when_notional_negative_then_same_as_positive() -> None:
    model = CostModel(CostPolicy(commission_bps=10.0, fixed_fee=1.0))
    assert model.fee(-50_000.0) == model.fee(50_000.0) == pytest.approx(51.0)


def test_fee_when_below_min_fee_then_min_fee_charged() -> None:
    model = CostModel(CostPolicy(commission_bps=1.0, fixed_fee=0.5, min_fee=2.0))
    assert model.fee(1_000.0) == 2.0  # 0.1 + 0.5 < 2.0


def test_fee_when_above_min_fee_then_min_fee_not_added() -> None:
    model = CostModel(CostPolicy(commission_bps=1.0, fixed_fee=0.5, min_fee=2.0))
    assert model.fee(100_000.0) == pytest.approx(10.5)


def test_fee_when_zero_cost_policy_then_zero() -> None:
    model = CostModel(CostPolicy(commission_bps=0.0))
    assert model.fee(123_456.0) == 0.0


def test_slipped_price_when_buy_then_higher_and_sell_then_lower() -> None:
    model = CostModel(CostPolicy(slippage_bps=5.0))
    assert model.slipped_price(100.0, Side.BUY) == pytest.approx(100.05)
    assert model.slipped_price(100.0, Side.SELL) == pytest.approx(99.95)


def test_slipped_price_when_no_slippage_then_unchanged() -> None:
    model = CostModel(CostPolicy())
    assert model.slipped_price(101.25, Side.BUY) == 101.25
    assert model.slipped_price(101.25, Side.SELL) == 101.25


@settings(max_examples=100, deadline=None, database=None)
@given(
    st.floats(0, 100),
    st.floats(0, 10),
    st.floats(0, 10),
    st.floats(-1e9, 1e9),
)
def test_fee_when_any_notional_then_at_least_min_fee_and_never_negative(
    bps: float, fixed: float, minimum: float, notional: float
) -> None:
    fee = CostModel(CostPolicy(commission_bps=bps, fixed_fee=fixed, min_fee=minimum)).fee(notional)
    assert fee >= minimum
    assert fee >= 0.0
    assert fee == pytest.approx(max(minimum, abs(notional) * bps / 1e4 + fixed))
