"""What the engine keeps of each batch once it was walked: the compact timeline and candles.

Why its own module: the engine used to keep every batch to the end of the run (seven
64-bit columns a row: 1.1 GB for 40 symbols × a year of minutes, and without end in a
paper or live process). Now a batch leaves behind, per row, its close (8 bytes) and its
symbol code (1 byte, 2 beyond 256 symbols); per distinct time 16 bytes (the time and the
end of its rows); and per symbol at most ``KEPT_CANDLES`` candles. The batch itself can go.
The first batch's arrays are kept as they are (a one-batch backtest copies nothing); from
the second on, the columns grow in place (``array.array``, amortised).
"""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.portfolio.timeline import BarTimeline
from vibetrading_V2.runner.bar_candles import SymbolCandles

__all__ = ["TimelineRecorder"]

_CANDLE_FIELDS = ("open", "high", "low", "close", "volume")


class _Column:
    """A numpy column that is the first part given as it is, then grows in place."""

    def __init__(self, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self._first: npt.NDArray[Any] | None = None
        self._grown: array[Any] | None = None

    def add(self, values: npt.NDArray[Any]) -> None:
        values = np.ascontiguousarray(values, dtype=self.dtype)
        if self._first is None and self._grown is None:
            self._first = values
            return
        if self._grown is None:
            assert self._first is not None
            self._grown = array(self.dtype.char)
            self._grown.frombytes(self._first.data.cast("B"))
            self._first = None
        self._grown.frombytes(values.data.cast("B"))

    def set_last(self, value: Any) -> None:
        """Overwrite the last value (of a column this class made: never the caller's)."""
        if self._grown is not None:
            self._grown[-1] = value
        else:
            assert self._first is not None
            self._first[-1] = value

    def widened(self, dtype: Any) -> _Column:
        """The same values in a wider type."""
        wider = _Column(dtype)
        wider.add(self.values().astype(dtype))
        return wider

    def values(self) -> npt.NDArray[Any]:
        """The column (a view: the column must not grow while it is used)."""
        if self._grown is not None:
            return np.frombuffer(self._grown, dtype=self.dtype)
        return self._first if self._first is not None else np.empty(0, dtype=self.dtype)


class TimelineRecorder:
    """Takes each walked batch (with its symbols' global codes) and keeps what results need.

    Why it exists: a run's memory stays bounded by its bars' closes, whatever the batches.
    """

    def __init__(self) -> None:
        self._codes = _Column(np.uint8)
        self._close = _Column(np.float64)
        self._times = _Column(np.int64)
        self._ends = _Column(np.int64)
        self._rows = 0
        self._one_per_time = True  # every time so far had one row: ``ends`` is not kept
        self._last_time: int | None = None
        self.candles: dict[str, SymbolCandles] = {}

    def add(self, batch: BarBatch, codes: list[int], symbols: list[str]) -> None:
        """Keep the batch's rows; ``codes[j]``: the run's code of ``batch.symbols[j]``,
        ``symbols``: the run's symbols by code."""
        n = len(batch)
        if n == 0:
            return
        local = np.asarray(batch.symbol_index)
        self._add_codes(local, codes)
        self._close.add(np.asarray(batch.close, dtype=np.float64))
        ts = np.asarray(batch.ts_ns, dtype=np.int64)
        goes_on = self._last_time is not None and int(ts[0]) == self._last_time
        if self._one_per_time and not goes_on and not bool((ts[1:] == ts[:-1]).any()):
            self._times.add(ts)  # still one row a time: no ends to keep
            self._last_time = int(ts[-1])
        else:
            self._add_times(ts, goes_on)
        self._rows += n
        self._add_candles(batch, local, ts, codes, symbols)

    def timeline(self, symbols: tuple[str, ...]) -> BarTimeline:
        """The run's timeline so far (its arrays are views: take it once, at the end)."""
        ends = None if self._one_per_time else self._ends.values()
        return BarTimeline(symbols, self._codes.values(), self._times.values(), ends,
                           self._close.values())

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

    def _add_codes(self, local: npt.NDArray[Any], codes: list[int]) -> None:
        if max(codes) > 255 and self._codes.dtype == np.uint8:
            self._codes = self._codes.widened(np.uint16)
        dtype = self._codes.dtype
        if len(codes) == 1:
            self._codes.add(np.full(len(local), codes[0], dtype=dtype))
        elif codes == list(range(len(codes))):
            self._codes.add(local.astype(dtype))
        else:
            self._codes.add(np.asarray(codes, dtype=dtype)[local])

    def _add_candles(self, batch: BarBatch, local: npt.NDArray[Any], ts: npt.NDArray[np.int64],
                     codes: list[int], symbols: list[str]) -> None:
        columns = {f: np.asarray(getattr(batch, f), dtype=np.float64) for f in _CANDLE_FIELDS}
        k, n = len(codes), len(ts)
        turns = k > 1 and n % k == 0 and bool(
            (local.reshape(-1, k) == np.arange(k)).all())
        for j, code in enumerate(codes):
            if k == 1:
                rows: Any = slice(None)
            elif turns:
                rows = slice(j, None, k)
            else:
                rows = np.flatnonzero(local == j)
                if not len(rows):
                    continue
            candles = self.candles.setdefault(symbols[code], SymbolCandles())
            candles.add(ts[rows], {f: c[rows] for f, c in columns.items()})
