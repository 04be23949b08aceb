"""The strategies of a run, loaded and checked together before any adapter is built.

One run may trade several strategies on one account. Each keeps its own parameters and its
own sizing; what the account has once is shared, so it must be the same for all of them:

* one **timeframe** (one feed drives every strategy's bars);
* one **cost** policy (the one simulator charges every order) and one **risk** policy (one
  gate guards the account): strategies whose merged policies (config defaults plus their
  own overrides) differ there are refused, with the field and the fix named;
* distinct **strategy ids** (``name@version``): orders, fills and PnL are keyed by them.

The feed carries the union of the strategies' universes (or ``data.symbols`` when set).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.policies.config import PolicySet
from vibetrading_V2.policies.merge import merge_policies
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.bundle import StrategyMeta
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


def load_strategies(
    choices: Sequence[StrategyChoice], directory: Path, guard: RuntimeGuard
) -> list[LoadedStrategy]:
    """Load every chosen file; refuse two with one strategy id or with two timeframes."""
    loaded = [load_bundle(c.name, strategies_dir=directory, guard=guard) for c in choices]
    seen: dict[str, LoadedStrategy] = {}
    for item in loaded:
        first = seen.setdefault(item.strategy_id, item)
        if first is not item:
            raise ConfigError(
                f"strategy id {item.strategy_id} is given twice ({first.path} and {item.path})",
                field="strategies",
                hint="orders, fills and PnL are keyed by name@version: list each strategy "
                "once, or give the second file its own meta name",
            )
    shared_timeframe([x.bundle.meta for x in loaded])
    return loaded


def plan_strategies(
    loaded: Sequence[LoadedStrategy],
    choices: Sequence[StrategyChoice],
    defaults: PolicySet,
    guard: RuntimeGuard,
) -> list[PlannedStrategy]:
    """Build each strategy with its own parameters and merge its policy overrides."""
    planned = []
    for item, choice in zip(loaded, choices, strict=True):
        bundle = item.bundle
        values = coerce_params(bundle.meta.params, choice.params)
        policies = merge_policies(defaults, bundle.overrides, source=str(item.path))
        planned.append(PlannedStrategy(guard.run(bundle.create, values), bundle.meta, policies))
    return planned


def shared_timeframe(metas: Sequence[StrategyMeta]) -> str:
    """The one timeframe of all strategies; a ``ConfigError`` naming two that differ."""
    first = metas[0]
    for meta in metas[1:]:
        if meta.timeframe != first.timeframe:
            raise ConfigError(
                f"strategies {first.strategy_id} ({first.timeframe}) and {meta.strategy_id} "
                f"({meta.timeframe}) have different timeframes",
                field="strategies",
                hint="strategies on one account share one feed: run them in separate "
                "backtests, or give them the same meta timeframe",
            )
    return first.timeframe


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
    return list(dict.fromkeys(s for meta in metas for s in meta.universe))


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
