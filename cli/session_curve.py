"""A resumed paper session's equity curve covers the whole session, not only its last run.

A restarted ``cli.paper --state S`` trades only the bars after the session's resume point;
the bars before it warm the strategies up (``paper_session.ResumedFeed``). Their rows are
put back in front of the run's timeline here, and every fill of the session at the row of
its symbol's bar at its time, so ``equity.csv`` (and the summary's figures) are those of
one uninterrupted run over the session's bars.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.timeline import BarTimeline
from vibetrading_V2.runner.run_record import EngineRun

__all__ = ["add_session_bars"]


def add_session_bars(
    run: EngineRun, earlier_bars: Sequence[BarBatch], earlier_fills: Sequence[Fill]
) -> bool:
    """Put ``earlier_bars`` before ``run``'s timeline and ``earlier_fills`` at their rows.

    ``False`` (``run`` left as it is) when there is nothing before the run, or when an
    earlier fill's symbol has no bar at or before its time.
    """
    if not earlier_bars:
        return False
    symbols = list(run.timeline.symbols)
    codes, times, closes = [], [], []
    for batch in earlier_bars:
        code_of = np.array([_code(symbols, name) for name in batch.symbols], dtype=np.int64)
        codes.append(code_of[np.asarray(batch.symbol_index, dtype=np.int64)])
        times.append(np.asarray(batch.ts_ns, dtype=np.int64))
        closes.append(np.asarray(batch.close, dtype=np.float64))
    before = sum(len(t) for t in times)
    timeline = run.timeline
    code = np.concatenate([*codes, np.asarray(timeline.codes, dtype=np.int64)])
    ts = np.concatenate([*times, timeline.ts_ns])
    rows = _fill_rows(earlier_fills, symbols, code, ts)
    if rows is None:
        return False
    tagged = [(row, 0, k, f) for k, (row, f) in enumerate(zip(rows, earlier_fills, strict=True))]
    tagged += [(before + row, 1, k, f)
               for k, (row, f) in enumerate(zip(run.fill_rows, run.fills, strict=True))]
    tagged.sort(key=lambda t: (t[0], t[1], t[2]))
    close = np.concatenate([*closes, np.asarray(timeline.close, dtype=np.float64)])
    run.timeline = BarTimeline.from_rows(tuple(symbols), code, ts, close)
    run.fills = [t[3] for t in tagged]
    run.fill_rows = array("q", [t[0] for t in tagged])
    return True


def _code(symbols: list[str], name: str) -> int:
    if name not in symbols:
        symbols.append(name)
    return symbols.index(name)


def _fill_rows(fills: Sequence[Fill], symbols: list[str], code: npt.NDArray[np.int64],
               ts: npt.NDArray[np.int64]) -> list[int] | None:
    """Each fill's row: the last bar of its symbol at or before its time (``None``: one
    has no such bar)."""
    rows: list[int] = []
    for fill in fills:
        own = np.flatnonzero(code == symbols.index(fill.symbol)) if fill.symbol in symbols \
            else np.empty(0, dtype=np.int64)
        at = int(np.searchsorted(ts[own], fill.ts_ns, side="right")) - 1
        if at < 0:
            return None
        rows.append(int(own[at]))
    return rows
