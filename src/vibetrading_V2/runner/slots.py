"""A strategy's place on the account: the parts of a run that belong to one strategy."""

from __future__ import annotations

from dataclasses import dataclass

from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.bundle import StrategyMeta

__all__ = ["StrategySlot"]


@dataclass(frozen=True, slots=True)
class StrategySlot:
    """One strategy with its meta and its own order pipeline.

    Why it exists: several strategies trade one account; each keeps its own pipeline (and,
    inside the engine, its own breaker, histories and last outputs) while all share the
    one risk gate, ledger and execution the engine is given.
    """

    strategy: Strategy
    meta: StrategyMeta
    pipeline: OrderPipeline

    @property
    def strategy_id(self) -> str:
        return self.meta.strategy_id
