"""The override merge: its laws (hypothesis) and its errors."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import BundleValidationError
from vibetrading_V2.policies.config import CostPolicy, PolicySet, RiskPolicy, SizingPolicy
from vibetrading_V2.policies.merge import merge_policies
from vibetrading_V2.strategy.bundle import (
    CostOverride,
    PolicyOverrides,
    RiskOverride,
    SizingOverride,
)

_non_negative = st.floats(min_value=0.0, max_value=1e6)
_positive = st.floats(min_value=1e-6, max_value=1e6)
_fraction = st.floats(min_value=0.0, max_value=1.0, exclude_min=True)
_model = st.sampled_from(
    ["fixed_quantity", "fixed_notional", "percent_equity", "volatility_target"]
)

_bps = st.floats(min_value=0.0, max_value=10_000.0, exclude_max=True)
_COST = {"commission_bps": _bps, "slippage_bps": _bps, "fixed_fee": _non_negative}
_COST["min_fee"] = _non_negative
_RISK = {
    "min_notional": _non_negative,
    "max_position_notional": _positive,
    "max_leverage": _positive,
    "max_gross_exposure": _positive,
    "daily_loss_limit": _fraction,
    "max_drawdown": _fraction,
    "kill_switch_dd": _fraction,
}
_SIZING = {
    "model": _model,
    "fixed_quantity": _positive,
    "fixed_notional": _positive,
    "equity_fraction": st.floats(min_value=0.0, max_value=10.0, exclude_min=True),
    "target_vol": _positive,
    "vol_lookback": st.integers(min_value=2, max_value=500),
    "per_trade_risk": _fraction,
}
GROUPS: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "cost": _COST,
    "risk": _RISK,
    "sizing": _SIZING,
}
_OPTIONAL_RISK = {"max_position_notional", "max_gross_exposure", "daily_loss_limit"}
_OPTIONAL_RISK |= {"max_drawdown", "kill_switch_dd"}


def _maybe(values: dict[str, st.SearchStrategy[Any]]) -> dict[str, st.SearchStrategy[Any]]:
    return {name: st.none() | s for name, s in values.items()}


cost_overrides = st.none() | st.builds(CostOverride, **_maybe(_COST))
risk_overrides = st.none() | st.builds(RiskOverride, **_maybe(_RISK))
sizing_overrides = st.none() | st.builds(SizingOverride, **_maybe(_SIZING))
overrides = st.builds(
    PolicyOverrides, cost=cost_overrides, risk=risk_overrides, sizing=sizing_overrides
)
defaults = st.builds(
    PolicySet,
    cost=st.builds(CostPolicy, **_COST),
    risk=st.builds(
        RiskPolicy, **{n: st.none() | s if n in _OPTIONAL_RISK else s for n, s in _RISK.items()}
    ),
    sizing=st.builds(SizingPolicy, **_SIZING),
)

FAST = settings(max_examples=60, deadline=None, database=None)


def _set_fields(override: object | None) -> dict[str, Any]:
    if override is None:
        return {}
    return {
        f.name: getattr(override, f.name)
        for f in dataclasses.fields(override)  # type: ignore[arg-type]
        if getattr(override, f.name) is not None
    }


@FAST
@given(defaults)
def test_merge_when_overrides_none_or_all_none_then_equal_to_defaults(base: PolicySet) -> None:
    assert merge_policies(base, None) == base
    assert merge_policies(base, PolicyOverrides()) == base
    empty = PolicyOverrides(cost=CostOverride(), risk=RiskOverride(), sizing=SizingOverride())
    assert merge_policies(base, empty) == base


@FAST
@given(defaults, overrides)
def test_merge_when_applied_twice_then_same_as_once(base: PolicySet, ov: PolicyOverrides) -> None:
    once = merge_policies(base, ov)
    assert merge_policies(once, ov) == once


@FAST
@given(defaults, overrides)
def test_merge_when_field_set_then_replaced_else_default_kept(
    base: PolicySet, ov: PolicyOverrides
) -> None:
    merged = merge_policies(base, ov)
    for group in GROUPS:
        given_fields = _set_fields(getattr(ov, group))
        for name in GROUPS[group]:
            got = getattr(getattr(merged, group), name)
            want = given_fields.get(name, getattr(getattr(base, group), name))
            assert got == want, f"{group}.{name}"


@FAST
@given(defaults, overrides, overrides)
def test_merge_when_chained_then_last_writer_wins_field_by_field(
    base: PolicySet, first: PolicyOverrides, second: PolicyOverrides
) -> None:
    chained = merge_policies(merge_policies(base, first), second)
    for group in GROUPS:
        one, two = _set_fields(getattr(first, group)), _set_fields(getattr(second, group))
        for name in GROUPS[group]:
            want = two.get(name, one.get(name, getattr(getattr(base, group), name)))
            assert getattr(getattr(chained, group), name) == want, f"{group}.{name}"


@FAST
@given(defaults, overrides)
def test_merge_when_done_then_inputs_unchanged(base: PolicySet, ov: PolicyOverrides) -> None:
    base_before = base.model_dump()
    ov_before = dataclasses.asdict(ov)
    merge_policies(base, ov)
    assert base.model_dump() == base_before
    assert dataclasses.asdict(ov) == ov_before


@FAST
@given(defaults, overrides)
def test_merge_when_other_groups_change_then_each_group_result_is_unaffected(
    base: PolicySet, ov: PolicyOverrides
) -> None:
    merged = merge_policies(base, ov)
    assert merge_policies(base, PolicyOverrides(cost=ov.cost)).cost == merged.cost
    assert merge_policies(base, PolicyOverrides(risk=ov.risk)).risk == merged.risk
    assert merge_policies(base, PolicyOverrides(sizing=ov.sizing)).sizing == merged.sizing


def test_merge_when_nothing_changes_then_returns_the_default_objects() -> None:
    base = PolicySet()
    merged = merge_policies(base, PolicyOverrides(risk=RiskOverride()))
    assert merged is base


@pytest.mark.parametrize(
    ("ov", "field", "allowed"),
    [
        (
            PolicyOverrides(risk=RiskOverride(max_leverage=-2.0)),
            "overrides.risk.max_leverage",
            "> 0",
        ),
        (
            PolicyOverrides(risk=RiskOverride(daily_loss_limit=1.5)),
            "overrides.risk.daily_loss_limit",
            "in (0, 1]",
        ),
        (PolicyOverrides(cost=CostOverride(min_fee=-1.0)), "overrides.cost.min_fee", ">= 0"),
        (
            PolicyOverrides(sizing=SizingOverride(vol_lookback=1)),
            "overrides.sizing.vol_lookback",
            "an integer >= 2",
        ),
        (
            PolicyOverrides(sizing=SizingOverride(model="kelly")),  # type: ignore[arg-type]
            "overrides.sizing.model",
            "one of 'fixed_quantity'",
        ),
        (
            PolicyOverrides(sizing=SizingOverride(equity_fraction=float("nan"))),
            "overrides.sizing.equity_fraction",
            "in (0, 10]",
        ),
        (
            PolicyOverrides(cost=CostOverride(commission_bps="2")),  # type: ignore[arg-type]
            "overrides.cost.commission_bps",
            "in [0, 10000)",
        ),
        (
            PolicyOverrides(risk=RiskOverride(max_leverage=True)),
            "overrides.risk.max_leverage",
            "> 0",
        ),
    ],
)
def test_merge_when_value_violates_constraint_then_error_names_field_and_range(
    ov: PolicyOverrides, field: str, allowed: str
) -> None:
    with pytest.raises(BundleValidationError) as info:
        merge_policies(PolicySet(), ov, source="strategies/my_strategy_a.py")
    err = info.value
    assert err.field == field
    assert err.path == "strategies/my_strategy_a.py"
    assert err.hint is not None and allowed in err.hint
    assert field in str(err)


def test_merge_when_several_fields_invalid_then_all_are_named() -> None:
    ov = PolicyOverrides(risk=RiskOverride(max_leverage=0.0, kill_switch_dd=2.0))
    with pytest.raises(BundleValidationError) as info:
        merge_policies(PolicySet(), ov)
    assert info.value.field == "overrides.risk.max_leverage, overrides.risk.kill_switch_dd"


def test_merge_when_group_has_wrong_type_then_bundle_validation_error() -> None:
    ov = PolicyOverrides(risk=CostOverride(commission_bps=1.0))  # type: ignore[arg-type]
    with pytest.raises(BundleValidationError) as info:
        merge_policies(PolicySet(), ov)
    assert info.value.field == "overrides.risk"


def test_merge_when_overrides_is_not_policy_overrides_then_bundle_validation_error() -> None:
    with pytest.raises(BundleValidationError) as info:
        merge_policies(PolicySet(), {"risk": {}})  # type: ignore[arg-type]
    assert info.value.field == "overrides"
