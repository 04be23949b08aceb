"""The engine: bars from a ``MarketFeed`` through the strategies and the order pipeline.

Per batch of bars the engine (1) appends each symbol's rows to every slot's history and
computes that slot's strategy's vectorised ``features`` once over the new rows (the whole
history in a backtest, a rolling window in live), then (2) walks the rows in time order
through the named stages of ``runner.stages``: timers -> match resting orders -> mark the
account -> NAV check -> each strategy's ``on_bar`` -> pipeline -> book what the execution
reported. A backtest (a simulated clock) walks each batch with the fast driver
(``backtest_driver``); otherwise every row is a ``BarEvent`` for the generic step
(``event_loop``). Of a walked batch the engine keeps only what the results need
(``timeline_recorder``: the equity curve per time, valued batch by batch from the fills,
each time once, each symbol's candles for the report), so a streamed run or a long paper
run does not hold its bars.

The clock is the run's: a simulated one stands at the time of the bar being acted on (and
the timers fire in bar time); any other (the wall clock of paper and live) runs on its own.

The module is compiled (``native_modules.txt``).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import (
    AlertSink,
    BarBatch,
    Clock,
    Execution,
    Logger,
    MarketFeed,
    MetricsSink,
    StateStore,
)
from vibetrading_V2.core.types import NS_PER_SECOND, Fill
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.run_equity import EquityTracker
from vibetrading_V2.runner.backtest_driver import RowPlan, walk_batch
from vibetrading_V2.runner.bankroll import Bankroll
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.collector import paused_collector, quiet_collector
from vibetrading_V2.runner.event_loop import EventStep
from vibetrading_V2.runner.events import BarEvent, EngineEvent, TimerEvent
from vibetrading_V2.runner.histories import SymbolHistories
from vibetrading_V2.runner.operator_controls import OperatorControls
from vibetrading_V2.runner.protective_stops import ProtectiveStops
from vibetrading_V2.runner.rebuild import LocalState, rebuild_local_state
from vibetrading_V2.runner.reconcile_runtime import (
    RECONCILE,
    ReconcileRuntime,
    attach_reconciliation,
)
from vibetrading_V2.runner.routing import IntentRouter
from vibetrading_V2.runner.run_record import EngineRun
from vibetrading_V2.runner.run_totals import run_totals
from vibetrading_V2.runner.safety import ACCOUNT_ID, RiskStateKeeper, StrategyBreaker
from vibetrading_V2.runner.session_bars import SessionBars
from vibetrading_V2.runner.slot_state import SlotState
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.runner.stages import HEARTBEAT, Stages, TimerHandler
from vibetrading_V2.runner.timeline_recorder import TimelineRecorder
from vibetrading_V2.runner.timers import TimerSchedule
from vibetrading_V2.strategy.guard import RuntimeGuard

__all__ = ["EngineConfig", "EngineRun", "TradingEngine"]

_FREEZE_ROWS: Final = 10_000
_MINUTE_NS: Final = 60 * NS_PER_SECOND
_DAY_NS: Final = 24 * 60 * _MINUTE_NS
END_OF_DAY: Final = "end_of_day"


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Knobs of the loop itself (policies live in ``PolicySet``).

    ``timers``: (name, period in ns) of each timer on the run's clock, firing at the
    multiples of the period (so ``end_of_day`` fires at each UTC midnight);
    ``bar_time_timers``: those that also run in a backtest, in bar time (the heartbeat,
    a sign of life of a running process, does not: hourly over minute bars it would cost
    more than the bars).
    ``fast_backtest``: a backtest walks its batches with the fast driver (``False``: every
    row through the generic event step, as paper and live do; same orders and fills).
    ``reconcile_every_ns``: reconcile with the venue at start, on ``reconcile()`` (a
    reconnect) and on a timer of this period (``runner.reconcile_runtime``; 0: never, the
    default, as a backtest's simulator is its own venue; a backtest that sets it walks the
    event step: ``fast_backtest=False``); ``reconcile_grace_ns``: how long an order the venue
    does not know stays in flight.
    """

    error_budget: int = 10
    feature_window: int = 2_000
    vol_lookback: int | None = None
    periods_per_year: float = 8760.0
    account_id: str = ACCOUNT_ID  # the key of the account's risk state in the store
    timers: tuple[tuple[str, int], ...] = ((HEARTBEAT, _MINUTE_NS), (END_OF_DAY, _DAY_NS))
    bar_time_timers: tuple[str, ...] = (END_OF_DAY,)
    fast_backtest: bool = True
    reconcile_every_ns: int = 0
    reconcile_grace_ns: int = 60 * NS_PER_SECOND


