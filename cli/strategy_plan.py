"""The strategies of a run, loaded and checked together before any adapter is built.

One run may trade several strategies on one account. Each keeps its own parameters and its
own sizing; what the account has once is shared, so it must be the same for all of them:

* one **timeframe** (one feed drives every strategy's bars);
* one **cost** policy (the one simulator charges every order) and one **risk** policy (one
  gate guards the account): strategies whose merged policies (config defaults plus their
  own overrides) differ there are refused, with the field and the fix named;
* distinct **strategy ids** (``name@version``): orders, fills and PnL are keyed by them.
  Two slots of one file carry labels (``--strategy eur=sma_cross``): ``sma_cross#eur@1.0.0``.

Parameters are set per slot, after the file is loaded: the configured values are converted
and checked against the declared ``Param``s (``universe`` and ``timeframe`` too, when the
meta makes them tunable), and a strategy with a tunable universe not given one trades
``data.symbols`` (``--symbols``) when set. The feed carries the union of the strategies'
universes (or ``data.symbols`` when set).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vibetrading_V2.core.errors import BundleValidationError, ConfigError, VibeTradingError
from vibetrading_V2.policies.config import PolicySet
from vibetrading_V2.policies.merge import merge_policies
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.bundle import Params, StrategyMeta
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import LoadedStrategy, load_bundle
from vibetrading_V2.strategy.validation import coerce_params

__all__ = [
    "PlannedStrategy",
    "StrategyChoice",
    "account_policies",
    "load_strategies",
    "plan_strategies",
    "shared_timeframe",
    "traded_symbols",
    "vol_lookback",
]


class StrategyChoice(Protocol):
    """A configured strategy: a name or path and its parameter values."""

    @property
    def name(self) -> str: ...

    @property
    def params(self) -> Mapping[str, object]: ...

    @property
    def label(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class PlannedStrategy:
    """One strategy ready for its slot: built, with its meta and its merged policies.

    Why it exists: the container builds a slot's pipeline from these three, and tests hand
    the container their own (a scripted strategy, a small meta) instead of a file.
    """

    strategy: Strategy
    meta: StrategyMeta
    policies: PolicySet

    @property
    def strategy_id(self) -> str:
        return self.meta.strategy_id

    @property
    def universe(self) -> tuple[str, ...]:
        return self.meta.symbols


def load_strategies(
    choices: Sequence[StrategyChoice], directory: Path, guard: RuntimeGuard
) -> list[LoadedStrategy]:
    """Load every chosen file (one file may be chosen twice, for two labelled slots)."""
    return [load_bundle(c.name, strategies_dir=directory, guard=guard) for c in choices]


def plan_strategies(
    loaded: Sequence[LoadedStrategy],
    choices: Sequence[StrategyChoice],
    defaults: PolicySet,
    guard: RuntimeGuard,
    symbols: Sequence[str] | None = None,
) -> list[PlannedStrategy]:
    """Build each strategy with its own parameters and merge its policy overrides; refuse
    two slots with one strategy id or with two timeframes.

    ``symbols`` (``data.symbols``): the universe of a strategy whose universe is tunable
    and not given among its parameters.
    """
    planned = []
    for item, choice in zip(loaded, choices, strict=True):
        bundle = item.bundle
        meta, params = _resolved(item, choice, symbols)
        policies = merge_policies(defaults, bundle.overrides, source=str(item.path))
        try:
            strategy = guard.run(bundle.build, params)
        except VibeTradingError as exc:  # e.g. fast >= slow after an override
            exc.path = exc.path or str(item.path)
            raise
        planned.append(PlannedStrategy(strategy, meta, policies))
    _distinct_ids(planned, loaded)
    shared_timeframe([p.meta for p in planned])
    return planned


def _resolved(
    item: LoadedStrategy, choice: StrategyChoice, symbols: Sequence[str] | None
) -> tuple[StrategyMeta, Params]:
    """The slot's meta and parameters: the choice's values converted, checked, applied."""
    meta = item.bundle.meta
    declared = meta.declared_params()
    given = dict(choice.params)
    if symbols and "universe" in declared and "universe" not in given:
        given["universe"] = tuple(symbols)
    values = coerce_params(declared, given, path=str(item.path))
    try:
        return meta.resolve(values, label=choice.label)
    except BundleValidationError as exc:  # coerce_params checked each value: a safety net
        raise ConfigError(exc.message, path=str(item.path), field=exc.field,
                          hint=exc.hint) from None


def _distinct_ids(planned: Sequence[PlannedStrategy], loaded: Sequence[LoadedStrategy]) -> None:
    seen: dict[str, int] = {}
    for k, plan in enumerate(planned):
        first = seen.setdefault(plan.strategy_id, k)
        if first != k:
            raise ConfigError(
                f"strategy id {plan.strategy_id} is given twice ({loaded[first].path} and "
                f"{loaded[k].path})",
                field="strategies",
                hint="orders, fills and PnL are keyed by name@version: list each strategy "
                "once, label two slots of one file (--strategy eur=NAME --strategy gbp=NAME, "
                "or label: in the strategies: list), or give the second file its own meta name",
            )


def shared_timeframe(metas: Sequence[StrategyMeta]) -> str:
    """The one timeframe of all strategies; a ``ConfigError`` naming two that differ."""
    first = metas[0]
    for meta in metas[1:]:
        if meta.bar_timeframe != first.bar_timeframe:
            raise ConfigError(
                f"strategies {first.strategy_id} ({first.bar_timeframe}) and "
                f"{meta.strategy_id} ({meta.bar_timeframe}) have different timeframes",
                field="strategies",
                hint="strategies on one account share one feed: run them in separate "
                "backtests, or give them the same meta timeframe (a tunable one: --param "
                "NAME.timeframe=...)",
            )
    return first.bar_timeframe


def account_policies(planned: Sequence[PlannedStrategy]) -> PolicySet:
    """The cost and risk policies of the account, which every strategy must agree on.

    The sizing of the result is the first strategy's (each slot sizes with its own).
    """
    first = planned[0]
    for other in planned[1:]:
        for group in ("cost", "risk"):
            mine, theirs = getattr(first.policies, group), getattr(other.policies, group)
            if mine != theirs:
                differ = sorted(k for k, v in mine.model_dump().items()
                                if getattr(theirs, k) != v)
                raise ConfigError(
                    f"strategies {first.strategy_id} and {other.strategy_id} ask for different "
                    f"{group} policies ({', '.join(differ)}): one account has one "
                    f"{'simulator' if group == 'cost' else 'risk gate'}",
                    field=f"policies.{group}.{differ[0]}",
                    hint=f"set policies.{group} in the config and drop the strategies' own "
                    f"{group} overrides, or make them equal",
                )
    return first.policies


def traded_symbols(configured: Sequence[str] | None, metas: Sequence[StrategyMeta]) -> list[str]:
    """``data.symbols`` when set, else the union of the universes in order of first mention."""
    if configured:
        return list(configured)
    return list(dict.fromkeys(s for meta in metas for s in meta.symbols))


def vol_lookback(planned: Sequence[PlannedStrategy]) -> int | None:
    """The volatility look-back the engine computes, if any strategy sizes by volatility."""
    lookbacks = {p.policies.sizing.vol_lookback for p in planned
                 if p.policies.sizing.model == "volatility_target"}
    if len(lookbacks) > 1:
        raise ConfigError(
            f"volatility-targeting strategies use different vol_lookback values "
            f"{sorted(lookbacks)}",
            field="policies.sizing.vol_lookback",
            hint="give them one vol_lookback (the engine keeps one volatility per symbol)",
        )
    return lookbacks.pop() if lookbacks else None
