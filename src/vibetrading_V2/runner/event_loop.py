"""The generic engine step: one typed event at a time, through the shared stages.

Paper and live hand every event here; a backtest may walk its batch through the fast driver
instead (``backtest_driver``), which calls the same stages in the same order. Every event
ends by draining the execution's updates, so a fill is booked whenever it arrives. Every
event starts by polling the operator controls (``poll``; one cheap call while none changed).
"""

from __future__ import annotations

import math
from collections.abc import Callable

from vibetrading_V2.core.order_ports import NEEDS_BAR, NEEDS_CLOSE, NEEDS_NOTHING
from vibetrading_V2.runner.bankroll import Bankroll
from vibetrading_V2.runner.events import (
    BarEvent,
    ControlEvent,
    EngineEvent,
    TimerEvent,
    UpdateEvent,
)
from vibetrading_V2.runner.stages import Stages

__all__ = ["EventStep"]


class EventStep:
    """Applies one event to the run: a bar, an execution update, a timer or a control.

    Why it exists: the one loop body of paper and live, the reference the backtest's fast
    driver is tested against.
    """

    def __init__(self, stages: Stages, poll: Callable[[], None] | None = None) -> None:
        self._stages = stages
        self._poll = poll
        self.row = 0  # the timeline row of the event being applied (reconciliation books at it)
        self.bankroll: Bankroll | None = None  # paper: tops the account up at the floor
        self.floor = -math.inf  # the bankroll's floor (none: no equity reaches it)

    def step(self, event: EngineEvent) -> None:
        stages = self._stages
        self.row = event.row
        if self._poll is not None:
            self._poll()
        if isinstance(event, BarEvent):
            self._bar(event)
            row = event.row
        elif isinstance(event, TimerEvent):
            stages.fire_timers(event.now_ns)
            row = event.row
        elif isinstance(event, ControlEvent):
            stages.control(stages.stamp(event.ts_ns), event.command, event.actor)
            row = event.row
        else:
            assert isinstance(event, UpdateEvent)
            row = event.row
        stages.drain(row)

    def _bar(self, event: BarEvent) -> None:
        """Timers -> match -> mark -> NAV check -> each slot's on_bar -> pipeline."""
        stages = self._stages
        code, row, ts = event.code, event.row, stages.stamp(event.ts_ns)
        account = stages.account
        if code != account.code:
            account.select(code)
        slots = stages.slots
        for slot in slots:
            slot.cursors[code].index = event.index
        cursor = slots[0].cursors[code]
        now = stages.timer_now(ts)
        if now >= stages.timer_due:
            stages.fire_timers(now)
        watch = stages.watches[code]
        need = watch.need() if stages.watching else NEEDS_NOTHING
        if need == NEEDS_BAR:
            stages.match(cursor, row, ts)
        equity = account.equity_at(cursor)
        if need == NEEDS_CLOSE:
            stages.mark_close(watch, ts, account.read_close(cursor))
        if equity <= self.floor and self.bankroll is not None:
            self.bankroll.top_up(ts, equity)
            account.refresh([])  # the cash moved, no quantity did
            equity = account.cash + account.market_value
            stages.check_nav(ts, equity, cursor)  # the deposit moved the gate's levels
        elif not stages.band_low <= equity <= stages.band_high or ts >= stages.next_day:
            stages.check_nav(ts, equity, cursor)
        for slot in slots:
            if slot.disabled or code in slot.skipped:
                continue
            own = slot.cursors[code]
            out = stages.decide(slot, own, code, event.index)
            if out is not None:
                stages.act(slot, code, out, own, row)