class TradingEngine:
    """Runs strategies on one account over a feed; the same loop serves backtest, paper, live.

    Why it exists: one loop and one pipeline for every environment, so a strategy that
    passed a backtest meets the very same code paths with real money.
    """

    def __init__(
        self,
        *,
        slots: Sequence[StrategySlot],
        execution: Execution,
        ledger: Ledger,
        risk: RiskEngine,
        store: StateStore,
        logger: Logger,
        metrics: MetricsSink,
        alerts: AlertSink,
        guard: RuntimeGuard,
        clock: Clock | None = None,
        config: EngineConfig | None = None,
    ) -> None:
        _check_slots(slots)
        self.slots = tuple(slots)
        self._config = config = config or EngineConfig()
        self._logger = logger
        self._initial_cash = ledger.initial_cash
        self._clock: Clock = clock if clock is not None else SimulatedClock()
        self._risk_state = RiskStateKeeper(
            account_id=config.account_id, risk=risk, execution=execution, store=store,
            logger=logger, alerts=alerts,
        )
        states = [_slot_state(slot, config, store, ledger, guard, logger, metrics, alerts)
                  for slot in slots]
        simulated = isinstance(self._clock, SimulatedClock)
        timers = _timers(config, simulated)
        stops = ProtectiveStops(risk=risk, execution=execution, ledger=ledger, store=store,
                                clock=self._clock, logger=logger, alerts=alerts)
        self._stages = Stages(
            slots=states, execution=execution, ledger=ledger, risk=risk,
            risk_state=self._risk_state, guard=guard, clock=self._clock, timers=timers,
            logger=logger, stops=stops,
        )
        self._controls = OperatorControls(store=store, stages=self._stages,
                                          account_id=config.account_id, logger=logger,
                                          alerts=alerts)
        self._reconcile = attach_reconciliation(
            self._stages, store, logger, config.reconcile_every_ns, config.reconcile_grace_ns,
            fast=config.fast_backtest and simulated, row=self._event_row, alerts=alerts)
        self._step = EventStep(self._stages, self._controls.poll)
        self._fast = config.fast_backtest and simulated
        self._store = store
        self._local: LocalState | None = None  # what ``rebuild`` took back from the store
        self._session_bars: SessionBars | None = None  # a run's resumed session's bars
        self._bankroll: Bankroll | None = None  # paper: top-ups at the floor

    def attach_bankroll(self, bankroll: Bankroll) -> None:
        """Paper: top the account up at a bar's NAV check when equity reaches the floor
        (the event step only: a backtest's fast driver never does)."""
        self._bankroll = self._step.bankroll = bankroll
        self._step.floor = bankroll.floor
        bankroll.listen(self._risk_state)  # a deposit shifts the risk gate's levels

    @property
    def strategy_ids(self) -> tuple[str, ...]:
        return tuple(slot.strategy_id for slot in self.slots)

    @property
    def local_state(self) -> LocalState:
        """What the run knows locally after its rebuild (orders, fills, positions)."""
        return self.rebuild()

    def rebuild(self) -> LocalState:
        """Paper and live: take back the ledger, the simulated venue and the disabled
        strategies from the store (``runner.rebuild``), once; a backtest starts afresh."""
        local = self._local
        if local is None:
            stages = self._stages
            local = LocalState()
            if stages.sim_clock is None:
                breakers = [(slot.strategy_id, slot.breaker) for slot in stages.slots]
                local = rebuild_local_state(self._store, stages.ledger, stages.execution,
                                            breakers, self._logger)
                if self._bankroll is not None:
                    self._bankroll.restore()
                stages.account.refresh()  # the rebuilt cash and quantities
                stages.watching = stages.execution.observes_bars  # restored orders work
            self._local = local
        return local

    def warm_up(self, batch: BarBatch) -> None:
        """Bars a resumed session traded already: into every strategy's history (features
        computed, cursors moved on, the intent last acted on remembered) without a callback,
        an order or a timeline row, so the strategies go on as if they had never stopped."""
        if len(batch) == 0:
            return
        codes = self._extend(batch)
        counts = np.bincount(np.asarray(batch.symbol_index), minlength=len(codes)).tolist()
        last = self.rebuild().last_intents
        for slot in self._stages.slots:
            for local, n in enumerate(counts):
                if n:
                    code = codes[local]
                    cursor = slot.cursors[code]
                    cursor.index = cursor.index + n
                    intent = last.get((slot.strategy_id, cursor.symbol))
                    if intent is not None and slot.last_out[code] is None:
                        slot.last_out[code] = intent  # its repeat needs no new order
        if self._session_bars is not None:  # during a run: the curve covers them too
            self._session_bars.add(batch, codes, self._stages.account.names)

    def on_timer(self, name: str, handler: TimerHandler) -> None:
        """Call ``handler`` with each firing of the timer ``name`` (a ``TimerFired``)."""
        self._stages.on_timer(name, handler)

    @property
    def reconciliation(self) -> ReconcileRuntime | None:
        """The run's reconciliation (``None`` unless ``reconcile_every_ns`` is set)."""
        return self._reconcile

    def reconcile(self, why: str = "reconnect") -> None:
        """A pass now: the hook a venue adapter calls after it reconnects."""
        if self._reconcile is not None:
            self._reconcile.run(why)

    def _event_row(self) -> int:
        return self._step.row

    def step(self, event: EngineEvent) -> None:
        """Apply one event (an update, a timer, an operator's control) between batches."""
        self._step.step(event)

    def run(
        self, feed: MarketFeed, progress: Callable[[int], None] | None = None,
        opening: Sequence[Fill] = (),
    ) -> EngineRun:
        """Consume the whole feed; return the run's record (fills, timeline, counters).

        ``progress`` (optional) is called with the number of bars walked: every 65,536
        rows of a long batch and at the end of each batch. ``opening``: a resumed session's
        earlier fills, for the equity curve to start from (``EquityTracker``).
        """
        started = time.perf_counter()
        # the loop makes many short-lived, acyclic objects (orders, fills, records) beside a
        # large history that lives as long as the run: keep the collector off the latter
        with quiet_collector():
            return self._run(feed, progress, started, opening)

    def _run(
        self, feed: MarketFeed, progress: Callable[[int], None] | None, started: float,
        opening: Sequence[Fill],
    ) -> EngineRun:
        self.rebuild()
        self._risk_state.restore()
        self._controls.start()  # a kill set before the run: it starts halted
        self.reconcile("start")  # before the first strategy callback
        stages = self._stages
        equity = EquityTracker(self._initial_cash, self.strategy_ids, opening)
        kept = TimelineRecorder(equity, stages.fills, stages.fill_rows)  # not the batches
        earlier = () if opening else self.rebuild().fills
        session = self._session_bars = SessionBars(kept, earlier, stages.fills,
                                                   stages.fill_rows)
        offset = 0
        for batch in feed.batches():
            if len(batch) == 0 and not self._fast:  # a feed's heartbeat: time passed, no bar
                self._step.step(TimerEvent(self._clock.now_ns(), max(offset - 1, 0)))
                continue
            offset += session.start()  # a resumed session's earlier rows come first
            codes = self._extend(batch)
            if self._fast:  # the event step polls once per event
                self._controls.poll()
            try:
                if len(batch) >= _FREEZE_ROWS:  # a backtest's history: no garbage in the run
                    with paused_collector():
                        told = self._walk(batch, codes, offset, progress)
                else:
                    told = self._walk(batch, codes, offset, progress)
            finally:
                for slot in stages.slots:
                    slot.pipeline.flush_metrics()
            kept.add(batch, codes, stages.account.names)
            offset += len(batch)
            if progress is not None and len(batch) > told:
                progress(len(batch) - told)
            del batch  # gone before the feed makes the next one: one batch in memory, not two
        symbols = list(stages.account.names)
        for slot in stages.slots:
            slot.close()
            slot.pipeline.log_totals()
        run = self._record(kept, symbols)
        for name, count in stages.fired.items():
            self._logger.info("timers_fired", timer=name, count=count)
        run.engine_seconds = time.perf_counter() - started
        self._logger.info(
            "run_finished", strategies=list(run.strategy_ids), bars=run.bars,
            intents=run.n_intents, orders=len(run.client_order_ids), fills=len(run.fills),
            vetoes=run.vetoes, strategy_errors=run.strategy_errors,
            strategy_disabled=run.strategy_disabled, state_changes=len(run.state_transitions),
        )
        return run

    def _extend(self, batch: BarBatch) -> list[int]:
        """Append the batch to every slot's histories; the batch's symbol codes."""
        stages = self._stages
        codes: list[int] = []
        for slot in stages.slots:
            codes = slot.extend(batch)  # every slot sees the same batches: the same codes
        for symbol in stages.slots[0].histories.symbols[len(stages.account.names):]:
            stages.add_symbol(symbol)
        return codes

    def _walk(
        self, batch: BarBatch, codes: list[int], offset: int,
        progress: Callable[[int], None] | None,
    ) -> int:
        """The batch's rows through the fast driver, or one ``BarEvent`` each."""
        if self._fast:
            return walk_batch(self._stages, batch, codes, offset, progress)
        if len(batch) == 0:
            return 0
        cursors = self._stages.slots[0].cursors
        plan = RowPlan(batch, codes, cursors)
        step = self._step
        ts = plan.ts.tolist()
        for i in range(len(batch)):
            code = plan.first_code if plan.single else plan.code_at(i)
            # the symbol's next bar: each event moves its cursors on by one
            step.step(BarEvent(offset + i, code, cursors[code].index + 1, ts[i]))
        return 0

    def _record(self, kept: TimelineRecorder, symbols: list[str]) -> EngineRun:
        stages = self._stages
        timeline, equity = kept.finish(tuple(symbols))
        return run_totals(
            stages.slots,
            symbols=tuple(symbols), timeline=timeline, equity=equity,
            candles=kept.candles, fills=stages.fills, fill_rows=stages.fill_rows,
            state_transitions=list(self._risk_state.transitions),
        )


