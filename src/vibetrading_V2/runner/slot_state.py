"""What the engine keeps per strategy during a run: the slot's live parts.

Compiled with the loop (``native_modules.txt``): the fast driver reads these fields per row.
"""

from __future__ import annotations

from collections.abc import Callable

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.histories import SymbolHistories
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.routing import IntentRouter
from vibetrading_V2.runner.safety import StrategyBreaker
from vibetrading_V2.strategy.base import Strategy

__all__ = ["SlotState"]


class SlotState:
    """One strategy's breaker, histories, cursors, router and last outputs in a run.

    Why it exists: strategies sharing an account must not share their feature histories,
    error budgets or "last intent" memory; each slot keeps its own, by symbol code.
    """

    def __init__(
        self,
        *,
        strategy: Strategy,
        pipeline: OrderPipeline,
        breaker: StrategyBreaker,
        router: IntentRouter,
        histories: SymbolHistories,
    ) -> None:
        self.strategy = strategy
        self.strategy_id = pipeline.strategy_id
        self.pipeline = pipeline
        self.breaker = breaker
        self.router = router
        self.histories = histories
        self.warmup: int = strategy.warmup_bars
        # bound once: looking the method up on every bar would make a new bound method
        self.on_bar: Callable[[BarCursor], object] = strategy.on_bar
        self.cursors: list[BarCursor] = []  # by symbol code
        self.last_out: list[object] = []  # the last output acted on, by symbol code
        router.last_out = self.last_out  # a stop-out forgets the output that opened it
        self.skipped: set[int] = set()  # codes whose features failed on the current batch

    @property
    def disabled(self) -> bool:
        return self.breaker.disabled

    def extend(self, batch: BarBatch) -> list[int]:
        """Append the batch to this slot's histories (features computed); its symbol codes."""
        histories = self.histories
        codes = histories.codes_of(batch)
        self.skipped = histories.extend(batch, codes, self.breaker.failed,
                                        compute=not self.breaker.disabled)
        for symbol in histories.symbols[len(self.cursors):]:
            self.cursors.append(histories.cursors[symbol])
            self.last_out.append(None)
        return codes

    def close(self) -> None:
        """Drop the histories (not needed past the loop)."""
        self.histories.clear()
        self.cursors = []
