"""Periodic timers on the run's clock: heartbeat, reconciliation, end of day.

A timer fires at the multiples of its period (plus an offset) on the epoch, so its times do
not depend on when the run started: in a backtest they fall on the same bar times in every
run (the first bar at or after each time), in paper and live on the wall clock. A loop asks
``next_due_ns`` (one integer comparison per event) and calls ``due`` only once it is passed.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from typing import Final

from vibetrading_V2.core.errors import ConfigError

__all__ = ["NEVER_NS", "TimerFired", "TimerSchedule"]

NEVER_NS: Final = 2**63 - 1  # no timer is due before this


@dataclass(frozen=True, slots=True)
class TimerFired:
    """One firing of a timer: the time it was due and how many earlier times it skipped.

    Why it exists: a loop that waited past several periods (a backtest between hourly bars,
    a paused process) fires once, at the latest time passed, and says how many it merged.
    """

    name: str
    scheduled_ns: int
    missed: int = 0


class TimerSchedule:
    """Named periodic timers, due in time order (then in the order they were added).

    Why it exists: the engine's clock is the only source of time, so timers are times on
    it, checked on every event, never threads of their own.
    """

    def __init__(self) -> None:
        self._periods: dict[str, tuple[int, int]] = {}  # name -> (period, offset)
        self._heap: list[tuple[int, int, str]] = []  # (next time, rank, name)
        self._started = False

    def every(self, name: str, period_ns: int, *, offset_ns: int = 0) -> None:
        """Add a timer firing at ``k * period_ns + offset_ns`` (UTC nanoseconds)."""
        if period_ns <= 0:
            raise ConfigError(f"timer {name!r} has period {period_ns} ns", field=name,
                              hint="give a period longer than zero")
        if name in self._periods:
            raise ConfigError(f"timer {name!r} is added twice", field=name,
                              hint="give each timer its own name")
        self._periods[name] = (period_ns, offset_ns % period_ns)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._periods)

    def start(self, now_ns: int) -> None:
        """Schedule every timer's first time after ``now_ns`` (the run's first event)."""
        self._heap = [(_next_after(now_ns, *self._periods[name]), rank, name)
                      for rank, name in enumerate(self._periods)]
        heapq.heapify(self._heap)
        self._started = True

    def next_due_ns(self) -> int:
        """The time the next timer is due; ``NEVER_NS`` if none (or not started)."""
        return self._heap[0][0] if self._heap else NEVER_NS

    def due(self, now_ns: int) -> list[TimerFired]:
        """The timers due at ``now_ns``, each once, in time order; each is rescheduled."""
        if not self._started:
            self.start(now_ns)
            return []
        fired: list[TimerFired] = []
        heap = self._heap
        while heap and heap[0][0] <= now_ns:
            at, rank, name = heapq.heappop(heap)
            period, offset = self._periods[name]
            latest = _next_after(now_ns, period, offset) - period  # the last time passed
            fired.append(TimerFired(name, latest, (latest - at) // period))
            heapq.heappush(heap, (latest + period, rank, name))
        fired.sort(key=lambda f: f.scheduled_ns)
        return fired


def _next_after(now_ns: int, period_ns: int, offset_ns: int) -> int:
    """The first ``k * period + offset`` strictly after ``now_ns``."""
    return ((now_ns - offset_ns) // period_ns + 1) * period_ns + offset_ns
