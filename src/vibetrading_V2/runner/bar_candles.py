"""Each symbol's candles for the report, reduced as the bars stream past.

Why its own module: the report draws at most 1,500 candles a symbol, so a run need not
keep the open, high, low and volume of every bar (at 40 symbols × a year of minutes that
was 4 × 168 MB). Each symbol keeps at most ``KEPT_CANDLES`` candles of ``width`` bars,
counted from its first bar; when one more would not fit, neighbours merge in pairs and the
width doubles. A merged candle opens at its first bar's open and time, closes at its last
bar's close (``close_time``), and its high, low and volume are the max, min and sum of its
bars (NaN ignored), as the report's own merging does. The width is the smallest power of
two that fits the bars seen, so the candles do not depend on how the bars were batched.
"""

from __future__ import annotations

from typing import Final, TypeVar

import numpy as np
import numpy.typing as npt

__all__ = ["KEPT_CANDLES", "SymbolCandles"]

KEPT_CANDLES: Final = 6_000
"""Candles kept per symbol: four times what the report draws, so it always merges again."""

_FIELDS: Final = ("open", "high", "low", "close", "volume")
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class SymbolCandles:
    """One symbol's candles so far: at most ``limit``, each of ``width`` bars (the last may
    hold fewer, ``fill``).

    Why it exists: the report's candles and volume in memory bounded per symbol.
    """

    def __init__(self, limit: int = KEPT_CANDLES) -> None:
        if limit < 2:
            raise ValueError(f"limit must be at least 2 candles, got {limit}")
        self.limit = limit
        self.width = 1
        self.fill = 0  # bars in the last candle
        self.count = 0
        self.bars = 0
        self.start_ns: IntArray = np.empty(0, dtype=np.int64)
        self.close_ns: IntArray = np.empty(0, dtype=np.int64)
        self.fields: dict[str, FloatArray] = {f: np.empty(0) for f in _FIELDS}

    def add(self, ts_ns: IntArray, fields: dict[str, FloatArray]) -> None:
        """Take the symbol's next bars (times and the five fields, in time order)."""
        at, n = 0, len(ts_ns)
        self.bars += n
        while at < n:
            at += self._top_up(ts_ns, fields, at)
            left = n - at
            if left == 0:
                break
            if self.count + -(-left // self.width) > self.limit:
                self._double()
                continue
            self._append(ts_ns[at:], {f: fields[f][at:] for f in _FIELDS})
            break

    def arrays(self) -> tuple[IntArray, IntArray, dict[str, FloatArray]]:
        """Open times, close times and the five fields of the candles (views)."""
        c = self.count
        return self.start_ns[:c], self.close_ns[:c], {f: a[:c] for f, a in self.fields.items()}

    def _top_up(self, ts_ns: IntArray, fields: dict[str, FloatArray], at: int) -> int:
        """Fill the last candle from row ``at``; how many rows it took."""
        if self.count == 0 or self.fill >= self.width:
            return 0
        m = min(self.width - self.fill, len(ts_ns) - at)
        last, rows = self.count - 1, slice(at, at + m)
        kept = self.fields
        kept["high"][last] = np.fmax(kept["high"][last], np.fmax.reduce(fields["high"][rows]))
        kept["low"][last] = np.fmin(kept["low"][last], np.fmin.reduce(fields["low"][rows]))
        kept["close"][last] = fields["close"][at + m - 1]
        kept["volume"][last] += np.nan_to_num(fields["volume"][rows]).sum()
        self.close_ns[last] = ts_ns[at + m - 1]
        self.fill += m
        return m

    def _append(self, ts_ns: IntArray, fields: dict[str, FloatArray]) -> None:
        """New candles of ``width`` bars from the rows (all of them fit)."""
        n, w = len(ts_ns), self.width
        starts = np.arange(0, n, w)
        lasts = np.append(starts[1:], n) - 1
        if w == 1:
            new = {f: np.asarray(fields[f], dtype=np.float64) for f in _FIELDS}
        else:
            new = {
                "open": fields["open"][starts], "close": fields["close"][lasts],
                "high": np.fmax.reduceat(fields["high"], starts),
                "low": np.fmin.reduceat(fields["low"], starts),
                "volume": _sums(fields["volume"], starts),
            }  # fmt: skip
        self._grow(len(starts))
        c = self.count
        end = c + len(starts)
        self.start_ns[c:end] = ts_ns[starts]
        self.close_ns[c:end] = ts_ns[lasts]
        for f in _FIELDS:
            self.fields[f][c:end] = new[f]
        self.count, self.fill = end, n - int(starts[-1])

    def _grow(self, more: int) -> None:
        need = self.count + more
        if need <= len(self.start_ns):
            return
        size = min(self.limit, max(need, 2 * len(self.start_ns), 64))
        self.start_ns = _resized(self.start_ns, size, self.count)
        self.close_ns = _resized(self.close_ns, size, self.count)
        self.fields = {f: _resized(a, size, self.count) for f, a in self.fields.items()}

    def _double(self) -> None:
        """Merge neighbours in pairs: the width doubles, the count halves (rounded up)."""
        c = self.count
        if c == 0:
            self.width *= 2
            return
        firsts = np.arange(0, c, 2)
        seconds = np.minimum(firsts + 1, c - 1)
        kept = {f: a[:c] for f, a in self.fields.items()}
        merged = {
            "open": kept["open"][firsts], "close": kept["close"][seconds],
            "high": np.fmax.reduceat(kept["high"], firsts),
            "low": np.fmin.reduceat(kept["low"], firsts),
            "volume": np.add.reduceat(np.nan_to_num(kept["volume"]), firsts),
        }  # fmt: skip
        half = len(firsts)
        self.start_ns[:half] = self.start_ns[firsts]
        self.close_ns[:half] = self.close_ns[seconds]
        for f in _FIELDS:
            self.fields[f][:half] = merged[f]
        if c % 2 == 0:  # the last pair: a whole candle and the partial last one
            self.fill += self.width
        self.count, self.width = half, 2 * self.width


def _sums(values: FloatArray, starts: IntArray) -> FloatArray:
    """``np.add.reduceat(np.nan_to_num(values), starts)`` without a copy of ``values``:
    only a bucket with a NaN is summed again, without its NaNs."""
    sums: FloatArray = np.add.reduceat(values, starts)
    gaps = np.flatnonzero(np.isnan(sums)).tolist()
    if gaps:
        ends = np.append(starts[1:], len(values)).tolist()
        for at in gaps:
            sums[at] = np.nansum(values[int(starts[at]) : ends[at]])
    return sums


_Kept = TypeVar("_Kept", bound=np.generic)


def _resized(array: npt.NDArray[_Kept], size: int, used: int) -> npt.NDArray[_Kept]:
    out: npt.NDArray[_Kept] = np.empty(size, dtype=array.dtype)
    out[:used] = array[:used]
    return out
