"""The policy models: defaults, constraints, and their fit with the SDK's override types."""

from __future__ import annotations

import dataclasses
import math

import pytest
from pydantic import BaseModel, ValidationError

from vibetrading_V2.policies.config import CostPolicy, PolicySet, RiskPolicy, SizingPolicy
from vibetrading_V2.policies.merge import merge_policies
from vibetrading_V2.strategy.bundle import (
    CostOverride,
    PolicyOverrides,
    RiskOverride,
    SizingOverride,
)

PAIRS: list[tuple[type[BaseModel], type[object], str]] = [
    (CostPolicy, CostOverride, "cost"),
    (RiskPolicy, RiskOverride, "risk"),
    (SizingPolicy, SizingOverride, "sizing"),
]


@pytest.mark.parametrize(("model", "override", "group"), PAIRS)
def test_policy_fields_when_compared_with_override_fields_then_names_match_exactly(
    model: type[BaseModel], override: type[object], group: str
) -> None:
    override_names = {f.name for f in dataclasses.fields(override)}  # type: ignore[arg-type]
    assert override_names == set(model.model_fields), group


@pytest.mark.parametrize(("model", "override", "group"), PAIRS)
def test_every_override_field_when_set_to_the_default_value_then_merge_accepts_it(
    model: type[BaseModel], override: type[object], group: str
) -> None:
    defaults = PolicySet()
    for name in model.model_fields:
        value = getattr(getattr(defaults, group), name)
        if value is None:
            continue
        overrides = PolicyOverrides(**{group: override(**{name: value})})  # type: ignore[arg-type]
        assert merge_policies(defaults, overrides) == defaults, name


def test_policy_set_when_built_without_arguments_then_documented_defaults() -> None:
    policies = PolicySet()
    assert policies.cost == CostPolicy(
        commission_bps=1.0, slippage_bps=0.0, fixed_fee=0.0, min_fee=0.0
    )
    assert policies.risk.min_notional == 0.0
    assert policies.risk.max_leverage == 1.0
    assert policies.risk.max_position_notional is None
    assert policies.risk.kill_switch_dd is None
    assert policies.sizing.model == "fixed_quantity"
    assert policies.sizing.vol_lookback == 20
    assert policies.sizing.per_trade_risk == 0.01


@pytest.mark.parametrize(
    ("model", "values"),
    [
        (CostPolicy, {"commission_bps": -0.1}),
        (CostPolicy, {"min_fee": math.nan}),
        (CostPolicy, {"slippage_bps": 10_000.0}),
        (CostPolicy, {"commission_bps": 10_000.0}),
        (RiskPolicy, {"max_leverage": 0.0}),
        (RiskPolicy, {"max_position_notional": 0.0}),
        (RiskPolicy, {"daily_loss_limit": 1.5}),
        (RiskPolicy, {"max_drawdown": 0.0}),
        (RiskPolicy, {"kill_switch_dd": math.inf}),
        (SizingPolicy, {"model": "kelly"}),
        (SizingPolicy, {"equity_fraction": 11.0}),
        (SizingPolicy, {"vol_lookback": 1}),
        (SizingPolicy, {"per_trade_risk": 0.0}),
        (SizingPolicy, {"unknown_knob": 1}),
    ],
)
def test_policy_when_value_out_of_range_or_unknown_then_validation_error(
    model: type[BaseModel], values: dict[str, object]
) -> None:
    with pytest.raises(ValidationError):
        model(**values)


def test_policy_when_assigned_after_creation_then_refused() -> None:
    policy = RiskPolicy()
    with pytest.raises(ValidationError):
        policy.max_leverage = 5.0


def test_policy_when_given_positionally_then_refused() -> None:
    with pytest.raises(TypeError):
        CostPolicy(2.0)  # type: ignore[call-arg]
