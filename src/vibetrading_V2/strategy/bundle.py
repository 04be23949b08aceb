"""The strategy bundle: a pure declaration of what a strategy is and what it overrides.

A strategy file exports one ``StrategyBundle``: ``meta`` (who it is and what data it
needs), optional ``overrides`` of the default cost / risk / sizing policies (every field
optional, ``None`` keeps the default) and ``build``, a factory that receives the resolved
parameters and returns a :class:`~vibetrading_V2.strategy.base.Strategy`.

One file per idea, not per market: ``meta.universe`` and ``meta.timeframe`` may each be a
``Param`` instead of a value, e.g. ``universe=Param(("EURUSD",))``. They are then parameters
named ``universe`` and ``timeframe``, set per run like any other (``--param``, ``--symbols``,
config), checked after the override, and read by the strategy as ``params.universe`` /
``params.timeframe``. :meth:`StrategyMeta.resolve` gives the concrete meta of one run.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from vibetrading_V2.core.errors import BundleValidationError

if TYPE_CHECKING:
    from vibetrading_V2.strategy.base import Strategy

__all__ = [
    "META_PARAMS",
    "TIMEFRAMES",
    "CostOverride",
    "Param",
    "ParamInput",
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
ParamInput = ParamValue | tuple[str, ...]  # a tuple of names: a tunable universe's symbols
META_PARAMS: tuple[str, ...] = ("universe", "timeframe")  # meta fields that may be a Param

TIMEFRAMES: tuple[str, ...] = ("1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w", "1M")
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$"
)
SizingModel = Literal["fixed_quantity", "fixed_notional", "percent_equity", "volatility_target"]


@dataclass(frozen=True, slots=True)
class Param:
    """A tunable strategy parameter: its default and the range or choices it may take."""

    default: ParamInput
    low: float | None = None
    high: float | None = None
    choices: tuple[ParamValue, ...] | None = None
    doc: str = ""

    def check(self, name: str, value: ParamInput) -> None:
        """Raise ``BundleValidationError`` if ``value`` is outside this parameter's bounds."""
        if isinstance(self.default, tuple) or isinstance(value, tuple):
            self._check_names(name, value)
            return
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

    def _check_names(self, name: str, value: ParamInput) -> None:
        """A tuple parameter (symbols): non-empty distinct names, each among the choices."""
        field = f"meta.params.{name}"
        names = value if isinstance(value, tuple) else ()
        if not isinstance(self.default, tuple) or not names or not all(
            isinstance(item, str) and item.strip() for item in names
        ):
            kind = "a tuple of names" if isinstance(self.default, tuple) else \
                type(self.default).__name__
            raise BundleValidationError(
                f"parameter {name!r} must be {kind}, got {value!r}",
                field=field,
                hint="give names, e.g. EURUSD,GBPUSD" if isinstance(self.default, tuple)
                else f"use a {kind} value",
            )
        repeated = sorted({item for item in names if names.count(item) > 1})
        if repeated:
            raise BundleValidationError(f"parameter {name!r} lists {repeated} more than once",
                                        field=field, hint="name each symbol once")
        outside = [item for item in names if self.choices is not None
                   and item not in self.choices]
        if outside:
            raise BundleValidationError(
                f"parameter {name!r} holds {outside}, not among {list(self.choices or ())}",
                field=field,
                hint=f"pick from {list(self.choices or ())}",
            )


class Params(Mapping[str, ParamValue]):
    """Resolved, read-only parameter values; an unknown name gets a "did you mean".

    ``universe`` and ``timeframe`` are the run's (a tunable meta field's value, or the
    meta's own): a strategy trades ``params.universe`` instead of a symbol written in.
    """

    __slots__ = ("_values", "timeframe", "universe")

    def __init__(
        self,
        values: Mapping[str, ParamValue],
        *,
        universe: tuple[str, ...] = (),
        timeframe: str = "",
    ) -> None:
        self._values = dict(values)
        self.universe = universe
        self.timeframe = timeframe

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
        values = _checked_values(declared, given or {})
        return cls({k: v for k, v in values.items() if not isinstance(v, tuple)})