def _slot_state(
    slot: StrategySlot, config: EngineConfig, store: StateStore, ledger: Ledger,
    guard: RuntimeGuard, logger: Logger, metrics: MetricsSink, alerts: AlertSink,
) -> SlotState:
    """A slot's run state: its breaker, its router and its symbols' histories."""
    breaker = StrategyBreaker(
        strategy_id=slot.strategy_id, error_budget=config.error_budget, store=store,
        logger=logger, metrics=metrics, alerts=alerts,
    )
    router = IntentRouter(
        strategy=slot.strategy, strategy_id=slot.strategy_id, pipeline=slot.pipeline,
        ledger=ledger, guard=guard, breaker=breaker,
    )
    histories = SymbolHistories(
        slot.strategy, guard, required=slot.meta.required_fields,
        window=config.feature_window, vol_lookback=config.vol_lookback,
        periods_per_year=config.periods_per_year,
    )
    return SlotState(strategy=slot.strategy, pipeline=slot.pipeline, breaker=breaker,
                     router=router, histories=histories)


def _check_slots(slots: Sequence[StrategySlot]) -> None:
    ids = [slot.strategy_id for slot in slots]
    if not ids:
        raise ConfigError("no strategy was given", field="strategies",
                          hint="name at least one strategy")
    if len(set(ids)) != len(ids):
        raise ConfigError(f"a strategy is given twice: {ids}", field="strategies",
                          hint="give each strategy of the account once")


def _timers(config: EngineConfig, simulated: bool) -> TimerSchedule:
    """The run's timers: in a backtest only those that run in bar time (and reconcile)."""
    timers = TimerSchedule()
    for name, period in config.timers:
        if not simulated or name in config.bar_time_timers:
            timers.every(name, period)
    if config.reconcile_every_ns > 0:
        timers.every(RECONCILE, config.reconcile_every_ns)
    return timers
