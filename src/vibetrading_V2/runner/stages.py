"""The named stages of one engine step, shared by the event step and the fast driver.

Per bar: match resting orders where the execution simulates them (``match``) -> mark the
account (``AccountMarks.equity_at``) -> NAV check when equity leaves the risk gate's quiet
band or a new day starts (``check_nav``) -> each strategy's ``on_bar`` (``decide``) ->
the pipeline when an output changed (``act``) -> book whatever the execution reported
(``drain``). Timers (``fire_timers``) and operator controls (``control``) are stages too.
Whatever drives the rows (``event_loop.EventStep`` one event at a time, or
``backtest_driver.walk_batch`` over a whole batch), these methods do the work, so both give
the same orders and fills.

Compiled with the loop (``native_modules.txt``); the state a driver reads on every row
(band, halted, watching) is kept in plain typed fields.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Final

from vibetrading_V2.core.ports import BarWatch, Clock, Execution, Logger
from vibetrading_V2.core.types import Fill, Intent, TradingState
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.marks import AccountMarks
from vibetrading_V2.runner.protective_stops import ProtectiveStops
from vibetrading_V2.runner.safety import RiskStateKeeper
from vibetrading_V2.runner.slot_state import SlotState
from vibetrading_V2.runner.timers import TimerFired, TimerSchedule
from vibetrading_V2.strategy.guard import RuntimeGuard

__all__ = ["HEARTBEAT", "Stages", "TimerHandler", "same_output"]

HEARTBEAT: Final = "heartbeat"  # logged at debug; every other timer at info
_HALTED: Final = TradingState.HALTED
_FIRST_EVENT: Final = -(2**63)

TimerHandler = Callable[[TimerFired], None]


class Stages:
    """The shared parts of a run (execution, ledger, risk gate, account) and its stages.

    Why it exists: one implementation of every step of the loop, called by whichever driver
    walks the events, so the backtest's fast path cannot drift from the paper/live step.
    """

    def __init__(
        self,
        *,
        slots: list[SlotState],
        execution: Execution,
        ledger: Ledger,
        risk: RiskEngine,
        risk_state: RiskStateKeeper,
        guard: RuntimeGuard,
        clock: Clock,
        timers: TimerSchedule,
        logger: Logger,
        stops: ProtectiveStops | None = None,
    ) -> None:
        self.slots = slots
        self._by_id = {slot.strategy_id: slot for slot in slots}
        self.execution = execution
        self.ledger = ledger
        self.risk = risk
        self.risk_state = risk_state
        self.guard = guard
        self.clock = clock
        # a backtest's clock stands at the bar's time; any other clock runs on its own
        self.sim_clock: SimulatedClock | None = clock if isinstance(clock, SimulatedClock) else None
        self.timers = timers
        self.logger = logger
        self.stops = stops  # closes a position whose protective stop was refused
        self.account = AccountMarks(ledger)
        self.watches: list[BarWatch] = []  # each symbol's, by code (``add_symbol``)
        self.fills: list[Fill] = []
        self.fill_rows: array[int] = array("q")  # 8 bytes a fill, not an int object
        # orders appear only through submits made here, so the flag says when the execution
        # must see bars: set after every submit, cleared by ``observe_bar`` once the
        # execution has nothing to match (a venue: at once); while set, a row's bar is
        # handed over only if ``observes_symbol`` says it can change anything
        self.watching = execution.observes_bars
        self.seen_updates = 0  # the cursor on the execution's update stream
        self.halted = risk.state is _HALTED
        self.paused = False  # an operator's pause: no new intents, whatever the gate says
        self.blocked = False  # reconciliation could not read or explain the venue: likewise
        self.band_low, self.band_high, self.next_day = risk.nav_band
        # the first event starts the schedule (at its time): it is due from the start
        self.timer_due = _FIRST_EVENT if timers.names else timers.next_due_ns()
        self._timers_started = False
        self._handlers: dict[str, list[TimerHandler]] = {}
        self.fired: dict[str, int] = {}  # firings per timer

    # -- time ------------------------------------------------------------------------------

    def stamp(self, ts: int) -> int:
        """Bar time ``ts`` of a row where something acts; a backtest's clock moves to it."""
        clock = self.sim_clock
        if clock is not None:
            clock.ts_ns = ts
        return ts

    def timer_now(self, bar_ts: int) -> int:
        """The timers' time at a bar stamped ``bar_ts``: the bar's in a backtest, else now."""
        return bar_ts if self.sim_clock is not None else self.clock.now_ns()

    def on_timer(self, name: str, handler: TimerHandler) -> None:
        """Call ``handler`` with each firing of timer ``name`` (at bar time in a backtest)."""
        self._handlers.setdefault(name, []).append(handler)

    def fire_timers(self, now_ns: int) -> None:
        """Fire every timer due at ``now_ns``; the first call starts the schedule.

        On a running clock each firing is logged (the heartbeat at debug); in a backtest
        they are only counted (``fired``), as a line per firing would cost more than the
        bars between them, and the engine logs the totals at the end.
        """
        if not self._timers_started:
            self._timers_started = True
            self.timers.start(now_ns)
        else:
            for fired in self.timers.due(now_ns):
                name = fired.name
                self.fired[name] = self.fired.get(name, 0) + 1
                if self.sim_clock is None:
                    log = self.logger.debug if name == HEARTBEAT else self.logger.info
                    log("timer_fired", timer=name, scheduled_ns=fired.scheduled_ns,
                        missed=fired.missed, clock_ns=self.clock.now_ns())
                for handler in self._handlers.get(name, ()):
                    handler(fired)
        self.timer_due = self.timers.next_due_ns()

    # -- execution -------------------------------------------------------------------------

    def match(self, cursor: BarCursor, row: int, ts: int) -> None:
        """Let the execution match its resting orders on the bar (at ``ts``); book what filled."""
        self.stamp(ts)
        self.watching = self.execution.observe_bar(cursor)  # false once nothing works
        self.drain(row)

    def mark_close(self, watch: BarWatch, ts: int, close: float) -> None:
        """The execution needs only the bar's close (``NEEDS_CLOSE``: nothing to match)."""
        self.stamp(ts)
        self.watching = watch.close_seen(ts, close)

    def add_symbol(self, symbol: str) -> None:
        """A symbol first seen: its place in the account and its watch at the execution."""
        self.account.add(symbol)
        self.watches.append(self.execution.bar_watch(symbol))

    def pending(self) -> bool:
        """Whether the execution reported anything since the last ``drain`` (one compare)."""
        return self.execution.update_count != self.seen_updates

    def drain(self, row: int) -> bool:
        """Book every fill the execution reported since the last look; ``True`` if any.

        The fills are booked at timeline row ``row``, whenever they arrived (a venue's fill
        may come events after its order). A fill's order is recorded with it; a refused
        protective stop closes its position (``stops``); other order changes without a fill
        (a venue's own cancel or expiry) are left to reconciliation.
        """
        execution = self.execution
        if execution.update_count == self.seen_updates:
            return False
        updates = execution.updates(self.seen_updates)
        self.seen_updates = updates.cursor
        stops = self.stops  # checked once the fills are booked: it closes what they opened
        new = updates.fills
        if not new:
            if stops is not None and updates.orders and stops.check(updates.orders):
                self.watching = True  # it sent a close
            return False
        account = self.account
        fills, fill_rows = self.fills, self.fill_rows
        for fill in new:
            slot = self._by_id.get(fill.strategy_id)
            if slot is None:  # not sent by a slot of this run: booked, no one told
                first = self.slots[0]
                first.router.book_fill(fill, row, fills, fill_rows, first.cursors, account,
                                       tell=False)
            else:
                slot.router.book_fill(fill, row, fills, fill_rows, slot.cursors, account)
        account.refresh([fill.symbol for fill in new])
        if stops is not None and stops.check(updates.orders):
            self.watching = True
        return True

    # -- risk ------------------------------------------------------------------------------

    def check_nav(self, ts: int, equity: float, cursor: BarCursor) -> None:
        """Mark the current symbol, ask the risk gate about ``equity``, act on its answer."""
        self.ledger.mark(cursor.symbol, self.account.read_close(cursor))
        state = self.risk.check_nav(ts, equity)
        self.band_low, self.band_high, self.next_day = self.risk.nav_band
        self.risk_state.after_nav(state)
        self.halted = state is _HALTED or self.paused or self.blocked

    def control(self, ts: int, command: str, actor: str) -> None:
        """An operator's command: ``kill`` (halt and cancel all) or ``reset`` (lift it)."""
        risk = self.risk
        if command == "kill":
            state = risk.activate_kill_switch(ts, actor)
        elif command == "reset":
            state = risk.reset_kill_switch(ts, actor)
        else:
            self.logger.warning("control_unknown", command=command, actor=actor)
            return
        self.band_low, self.band_high, self.next_day = risk.nav_band
        self.risk_state.after_nav(state)
        self.halted = state is _HALTED or self.paused or self.blocked

    def set_paused(self, paused: bool) -> None:
        """An operator's pause (``True``) or its end: no intent is acted on while paused."""
        self.paused = paused
        self.halted = self.risk.state is _HALTED or paused or self.blocked

    def set_blocked(self, reason: str | None) -> None:
        """Reconciliation's block (a reason) or its end (``None``): like a pause."""
        self.blocked = reason is not None
        self.halted = self.risk.state is _HALTED or self.paused or self.blocked

    # -- strategies ------------------------------------------------------------------------

    def decide(self, slot: SlotState, cursor: BarCursor, code: int, index: int) -> object:
        """The slot's ``on_bar`` under the guard; ``None`` when it needs no action.

        An error counts against the slot's budget. An output is acted on only past the
        warm-up, while trading is not halted, and when it differs from the last one.
        """
        guard = self.guard
        guard.active = True
        try:
            out = slot.on_bar(cursor)
        except Exception as exc:  # user code: count, maybe disable, carry on
            guard.active = False
            slot.breaker.failed(self.stamp(cursor.ts_ns), cursor.symbol, exc)
            return None
        guard.active = False
        if out is None or index < slot.warmup or self.halted:
            return None
        previous = slot.last_out[code]
        if out is previous or same_output(out, previous):
            return None
        return out

    def act(self, slot: SlotState, code: int, out: object, cursor: BarCursor, row: int) -> None:
        """Send a changed output down the slot's pipeline; book what filled at once."""
        slot.last_out[code] = out
        ts = self.stamp(cursor.ts_ns)
        account = self.account
        close = account.read_close(cursor)
        self.ledger.mark(cursor.symbol, close)
        slot.router.dispatch(ts, out, cursor, slot.cursors, account)
        self.watching = True
        self.drain(row)


def same_output(out: object, previous: object) -> bool:
    """True when ``out`` equals the last acted-on output (an Intent or a list of them).

    Anything else is never "the same", so it reaches ``IntentRouter.dispatch``, which counts it.
    """
    if type(out) is not type(previous) or not isinstance(out, (Intent, list, tuple)):
        return False
    try:
        return bool(out == previous)
    except (TypeError, ValueError):  # e.g. arrays inside a list
        return False
