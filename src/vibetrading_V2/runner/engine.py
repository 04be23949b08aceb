"""The event loop: bars from a ``MarketFeed`` through one strategy and the order pipeline.

Per batch of bars the engine (1) appends each symbol's rows to its history and computes the
strategy's vectorised ``features`` once over the new rows (the whole history in a backtest,
a rolling window in live), then (2) walks the rows in time order. Per row it lets a
bar-driven execution fill working orders, marks the account to the close, asks the risk
gate about equity only when it leaves the gate's quiet band, calls ``on_bar`` under the
runtime guard, and enters the pipeline only when the strategy's intent changed. The equity
curve is rebuilt afterwards from the fills, vectorised.

The module is compiled (``native_modules.txt``): the loop's locals are typed exactly, as a
value typed ``Any`` would turn every operation on it back into a generic call.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

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
from vibetrading_V2.core.types import Fill, Intent, TradingState
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.collector import paused_collector, quiet_collector
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.histories import SymbolHistories
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.routing import IntentRouter
from vibetrading_V2.runner.run_record import (
    EngineRun,
    merged_columns,
    merged_timeline,
    positions_in_symbol,
)
from vibetrading_V2.runner.safety import ACCOUNT_ID, RiskStateKeeper, StrategyBreaker
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.strategy.guard import RuntimeGuard

__all__ = ["EngineConfig", "EngineRun", "TradingEngine"]

_INT64_MAX: Final = 2**63 - 1
_FREEZE_ROWS: Final = 10_000
_PROGRESS_MASK: Final = 0xFFFF  # a long batch reports its progress every 65,536 rows



@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Knobs of the loop itself (policies live in ``PolicySet``)."""

    error_budget: int = 10
    feature_window: int = 2_000
    vol_lookback: int | None = None
    periods_per_year: float = 8760.0
    account_id: str = ACCOUNT_ID  # the key of the account's risk state in the store


