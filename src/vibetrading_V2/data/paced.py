"""Replay history at a chosen pace, one bar time at a time: the feed of a paper run.

A backtest takes the whole history as one batch; a paper run wants what a live
subscription would give: each bar time as its own small batch (every symbol's bar of that
time), arriving ``gap / speed`` seconds after the one before, where ``gap`` is the time
between the two bar times (a weekend gap of FX bars waits longer than an hour). ``speed``
0 does not wait. The run ends after ``max_bars`` bars, when the history ends, or as soon
as the ``StopFlag`` is raised (a signal handler raises it): the feed then ends its
iteration, so the engine finishes its current step normally and the run's outputs are
written. Waiting goes through an injected ``sleep`` in short slices, so a stop is honoured
within a slice and tests never sleep. With ``heartbeat`` each slice of waiting is followed
by an empty batch, so the engine still sees time pass (an operator's kill within a slice)
when no bar comes for minutes.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from itertools import pairwise

import numpy as np

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import BarBatch, MarketFeed
from vibetrading_V2.data.replay import batch_from_columns

__all__ = ["PacedFeed", "StopFlag"]

_NS_PER_SECOND = 1_000_000_000
_COLUMNS = ("open", "high", "low", "close", "volume")
SLEEP_SLICE_SECONDS = 0.1
"""The longest single sleep: a stop is seen at most this long after it is raised."""


class StopFlag:
    """Asks a running paper feed to end; set from a signal handler, read between bars.

    Why it exists: a signal handler may only set a flag (no I/O, no locks), and the feed
    must see it both between bars and while it waits for the next one.
    """

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        """Ask the feed to end after the bar it is on (idempotent)."""
        self.requested = True


class PacedFeed:
    """Wraps a replay feed and yields one batch per bar time, paced, bounded and stoppable.

    Why it exists: paper mode runs the same engine as a backtest on the same history; only
    the delivery differs (one bar time per step, at a pace, until stopped), so the pacing
    lives in one feed instead of in the loop.
    """

    def __init__(
        self,
        inner: MarketFeed,
        *,
        speed: float = 0.0,
        max_bars: int | None = None,
        stop: StopFlag | None = None,
        sleep: Callable[[float], None] = time.sleep,
        heartbeat: bool = False,
    ) -> None:
        if isinstance(speed, bool) or not (math.isfinite(speed) and speed >= 0):
            raise ConfigError(f"speed must be 0 or a positive number, got {speed!r}",
                              field="speed", hint="0 replays as fast as possible, 60 "
                              "replays an hour of bars in a minute")
        if max_bars is not None and (isinstance(max_bars, bool) or max_bars < 1):
            raise ConfigError(f"max_bars must be a positive integer or unset, got {max_bars!r}",
                              field="max_bars", hint="e.g. 500, or leave it unset for all bars")
        self._inner = inner
        self.speed = float(speed)
        self.max_bars = max_bars
        self.stop = stop if stop is not None else StopFlag()
        self._sleep = sleep
        self.heartbeat = heartbeat  # an empty batch after each slice of waiting
        self.bars_done = 0
        self.last_ts_ns: int | None = None
        """The time of the newest bar handed out (``None`` before the first)."""

    @property
    def total_bars(self) -> int | None:
        """The bars a full run yields (bounded by ``max_bars``), once the history is loaded."""
        total = getattr(self._inner, "total_bars", None)
        if not isinstance(total, int):
            return None
        return total if self.max_bars is None else min(total, self.max_bars)

    def batches(self) -> Iterator[BarBatch]:
        for step in _bar_times(self._inner.batches()):
            if self.stop.requested:
                return
            if self.max_bars is not None and self.bars_done + len(step) > self.max_bars:
                return  # a bar time is never split: stop before the one that overflows
            ts = int(step.ts_ns[0])
            if self.last_ts_ns is not None and self.speed > 0:
                yield from self._wait((ts - self.last_ts_ns) / _NS_PER_SECOND / self.speed,
                                      step)
                if self.stop.requested:
                    return
            self.last_ts_ns = ts
            self.bars_done += len(step)
            yield step

    def _wait(self, seconds: float, step: BarBatch) -> Iterator[BarBatch]:
        """Sleep ``seconds`` in slices, returning early once a stop is requested.

        With ``heartbeat`` an empty batch follows each slice: the engine's sign that time
        passed with no bar, on which it polls the operator controls and fires its timers.
        """
        left = seconds
        while left > 0 and not self.stop.requested:
            piece = min(left, SLEEP_SLICE_SECONDS)
            self._sleep(piece)
            left -= piece
            if self.heartbeat:
                yield _no_rows(step)


def _no_rows(step: BarBatch) -> BarBatch:
    """A batch of ``step``'s symbols with no rows: a heartbeat."""
    index = np.asarray(step.symbol_index)[:0]
    return batch_from_columns(step.symbols, index, np.asarray(step.ts_ns)[:0],
                              *[np.asarray(getattr(step, name))[:0] for name in _COLUMNS])


def _bar_times(batches: Iterator[BarBatch]) -> Iterator[BarBatch]:
    """One batch per bar time, also when a chunked replay cut a bar time in two."""
    held: BarBatch | None = None
    for batch in batches:
        for step in _steps(batch):
            if held is not None and int(held.ts_ns[0]) == int(step.ts_ns[0]):
                held = _joined(held, step)
                continue
            if held is not None:
                yield held
            held = step
    if held is not None:
        yield held


def _joined(first: BarBatch, second: BarBatch) -> BarBatch:
    """Two consecutive batches of one bar time (and the same symbols) as one."""
    return batch_from_columns(
        first.symbols,
        np.concatenate([np.asarray(first.symbol_index), np.asarray(second.symbol_index)]),
        np.concatenate([np.asarray(first.ts_ns), np.asarray(second.ts_ns)]),
        *[np.concatenate([np.asarray(getattr(first, n)), np.asarray(getattr(second, n))])
          for n in _COLUMNS],
    )


def _steps(batch: BarBatch) -> Iterator[BarBatch]:
    """``batch`` cut into one batch per bar time (rows are sorted by time already)."""
    ts = np.asarray(batch.ts_ns, dtype=np.int64)
    if len(ts) == 0:
        return
    cuts = np.flatnonzero(np.diff(ts)) + 1
    index = np.asarray(batch.symbol_index, dtype=np.int64)
    columns = [np.asarray(getattr(batch, name), dtype=np.float64) for name in _COLUMNS]
    bounds = [0, *cuts.tolist(), len(ts)]
    for start, end in pairwise(bounds):
        yield batch_from_columns(batch.symbols, index[start:end], ts[start:end],
                                 *[column[start:end] for column in columns])
