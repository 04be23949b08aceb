"""The pure partial merge of a strategy's overrides onto the default policies.

Rules: an override group that is ``None`` keeps the default group; a field that is ``None``
keeps that default field; a set field replaces it. Consequently an override can tighten or
loosen a limit but cannot switch an optional limit off (``None`` means "keep"). The merged
group is validated strictly (no strings for numbers, no bools, no NaN) against the policy
model, and a violation raises ``BundleValidationError`` naming ``overrides.<group>.<field>``
and the allowed range. Inputs are never mutated; with nothing to change the default
objects themselves are returned.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from vibetrading_V2.core.errors import BundleValidationError
from vibetrading_V2.policies.config import PolicySet
from vibetrading_V2.strategy.bundle import (
    CostOverride,
    PolicyOverrides,
    RiskOverride,
    SizingOverride,
)

__all__ = ["allowed_range", "merge_policies"]

_M = TypeVar("_M", bound=BaseModel)

_Override = CostOverride | RiskOverride | SizingOverride


def merge_policies(
    defaults: PolicySet, overrides: PolicyOverrides | None, *, source: str | None = None
) -> PolicySet:
    """Return ``defaults`` with ``overrides`` applied field by field.

    ``source`` (the strategy file, when known) is carried into the error's ``path``.
    """
    if overrides is None:
        return defaults
    if not isinstance(overrides, PolicyOverrides):
        raise BundleValidationError(
            f"overrides must be a PolicyOverrides, got {type(overrides).__name__}",
            path=source,
            field="overrides",
            hint="use PolicyOverrides(cost=CostOverride(...), risk=..., sizing=...)",
        )
    cost = _merge_group("cost", defaults.cost, overrides.cost, CostOverride, source)
    risk = _merge_group("risk", defaults.risk, overrides.risk, RiskOverride, source)
    sizing = _merge_group("sizing", defaults.sizing, overrides.sizing, SizingOverride, source)
    if cost is defaults.cost and risk is defaults.risk and sizing is defaults.sizing:
        return defaults
    return PolicySet(cost=cost, risk=risk, sizing=sizing)


def _merge_group(
    group: str,
    default: _M,
    override: _Override | None,
    expected: type[_Override],
    source: str | None,
) -> _M:
    if override is None:
        return default
    if not isinstance(override, expected):
        raise BundleValidationError(
            f"overrides.{group} must be a {expected.__name__}, got {type(override).__name__}",
            path=source,
            field=f"overrides.{group}",
            hint=f"use {expected.__name__}(...) from vibetrading_V2.strategy.bundle",
        )
    updates = {
        f.name: getattr(override, f.name)
        for f in fields(override)
        if getattr(override, f.name) is not None
    }
    if not updates:
        return default
    data: dict[str, Any] = default.model_dump()
    data.update(updates)
    model = type(default)
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise _override_error(group, model, exc, source) from None


def _override_error(
    group: str, model: type[BaseModel], exc: ValidationError, source: str | None
) -> BundleValidationError:
    problems: list[str] = []
    names: list[str] = []
    hints: list[str] = []
    for err in exc.errors():
        name = str(err["loc"][0]) if err["loc"] else "?"
        dotted = f"overrides.{group}.{name}"
        if dotted in names:
            continue
        names.append(dotted)
        problems.append(f"{dotted} = {err.get('input')!r}: {err['msg']}")
        hints.append(f"{dotted} must be {allowed_range(model, name)}")
    return BundleValidationError(
        "invalid policy override: " + "; ".join(problems),
        path=source,
        field=", ".join(names),
        hint="; ".join(hints) + " (or None to keep the default)",
    )


def allowed_range(model: type[BaseModel], name: str) -> str:
    """Describe in words the non-``None`` values ``model.name`` accepts, from its schema."""
    prop = model.model_json_schema().get("properties", {}).get(name)
    if prop is None:
        return f"one of the fields {sorted(model.model_fields)}"
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    return " or ".join(_describe(p) for p in options)


def _describe(prop: dict[str, Any]) -> str:
    if "enum" in prop:
        return "one of " + ", ".join(repr(v) for v in prop["enum"])
    kind = "an integer" if prop.get("type") == "integer" else "a finite number"
    low = _bound(prop, "minimum", "[", "exclusiveMinimum", "(")
    high = _bound(prop, "maximum", "]", "exclusiveMaximum", ")")
    if low and high:
        return f"{kind} in {low[1]}{low[0]}, {high[0]}{high[1]}"
    if low:
        return f"{kind} {'>=' if low[1] == '[' else '>'} {low[0]}"
    if high:
        return f"{kind} {'<=' if high[1] == ']' else '<'} {high[0]}"
    return kind


def _bound(
    prop: dict[str, Any], inclusive: str, inc_mark: str, exclusive: str, exc_mark: str
) -> tuple[str, str] | None:
    if inclusive in prop:
        return f"{prop[inclusive]:g}", inc_mark
    if exclusive in prop:
        return f"{prop[exclusive]:g}", exc_mark
    return None
