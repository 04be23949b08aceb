"""The strategy bundle: a pure declaration of what a strategy is and what it overrides.

A strategy file exports one ``StrategyBundle``: ``meta`` (who it is and what data it
needs), optional ``overrides`` of the default cost / risk / sizing policies (every field
optional, ``None`` keeps the default) and ``build``, a factory that receives the resolved
parameters and returns a :class:`~vibetrading_V2.strategy.base.Strategy`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from vibetrading_V2.core.errors import BundleValidationError

if TYPE_CHECKING:
    from vibetrading_V2.strategy.base import Strategy

__all__ = [
    "TIMEFRAMES",
    "CostOverride",
    "Param",
    "ParamValue",
    "Params",
    "PolicyOverrides",
    "RiskOverride",
    "SizingModel",
    "SizingOverride",
    "StrategyBundle",
    "StrategyMeta",
]

ParamValue = int | float | str | bool

TIMEFRAMES: tuple[str, ...] = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
SizingModel = Literal["fixed_quantity", "fixed_notional", "percent_equity", "volatility_target"]


@dataclass(frozen=True, slots=True)
class Param:
    """A tunable strategy parameter: its default and the range or choices it may take."""

    default: ParamValue
    low: float | None = None
    high: float | None = None
    choices: tuple[ParamValue, ...] | None = None
    doc: str = ""

    def check(self, name: str, value: ParamValue) -> None:
        """Raise ``BundleValidationError`` if ``value`` is outside this parameter's bounds."""
        if isinstance(self.default, bool) != isinstance(value, bool) or (
            isinstance(self.default, int | float) and not isinstance(value, int | float)
        ):
            raise BundleValidationError(
                f"parameter {name!r} must be of type {type(self.default).__name__}, "
                f"got {value!r}",
                field=f"meta.params.{name}",
                hint=f"use a {type(self.default).__name__} value",
            )
        if self.choices is not None and value not in self.choices:
            raise BundleValidationError(
                f"parameter {name!r} must be one of {list(self.choices)}, got {value!r}",
                field=f"meta.params.{name}",
                hint=f"pick one of {list(self.choices)}",
            )
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.low is not None and value < self.low:
                raise BundleValidationError(
                    f"parameter {name!r} = {value} is below its minimum {self.low}",
                    field=f"meta.params.{name}",
                    hint=f"use a value in [{self.low}, {self.high}]",
                )
            if self.high is not None and value > self.high:
                raise BundleValidationError(
                    f"parameter {name!r} = {value} is above its maximum {self.high}",
                    field=f"meta.params.{name}",
                    hint=f"use a value in [{self.low}, {self.high}]",
                )


class Params(Mapping[str, ParamValue]):
    """Resolved, read-only parameter values; an unknown name gets a "did you mean"."""

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, ParamValue]) -> None:
        self._values = dict(values)

    def __getitem__(self, name: str) -> ParamValue:
        try:
            return self._values[name]
        except KeyError:
            raise KeyError(_unknown_name_message("parameter", name, self._values)) from None

    def __getattr__(self, name: str) -> ParamValue:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(_unknown_name_message("parameter", name, self._values)) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    @classmethod
    def resolve(
        cls, declared: Mapping[str, Param], given: Mapping[str, ParamValue] | None = None
    ) -> Params:
        """Defaults of ``declared`` overlaid with ``given``; unknown or out-of-range fails."""
        values = {name: p.default for name, p in declared.items()}
        for name, value in (given or {}).items():
            if name not in declared:
                raise BundleValidationError(
                    _unknown_name_message("parameter", name, declared),
                    field=f"meta.params.{name}",
                    hint="declare it in meta.params or fix the name",
                )
            declared[name].check(name, value)
            values[name] = value
        return cls(values)


def _unknown_name_message(kind: str, name: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    suggestion = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {kind} {name!r}{suggestion} (known: {sorted(known)})"


@dataclass(frozen=True, slots=True)
class StrategyMeta:
    """Who the strategy is and what it needs: universe, timeframe, fields, session, params."""

    name: str
    universe: tuple[str, ...]
    timeframe: str
    required_fields: tuple[str, ...]
    strategy_type: str = "custom"
    version: str = "0.1.0"
    session: str | None = None
    params: Mapping[str, Param] = field(default_factory=dict)
    description: str = ""

    @property
    def strategy_id(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True, slots=True)
class CostOverride:
    """Partial override of the cost policy; ``None`` keeps the default."""

    commission_bps: float | None = None
    slippage_bps: float | None = None
    fixed_fee: float | None = None
    min_fee: float | None = None


@dataclass(frozen=True, slots=True)
class RiskOverride:
    """Partial override of the risk limits; ``None`` keeps the default."""

    min_notional: float | None = None
    max_position_notional: float | None = None
    max_leverage: float | None = None
    max_gross_exposure: float | None = None
    daily_loss_limit: float | None = None
    max_drawdown: float | None = None
    kill_switch_dd: float | None = None


@dataclass(frozen=True, slots=True)
class SizingOverride:
    """Partial override of the sizing policy; ``None`` keeps the default."""

    model: SizingModel | None = None
    fixed_quantity: float | None = None
    fixed_notional: float | None = None
    equity_fraction: float | None = None
    target_vol: float | None = None
    vol_lookback: int | None = None
    per_trade_risk: float | None = None


@dataclass(frozen=True, slots=True)
class PolicyOverrides:
    """The three optional override groups a strategy may declare."""

    cost: CostOverride | None = None
    risk: RiskOverride | None = None
    sizing: SizingOverride | None = None


@dataclass(frozen=True, slots=True)
class StrategyBundle:
    """The one thing a strategy file exports: meta, optional overrides and a factory."""

    meta: StrategyMeta
    build: Callable[[Params], Strategy]
    overrides: PolicyOverrides | None = None

    def create(self, params: Mapping[str, ParamValue] | None = None) -> Strategy:
        """Resolve ``params`` against ``meta.params`` and build a fresh strategy."""
        return self.build(Params.resolve(self.meta.params, params))
