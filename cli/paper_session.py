"""A paper session that outlives its process: where a restarted ``cli.paper`` goes on from.

``cli.paper --state PATH`` keeps the session in ``PATH``. The engine rebuilds the ledger,
the simulated venue and the strategies' lifecycle from it (``runner.rebuild``); this module
keeps the feed's side: after each bar time the engine finished, its time is recorded
(``RESUME_KEY``) with the simulated venue's working orders, and a restarted run replays
only the bars after the newest time the session reached (that record, or the newest
intent, order or fill, if the process was killed before it could write it), so no bar is
traded twice.

The earlier bars still reach the strategies' histories (``TradingEngine.warm_up``: no
callback, no order), so their indicators and bar counts go on as if they never stopped.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Final, Protocol

import numpy as np

from vibetrading_V2.core.ports import BarBatch, Execution, MarketFeed
from vibetrading_V2.core.types import Fill, Order
from vibetrading_V2.data.replay import batch_from_columns
from vibetrading_V2.runner.run_record import EngineRun

__all__ = [
    "RESUME_KEY",
    "ProgressRecorder",
    "ResumedFeed",
    "SessionStore",
    "add_session_fills",
    "resume_point",
]

RESUME_KEY: Final = "paper_last_bar_ns"
"""The control under which a session records the newest bar time the engine finished."""

_COLUMNS: Final = ("symbol_index", "ts_ns", "open", "high", "low", "close", "volume")


class SessionStore(Protocol):
    """Why: what the session's feed reads and writes of the state store."""

    def get_control(self, key: str) -> str | None: ...

    def newest_market_ns(self) -> int | None: ...

    def checkpoint_venue(
        self, ts_ns: int, orders: Sequence[Order], controls: dict[str, str]
    ) -> None: ...


def resume_point(store: SessionStore) -> int | None:
    """The newest bar time the session reached (``None``: a new session)."""
    recorded = store.get_control(RESUME_KEY)
    times = [int(recorded)] if recorded else []
    newest = store.newest_market_ns()
    if newest is not None:
        times.append(newest)
    return max(times) if times else None


class ResumedFeed:
    """The bars of ``inner`` after ``after_ns``; those before go to ``warm`` instead.

    Why it exists: a restarted session must not trade a bar the session already traded,
    but its strategies need those bars in their histories to go on as they were.
    """

    def __init__(self, inner: MarketFeed, after_ns: int,
                 warm: Callable[[BarBatch], None] | None = None) -> None:
        self._inner = inner
        self.after_ns = after_ns
        self._warm = warm
        self.skipped = 0  # bars at or before ``after_ns``

    def batches(self) -> Iterator[BarBatch]:
        after = self.after_ns
        for batch in self._inner.batches():
            ts = np.asarray(batch.ts_ns)
            if len(ts) == 0 or ts[0] > after:
                yield batch
                continue
            first = int(np.searchsorted(ts, after, side="right"))
            self.skipped += first
            if self._warm is not None:
                self._warm(_rows(batch, 0, first))
            if first < len(ts):
                yield _rows(batch, first, len(ts))


def _rows(batch: BarBatch, start: int, stop: int) -> BarBatch:
    columns = [np.asarray(getattr(batch, name))[start:stop] for name in _COLUMNS]
    return batch_from_columns(batch.symbols, *columns)


class ProgressRecorder:
    """After each bar time the engine finished, checkpoints the session: the time reached
    and the simulated venue's working orders, in one transaction.

    Why it exists: a restart must know how far the session got even when no order or fill
    marks it (most bars trade nothing), and what the venue was working (``restore_venue``).
    A batch is finished when the engine asks for the next one, or when the feed ends.
    """

    def __init__(self, inner: MarketFeed, store: SessionStore, venue: Execution) -> None:
        self._inner = inner
        self._store = store
        self._venue = venue

    def __getattr__(self, name: str) -> object:  # the paced feed's counters, for progress
        return getattr(self._inner, name)

    def batches(self) -> Iterator[BarBatch]:
        done: int | None = None
        for batch in self._inner.batches():
            if done is not None:
                self._checkpoint(done)
                done = None
            yield batch
            if len(batch):
                done = int(batch.ts_ns[-1])
        if done is not None:
            self._checkpoint(done)

    def _checkpoint(self, ts_ns: int) -> None:
        self._store.checkpoint_venue(ts_ns, self._venue.open_orders(), {RESUME_KEY: str(ts_ns)})


def add_session_fills(run: EngineRun, earlier: Sequence[Fill]) -> bool:
    """Put the session's earlier fills before ``run``'s own, each at its symbol's first row.

    So the run's equity curve starts from the session's cash and positions, not from the
    initial cash. Left as it is (``False``) when an earlier fill's symbol has no bar in
    this run: the curve could not value it.
    """
    if not earlier:
        return True
    timeline = run.timeline  # the run's curve took them in already (``opening``)
    first_row = {symbol: row for symbol, row in zip(
        timeline.symbols, timeline.first_rows.tolist(), strict=True) if row >= 0}
    if any(f.symbol not in first_row for f in earlier):
        return False
    tagged = [(first_row[f.symbol], 0, k, f) for k, f in enumerate(earlier)]
    tagged += [(row, 1, k, f) for k, (row, f) in enumerate(zip(run.fill_rows, run.fills,
                                                                   strict=True))]
    tagged.sort(key=lambda t: (t[0], t[1], t[2]))
    run.fills = [t[3] for t in tagged]
    run.fill_rows = array("q", [t[0] for t in tagged])
    return True
