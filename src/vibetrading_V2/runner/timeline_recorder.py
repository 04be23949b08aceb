"""What the engine keeps of each batch once it was walked: the equity, times and candles.

Why its own module: the engine used to keep every batch to the end of the run (seven
64-bit columns a row: 1.1 GB for 40 symbols × a year of minutes, and without end in a
paper or live process), then each row's close and symbol code (190 MB) to rebuild the
equity curve afterwards. Now each batch is valued as it goes (``EquityTracker``: the curve
per time, carried positions and closes) and leaves behind per distinct time 16 bytes (the
time and the end of its rows) and the curve's values, and per symbol at most
``KEPT_CANDLES`` candles. A batch is valued when the next one comes (a fill booked between
batches lands on its last row), or at the end: then a one-batch backtest is valued once,
after its loop, and a streamed run holds at most one batch's closes beyond the kept ones.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.row_layout import turn_places
from vibetrading_V2.portfolio.run_equity import EquityTracker, RunEquity
from vibetrading_V2.portfolio.timeline import RunTimeline
from vibetrading_V2.portfolio.timeline_columns import GrowingColumn
from vibetrading_V2.runner.bar_candles import SymbolCandles
from vibetrading_V2.runner.histories import symbol_rows

__all__ = ["TimelineRecorder"]

_CANDLE_FIELDS = ("open", "high", "low", "close", "volume")
# times valued at once: the valuation's temporaries (a few arrays of a value a time) stay a
# few MB, and so do its arrays of a value a row when a time has one row (one symbol); with
# many symbols a time has many rows, and a batch is valued in one piece, not a piece a few
# thousand times long, each costing a step per symbol held
_PIECE_TIMES = 1 << 18
_Rows = tuple[npt.NDArray[Any], npt.NDArray[np.int64], npt.NDArray[np.float64]]
""" Rows of the timeline: their symbol codes, times and closes."""


class TimelineRecorder:
    """Takes each walked batch (with its symbols' global codes) and keeps what results need.

    Why it exists: a run's memory stays bounded by its distinct times, whatever the batches.
    ``fills``/``fill_rows``: the run's fills and the row each was booked at (they grow);
    ``piece_times``: about how many times are valued at once.
    """

    def __init__(self, equity: EquityTracker, fills: Sequence[Fill],
                 fill_rows: array[int], piece_times: int = _PIECE_TIMES) -> None:
        self.equity = equity
        self._piece_times = piece_times
        self._fills = fills
        self._fill_rows = fill_rows
        self._times = GrowingColumn(np.int64)
        self._ends = GrowingColumn(np.int64)
        self._rows = 0
        self._one_per_time = True  # every time so far had one row: ``ends`` is not kept
        self._last_time: int | None = None
        self._waiting: list[_Rows] = []  # the rows not valued yet, in order
        self._wide = False
        self.candles: dict[str, SymbolCandles] = {}

    def add(self, batch: BarBatch, codes: list[int], symbols: list[str]) -> None:
        """Keep the batch's rows; ``codes[j]``: the run's code of ``batch.symbols[j]``,
        ``symbols``: the run's symbols by code."""
        n = len(batch)
        if n == 0:
            return
        local = np.asarray(batch.symbol_index)
        close = np.asarray(batch.close, dtype=np.float64)
        ts = np.asarray(batch.ts_ns, dtype=np.int64)
        goes_on = self._last_time is not None and int(ts[0]) == self._last_time
        if self._one_per_time and not goes_on and not bool((ts[1:] == ts[:-1]).any()):
            self._times.add(ts)  # still one row a time: no ends to keep
            self._last_time = int(ts[-1])
        else:
            self._add_times(ts, goes_on)
        self._rows += n
        self._value(self._global_codes(local, codes), ts, close, symbols)
        self._add_candles(batch, local, ts, codes, symbols)

    def finish(self, symbols: tuple[str, ...]) -> tuple[RunTimeline, RunEquity]:
        """The run's timeline and equity (value the rows still waiting; take them once)."""
        for codes, ts, close in self._waiting:
            for a, b in _pieces(ts, 0, len(ts), self._piece_rows(ts)):
                self._value_rows((codes[a:b], ts[a:b], close[a:b]), symbols)
        self._waiting = []
        times = self._times.values()
        equity = self.equity.result(self._fills, self._fill_rows, times)
        closes = self.equity.closes
        closes.grow(len(symbols))
        ends = None if self._one_per_time else self._ends.values()
        timeline = RunTimeline(symbols, times, ends, self._rows, closes.first, closes.last,
                               closes.last_ts, closes.first_row)
        return timeline, equity

    def _value(self, codes: npt.NDArray[Any], ts: npt.NDArray[np.int64],
               close: npt.NDArray[np.float64], symbols: Sequence[str]) -> None:
        """Value the rows that waited, but their last time (it may go on in this batch);
        this batch's rows wait in turn (a fill booked before the next batch lands on them).

        The rows waiting are views of the last batch's columns (a one-batch run is valued
        at its end) and a copy of one time's rows before them.
        """
        if not self._waiting:
            self._waiting = [(codes, ts, close)]
            return
        *before, (w_codes, w_ts, w_close) = self._waiting
        for rows in before:  # the rows of one time, the next segment's times are later
            self._value_rows(rows, symbols)
        cut = int(np.searchsorted(w_ts, w_ts[-1], side="left"))
        for a, b in _pieces(w_ts, 0, cut, self._piece_rows(w_ts)):
            self._value_rows((w_codes[a:b], w_ts[a:b], w_close[a:b]), symbols)
        head = int(np.searchsorted(ts, w_ts[-1], side="right"))  # the time going on
        carry = (np.concatenate((w_codes[cut:], codes[:head])),
                 np.concatenate((w_ts[cut:], ts[:head])),
                 np.concatenate((w_close[cut:], close[:head])))
        self._waiting = [carry] if head == len(ts) else [
            carry, (codes[head:], ts[head:], close[head:])]

    def _piece_rows(self, ts: npt.NDArray[np.int64]) -> int:
        """The rows of about ``piece_times`` times of ``ts`` (its rows a time on average)."""
        times = 1 + int(np.count_nonzero(ts[1:] != ts[:-1])) if len(ts) else 1
        return self._piece_times * max(1, len(ts) // times)

    def _value_rows(self, rows: _Rows, symbols: Sequence[str]) -> None:
        codes, ts, close = rows
        self.equity.value(codes, ts, close, symbols, self._fills, self._fill_rows)

    def _add_times(self, ts: npt.NDArray[np.int64], goes_on: bool) -> None:
        """Each new time once and the end of its rows (``goes_on``: the batch's first time
        is the last batch's last, whose rows go on here)."""
        if self._one_per_time:  # the ends of the rows so far, one a time, made now
            self._ends.add(np.arange(1, self._rows + 1, dtype=np.int64))
            self._one_per_time = False
        ends = np.append(np.flatnonzero(ts[1:] != ts[:-1]) + 1, len(ts))
        times = ts if len(ends) == len(ts) else ts[ends - 1]
        ends += self._rows
        if goes_on:
            self._ends.set_last(int(ends[0]))
            ends, times = ends[1:], times[1:]
        if len(ends):
            self._ends.add(ends)
            self._times.add(times)
            self._last_time = int(times[-1])

    def _global_codes(self, local: npt.NDArray[Any], codes: list[int]) -> npt.NDArray[Any]:
        """The run's code of each row (one byte, two beyond 256 symbols)."""
        self._wide = self._wide or max(codes) > 255
        dtype = np.uint16 if self._wide else np.uint8
        if len(codes) == 1:
            return np.full(len(local), codes[0], dtype=dtype)
        if codes == list(range(len(codes))):
            return local.astype(dtype)
        by_local: npt.NDArray[Any] = np.asarray(codes, dtype=dtype)[local]
        return by_local

    def _add_candles(self, batch: BarBatch, local: npt.NDArray[Any], ts: npt.NDArray[np.int64],
                     codes: list[int], symbols: list[str]) -> None:
        if batch.by_symbol is not None and len(codes) > 1:  # each symbol's rows, contiguous
            for code, ts_own, fields in symbol_rows(batch.by_symbol, codes):
                self.candles.setdefault(symbols[code], SymbolCandles()).add(ts_own, fields)
            return
        columns = {f: np.asarray(getattr(batch, f), dtype=np.float64) for f in _CANDLE_FIELDS}
        k = len(codes)
        places = turn_places(local, k) if k > 1 else {}
        for j, code in enumerate(codes):
            if k == 1:
                rows: Any = slice(None)
            elif places:
                rows = slice(places[j], None, k)
            else:
                rows = np.flatnonzero(local == j)
                if not len(rows):
                    continue
            candles = self.candles.setdefault(symbols[code], SymbolCandles())
            candles.add(ts[rows], {f: c[rows] for f, c in columns.items()})


def _pieces(ts: npt.NDArray[np.int64], head: int, cut: int,
            size: int) -> list[tuple[int, int]]:
    """``[head, cut)`` in pieces of about ``size`` rows, each of whole times."""
    if cut <= head:
        return []
    targets = np.arange(head + size, cut, size)
    starts = np.unique(np.searchsorted(ts, ts[targets], side="left"))  # where a time begins
    bounds = [head, *starts[starts > head].tolist(), cut]
    return list(pairwise(bounds))