def _checked_values(
    declared: Mapping[str, Param], given: Mapping[str, ParamInput]
) -> dict[str, ParamInput]:
    """Defaults of ``declared`` overlaid with ``given``; unknown or out-of-range fails."""
    values = {name: p.default for name, p in declared.items()}
    for name, value in given.items():
        if name not in declared:
            hint = "declare it in meta.params or fix the name"
            if name in META_PARAMS:
                hint = f"meta.{name} is fixed: write {name}=Param(...) in the meta to tune it"
            raise BundleValidationError(
                _unknown_name_message("parameter", name, declared),
                field=f"meta.params.{name}",
                hint=hint,
            )
        declared[name].check(name, value)
        values[name] = value
    return values


def _unknown_name_message(kind: str, name: str, known: Mapping[str, object]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    suggestion = f"; did you mean {close[0]!r}?" if close else ""
    return f"unknown {kind} {name!r}{suggestion} (known: {sorted(known)})"


@dataclass(frozen=True, slots=True)
class StrategyMeta:
    """Who the strategy is and what it needs: universe, timeframe, fields, session, params."""

    name: str
    universe: tuple[str, ...] | Param  # a Param: the symbols are a parameter, "universe"
    timeframe: str | Param  # a Param: the bar timeframe is a parameter, "timeframe"
    required_fields: tuple[str, ...]
    strategy_type: str = "custom"
    version: str = "0.1.0"
    session: str | None = None
    params: Mapping[str, Param] = field(default_factory=dict)
    description: str = ""

    @property
    def strategy_id(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def symbols(self) -> tuple[str, ...]:
        """The universe's symbols (a tunable universe's default until resolved)."""
        universe = self.universe.default if isinstance(self.universe, Param) else self.universe
        return tuple(universe) if isinstance(universe, tuple | list) else ()

    @property
    def bar_timeframe(self) -> str:
        """The timeframe (a tunable timeframe's default until resolved)."""
        timeframe = self.timeframe.default if isinstance(self.timeframe, Param) else \
            self.timeframe
        return str(timeframe)

    def declared_params(self) -> dict[str, Param]:
        """Every parameter: the tunable meta fields (universe, timeframe), then ``params``."""
        tunable = {name: getattr(self, name) for name in META_PARAMS}
        return {**{k: v for k, v in tunable.items() if isinstance(v, Param)}, **self.params}

    def resolve(
        self, given: Mapping[str, ParamInput] | None = None, *, label: str | None = None
    ) -> tuple[StrategyMeta, Params]:
        """The meta of one run (tunable fields set, named ``name#label`` when labelled) and
        the parameters its strategy is built with; an unknown or bad value fails."""
        values = _checked_values(self.declared_params(), given or {})
        universe = values.pop("universe", self.symbols)
        timeframe = values.pop("timeframe", self.bar_timeframe)
        if not isinstance(universe, tuple) or not isinstance(timeframe, str):
            raise BundleValidationError(  # unreachable once each Param checked its type
                f"universe {universe!r} / timeframe {timeframe!r} have the wrong types",
                field="meta.universe", hint="universe=Param((...)), timeframe=Param(\"1h\")")
        if timeframe not in TIMEFRAMES:
            raise BundleValidationError(
                f"timeframe {timeframe!r} is not a timeframe", field="meta.params.timeframe",
                hint=f"use one of {', '.join(TIMEFRAMES)}")
        name = f"{self.name}#{label}" if label else self.name
        meta = dataclasses.replace(self, name=name, universe=universe, timeframe=timeframe)
        scalars = {k: v for k, v in values.items() if not isinstance(v, tuple)}
        return meta, Params(scalars, universe=universe, timeframe=timeframe)


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

    def create(self, params: Mapping[str, ParamInput] | None = None) -> Strategy:
        """Resolve ``params`` against the meta's parameters and build a fresh strategy."""
        return self.build(self.meta.resolve(params)[1])