class TradingEngine:
    """Runs one strategy over a feed; the same loop serves backtest, paper and live.

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
        if len(slots) != 1:
            raise ConfigError(
                f"{len(slots)} strategies were given; this engine runs exactly one",
                field="strategies",
                hint="run one strategy per process until several per account are supported",
            )
        slot = slots[0]
        strategy, meta, pipeline = slot.strategy, slot.meta, slot.pipeline
        self.slots = tuple(slots)
        self._strategy = strategy
        self._meta = meta
        self._execution = execution
        self._pipeline: OrderPipeline = pipeline
        self._ledger = ledger
        self._risk = risk
        self._guard = guard
        self._clock = clock if isinstance(clock, SimulatedClock) else None
        self._config = config or EngineConfig()
        self._strategy_id = meta.strategy_id
        self._logger = logger
        self._breaker = StrategyBreaker(
            strategy_id=meta.strategy_id, error_budget=self._config.error_budget, store=store,
            logger=logger, metrics=metrics, alerts=alerts,
        )
        self._risk_state = RiskStateKeeper(
            account_id=self._config.account_id, risk=risk, execution=execution, store=store,
            logger=logger, alerts=alerts,
        )
        self._router = IntentRouter(
            strategy=strategy, strategy_id=meta.strategy_id, pipeline=pipeline, ledger=ledger,
            guard=guard, breaker=self._breaker,
        )
        self._last_out: list[object] = []
        self._seen_updates = 0  # the cursor on the execution's update stream
        self._progress: Callable[[int], None] | None = None

    def run(
        self, feed: MarketFeed, progress: Callable[[int], None] | None = None
    ) -> EngineRun:
        """Consume the whole feed; return the run's record (fills, timeline, counters).

        ``progress`` (optional) is called with the number of bars walked: every
        ``_PROGRESS_ROWS`` rows of a long batch and at the end of each batch.
        """
        started = time.perf_counter()
        # the loop makes many short-lived, acyclic objects (orders, fills, records) beside a
        # large history that lives as long as the run: keep the collector off the latter
        with quiet_collector():
            return self._run(feed, progress, started)

    def _run(
        self, feed: MarketFeed, progress: Callable[[int], None] | None, started: float
    ) -> EngineRun:
        self._risk_state.restore()
        histories = SymbolHistories(
            self._strategy, self._guard, required=self._meta.required_fields,
            window=self._config.feature_window, vol_lookback=self._config.vol_lookback,
            periods_per_year=self._config.periods_per_year,
        )
        symbols, cursors = histories.symbols, histories.cursors
        parts: list[tuple[tuple[str, ...], BarBatch]] = []
        fills: list[Fill] = []
        fill_rows: list[int] = []
        offset = 0
        self._progress = progress
        for batch in feed.batches():
            codes = histories.codes_of(batch)
            skipped = histories.extend(batch, codes, self._breaker.failed,
                                       compute=not self._breaker.disabled)
            try:
                if len(batch) >= _FREEZE_ROWS:  # a backtest's history: no garbage in the run
                    with paused_collector():
                        told = self._walk(batch, codes, symbols, cursors, offset, fills,
                                          fill_rows, skipped)
                else:
                    told = self._walk(batch, codes, symbols, cursors, offset, fills, fill_rows,
                                      skipped)
            finally:
                self._pipeline.flush_metrics()
            parts.append((batch.symbols, batch))
            offset += len(batch)
            if progress is not None and len(batch) > told:
                progress(len(batch) - told)
        histories.clear()
        self._pipeline.log_totals()
        run = self._record(parts, symbols, fills, fill_rows)
        run.engine_seconds = time.perf_counter() - started
        self._logger.info(
            "run_finished", strategy=self._strategy_id, bars=run.bars, intents=run.n_intents,
            orders=len(run.client_order_ids), fills=len(fills), vetoes=run.vetoes,
            strategy_errors=run.strategy_errors, strategy_disabled=run.strategy_disabled,
            state_changes=len(run.state_transitions),
        )
        return run

    # -- the loop ---------------------------------------------------------------------------

    def _walk(
        self,
        batch: BarBatch,
        codes: list[int],
        symbols: list[str],
        cursors: dict[str, BarCursor],
        offset: int,
        fills: list[Fill],
        fill_rows: list[int],
        skipped: set[int],
    ) -> int:
        """Walk the batch's rows; return how many of them were reported as progress.

        Rows of the ``skipped`` symbol codes (their features failed on this batch) are
        marked and NAV-checked but get no ``on_bar``.
        """
        n = len(batch)
        told = 0
        if n == 0:
            return told
        names = list(symbols)
        cursor_of = [cursors[s] for s in names]
        if len(codes) == 1:  # the batch names one symbol: no need to look at every row
            batch_codes = list(codes)
        else:
            local_codes: list[int] = np.unique(np.asarray(batch.symbol_index)).tolist()
            batch_codes = sorted({codes[c] for c in local_codes})
        single = len(batch_codes) == 1  # one symbol (a backtest): no per-row index lists
        row_symbol: list[int] = []
        positions: list[int] = []
        s: int = batch_codes[0]
        base = cursor_of[s].history_length - n
        if not single:
            row_symbol = [codes[c] for c in np.asarray(batch.symbol_index).tolist()]
            positions = positions_in_symbol(row_symbol, [c.history_length for c in cursor_of])
        stamps = [c.timestamps for c in cursor_of]
        batch_ts = np.asarray(batch.ts_ns, dtype=np.int64)
        # rows are in time order, so "a new UTC day" is a row number, found once per day;
        # a batch out of order (never from a MarketFeed) asks the gate on every row
        in_order = bool(np.all(batch_ts[1:] >= batch_ts[:-1]))

        execution = self._execution
        clock = self._clock
        guard = self._guard
        on_bar = self._strategy.on_bar
        warmup = self._strategy.warmup_bars
        risk = self._risk
        ledger = self._ledger
        last_out = self._last_out  # per symbol code; kept across batches (live feeds)
        last_out.extend([None] * (len(names) - len(last_out)))
        # last_close[k] is each held symbol's last close, except for the current row's
        # symbol, whose last close is prev_close (a plain float) until it is written back.
        # A symbol's close is read only where it matters: on every row while it is held
        # (its value moves), and on rows where something acts; while it is flat it is
        # worth nothing whatever its price, so its last close may be older
        last_close = [ledger.last_price(x) or 0.0 for x in names]
        cash, qty, market_value = self._router.account_view(names, last_close)
        band_low, band_high, next_day = risk.nav_band
        day_row = _first_row_at(batch_ts, next_day) if in_order else 0
        halted = risk.state is TradingState.HALTED
        disabled = self._breaker.disabled
        # orders appear only through submits made here, so the flag says when the execution
        # must see the bar; its observe_bar clears it once nothing is working
        maybe_working = execution.observes_bars
        # the current row's symbol: its columns, cursor and position, looked up again only
        # when the symbol changes from one row to the next
        cursor: BarCursor = cursor_of[s]
        symbol: str = names[s]
        stamp_col: Sequence[int] = stamps[s]
        prev_close: float = last_close[s]
        q: float = qty[s]
        skip: bool = s in skipped
        idx: int

        tick = self._progress
        for i in range(n):
            if not i & _PROGRESS_MASK and i and tick is not None:
                tick(_PROGRESS_MASK + 1)
                told += _PROGRESS_MASK + 1
            if single:
                idx = base + i
            else:
                idx = positions[i]
                if row_symbol[i] != s:
                    last_close[s] = prev_close
                    s = row_symbol[i]
                    cursor = cursor_of[s]
                    symbol = names[s]
                    stamp_col = stamps[s]
                    prev_close = last_close[s]
                    q = qty[s]
                    skip = s in skipped
            cursor.index = idx  # the row's bar: read by the execution, the loop and on_bar
            if maybe_working:
                _stamp(clock, stamp_col, idx)
                maybe_working = execution.observe_bar(cursor)  # false once nothing works
                new = self._new_fills()
                if new:
                    last_close[s] = prev_close
                    self._router.book_fills(new, offset + i, fills, fill_rows, cursor_of, names)
                    cash, qty, market_value = self._router.account_view(names, last_close)
                    q = qty[s]
            if q:
                close = cursor.close
                market_value += q * (close - prev_close)
                prev_close = close
            equity = cash + market_value
            if not band_low <= equity <= band_high or i >= day_row:  # NaN also leaves it
                if not q:  # flat: the close was not read yet
                    prev_close = cursor.close
                ts = _stamp(clock, stamp_col, idx)
                ledger.mark(symbol, prev_close)
                state = risk.check_nav(ts, equity)
                day = next_day
                band_low, band_high, next_day = risk.nav_band
                if not in_order:
                    day_row = i + 1
                elif next_day != day:
                    day_row = _first_row_at(batch_ts, next_day)
                self._risk_state.after_nav(state)
                halted = state is TradingState.HALTED
            if disabled or skip:
                continue
            guard.active = True
            try:
                out = on_bar(cursor)
            except Exception as exc:  # user code: count, maybe disable, carry on
                guard.active = False
                ts = _stamp(clock, stamp_col, idx)
                self._breaker.failed(ts, symbol, exc)
                disabled = self._breaker.disabled
                continue
            guard.active = False
            if out is None or idx < warmup or halted:
                continue
            previous = last_out[s]
            if out is previous or _same_output(out, previous):  # "no change"
                continue
            last_out[s] = out
            if not q:
                prev_close = cursor.close
            ts = _stamp(clock, stamp_col, idx)
            last_close[s] = prev_close
            ledger.mark(symbol, prev_close)
            self._router.dispatch(ts, out, cursor, cursor_of, names, last_close)
            maybe_working = True
            disabled = self._breaker.disabled
            new = self._new_fills()
            if new:  # only fills move cash and positions (signal-close fills land here)
                self._router.book_fills(new, offset + i, fills, fill_rows, cursor_of, names)
                cash, qty, market_value = self._router.account_view(names, last_close)
                q = qty[s]
        if clock is not None:  # the clock stands at the batch's last bar, as after every row
            clock.ts_ns = int(batch_ts[-1])
        return told

    def _new_fills(self) -> list[Fill]:
        """The execution's fills since the last look (none without a new update)."""
        execution = self._execution
        if execution.update_count == self._seen_updates:
            return []
        updates = execution.updates(self._seen_updates)
        self._seen_updates = updates.cursor
        return updates.fills

    def _record(
        self,
        parts: list[tuple[tuple[str, ...], BarBatch]],
        symbols: list[str],
        fills: list[Fill],
        fill_rows: list[int],
    ) -> EngineRun:
        symbol_index, ts_ns, close = merged_timeline(parts, symbols)
        return EngineRun(
            symbols=tuple(symbols),
            symbol_index=symbol_index,
            ts_ns=ts_ns,
            close=close,
            fills=fills,
            fill_rows=fill_rows,
            client_order_ids=self._pipeline.client_order_ids,
            strategy_errors=self._breaker.errors,
            strategy_disabled=self._breaker.disabled,
            vetoes=self._pipeline.vetoes,
            state_transitions=list(self._risk_state.transitions),
            n_intents=self._pipeline.n_intents,
            veto_counts=self._pipeline.veto_tally.counts(),
            resize_counts=self._pipeline.resize_tally.counts(),
            intent_notes=self._pipeline.note_tally.counts(),
            error_record=self._breaker.record,
            bar_columns=merged_columns(parts),
        )


def _same_output(out: object, previous: object) -> bool:
    """True when ``out`` equals the last acted-on output (an Intent or a list of them).

    Anything else is never "the same", so it reaches ``IntentRouter.dispatch``, which counts it.
    """
    if type(out) is not type(previous) or not isinstance(out, (Intent, list, tuple)):
        return False
    try:
        return bool(out == previous)
    except (TypeError, ValueError):  # e.g. arrays inside a list
        return False


def _stamp(clock: SimulatedClock | None, stamps: Sequence[int], row: int) -> int:
    """The time of ``row``, also set on the simulated clock: a row where something acts."""
    ts = stamps[row]
    if clock is not None:
        clock.ts_ns = ts
    return ts


def _first_row_at(ts_ns: npt.NDArray[np.int64], at_ns: int) -> int:
    """The first row of a time-ordered batch stamped at or after ``at_ns`` (``len`` if none)."""
    if at_ns > _INT64_MAX:
        return len(ts_ns)
    if at_ns < -_INT64_MAX:
        return 0
    return int(ts_ns.searchsorted(at_ns))  # side="left"; the method skips numpy's dispatch
