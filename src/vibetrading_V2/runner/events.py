"""The typed events one engine step consumes: a bar, an execution update, a timer, a control.

A backtest walks its bars through the fast driver (``backtest_driver``); paper and live
hand each event to ``event_loop.EventStep.step``. Whatever the event, the step ends by
booking the fills and order changes the execution reported since the last event.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BarEvent", "ControlEvent", "EngineEvent", "TimerEvent", "UpdateEvent"]


@dataclass(frozen=True, slots=True)
class BarEvent:
    """One bar of one symbol, already appended to every slot's history.

    Why it exists: the step needs the bar's place in three orders: the run's timeline
    (``row``), the symbol codes (``code``) and that symbol's history (``index``).
    """

    row: int
    code: int
    index: int
    ts_ns: int


@dataclass(frozen=True, slots=True)
class UpdateEvent:
    """The execution has news (a fill, an order state change) outside any bar.

    Why it exists: a venue's fill may arrive between bars; the step books it at once,
    against the last timeline row seen (``row``).
    """

    row: int


@dataclass(frozen=True, slots=True)
class TimerEvent:
    """The clock passed ``now_ns``: fire the timers due by then.

    Why it exists: in paper and live the timers run on the wall clock, also between bars.
    """

    now_ns: int
    row: int


@dataclass(frozen=True, slots=True)
class ControlEvent:
    """An operator's command: ``kill`` (halt, cancel every open order) or ``reset``.

    Why it exists: the operator acts on the account through the same step as the market,
    so a command lands between two events, never in the middle of one.
    """

    command: str
    actor: str
    ts_ns: int
    row: int


EngineEvent = BarEvent | UpdateEvent | TimerEvent | ControlEvent
