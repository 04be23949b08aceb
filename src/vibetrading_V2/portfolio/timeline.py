"""A run's bar timeline in compact form, where each symbol's bars begin and end on it, and
times as text.

Open positions are valued at each symbol's last close, and buy-and-hold runs from each
symbol's first close to its last; both need the first and last row of every symbol
without a sort or a Python step per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["BarTimeline", "RunTimeline", "iso_utc", "rows_between", "symbol_bounds"]

_CHECK_ROWS = 1 << 20


@dataclass(frozen=True, slots=True)
class BarTimeline:
    """Every bar of a run in the order it was walked: symbol, time and close, compactly.

    Why it exists: the equity curve, the open positions and buy-and-hold need each row's
    symbol and close, but a run of 40 symbols on the same minutes repeats each time 40
    times; here a row costs its close and a one- or two-byte code (``codes``), and each
    distinct time is kept once (``times``) with the end of its rows (``ends``: the rows of
    ``times[k]`` are ``ends[k-1]:ends[k]``; ``None`` when each time has one row, so row
    ``k`` is at ``times[k]``). Row ``i`` is a bar of ``symbols[codes[i]]``.
    """

    symbols: tuple[str, ...]
    codes: npt.NDArray[np.unsignedinteger]
    times: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64] | None
    close: npt.NDArray[np.float64]

    @classmethod
    def from_rows(
        cls, symbols: tuple[str, ...], symbol_index: npt.ArrayLike, ts_ns: npt.ArrayLike,
        close: npt.ArrayLike,
    ) -> BarTimeline:
        """The timeline of per-row columns (equal consecutive times share one entry)."""
        ts = np.asarray(ts_ns, dtype=np.int64)
        sym = np.asarray(symbol_index)
        dtype = np.uint8 if len(symbols) <= 256 else np.uint16
        if len(sym) and (sym.min() < 0 or sym.max() >= len(symbols)):
            raise ValueError(f"symbol_index must lie in [0, {len(symbols)})")
        if not bool((ts[1:] == ts[:-1]).any()):
            return cls(symbols, sym.astype(dtype), ts, None, np.asarray(close, dtype=np.float64))
        ends = np.append(np.flatnonzero(ts[1:] != ts[:-1]) + 1, len(ts))
        return cls(symbols, sym.astype(dtype), ts[ends - 1], ends.astype(np.int64),
                   np.asarray(close, dtype=np.float64))

    def __len__(self) -> int:
        return len(self.close)

    @property
    def ts_ns(self) -> npt.NDArray[np.int64]:
        """The time of every row (a new array unless each time has one row)."""
        if self.ends is None:
            return self.times
        return np.repeat(self.times, np.diff(self.ends, prepend=0))

    def row_ends(self) -> npt.NDArray[np.int64]:
        """``ends``, made when each time has one row (``1, 2, ..., len``)."""
        return np.arange(1, len(self.times) + 1) if self.ends is None else self.ends

    def time_of(self, rows: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """The times of the given rows."""
        if self.ends is None:
            return self.times[np.asarray(rows, dtype=np.int64)]
        at: npt.NDArray[np.int64] = self.times[np.searchsorted(self.ends, rows, side="right")]
        return at

    def rows_after(self, start_ns: int, until_ns: int | None) -> int:
        """How many rows are stamped after ``start_ns`` and before ``until_ns`` (or the end)."""
        return rows_between(self.times, self.ends, start_ns, until_ns)

    def turns(self) -> bool:
        """True when the symbols take turns in code order (row ``t * N + j`` is symbol
        ``j``): each symbol's rows are then a stride."""
        n, k = len(self.close), len(self.symbols)
        if k == 1 or n % k:
            return k == 1
        times = self.codes.reshape(-1, k)
        order = np.arange(k, dtype=self.codes.dtype)
        step = max(1, _CHECK_ROWS // k)  # a block at a time: no mask of every row
        return all(bool((times[t : t + step] == order).all()) for t in range(0, len(times), step))


@dataclass(frozen=True, slots=True)
class RunTimeline:
    """What a run keeps of its bars once walked: each time once with the end of its rows
    (``ends`` as in :class:`BarTimeline`), the number of rows, and by symbol code the first
    close, the last close, the time of the last bar and the row of the first (NaN closes,
    row -1: no bar of it).

    Why it exists: the diagnostics count rows between times, buy-and-hold and the open
    positions need each symbol's first and last bar; none needs a close or code per row.
    """

    symbols: tuple[str, ...]
    times: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64] | None
    rows: int
    first_close: npt.NDArray[np.float64]
    last_close: npt.NDArray[np.float64]
    last_ts: npt.NDArray[np.int64]
    first_rows: npt.NDArray[np.int64]

    def __len__(self) -> int:
        return self.rows

    def rows_after(self, start_ns: int, until_ns: int | None) -> int:
        """How many rows are stamped after ``start_ns`` and before ``until_ns`` (or the end)."""
        return rows_between(self.times, self.ends, start_ns, until_ns)

    def last_closes(self) -> dict[str, tuple[int, float]]:
        """Each symbol with a bar: its last bar's ``(ts_ns, close)``."""
        seen = ~np.isnan(self.last_close)
        return {s: (int(t), float(c)) for s, t, c, ok in zip(
            self.symbols, self.last_ts.tolist(), self.last_close.tolist(), seen.tolist(),
            strict=True) if ok}

    def first_last_closes(self) -> list[tuple[float, float]]:
        """Each symbol with a bar, in code order: its first and last close."""
        return [(f, last) for f, last in zip(self.first_close.tolist(),
                                             self.last_close.tolist(), strict=True)
                if f == f]  # NaN: no bar


def rows_between(times: npt.NDArray[np.int64], ends: npt.NDArray[np.int64] | None,
                 start_ns: int, until_ns: int | None) -> int:
    """How many rows of a compact timeline (each time once, ``ends`` of its rows, ``None``:
    one row a time) are stamped after ``start_ns`` and before ``until_ns`` (or the end)."""
    first = int(np.searchsorted(times, start_ns, side="right"))
    stop = len(times) if until_ns is None else int(
        np.searchsorted(times, until_ns, side="left"))
    if stop <= first:
        return 0
    if ends is None:
        return stop - first
    return int(ends[stop - 1]) - (int(ends[first - 1]) if first else 0)


def symbol_bounds(symbol_index: npt.ArrayLike, n_symbols: int) -> list[tuple[int, int] | None]:
    """For each symbol code, the ``(first, last)`` row of its bars, or ``None`` without any.

    The first rows are looked for in a prefix that doubles until every symbol is found
    (a merged timeline usually shows every symbol early), the last rows likewise from the
    end; a single symbol owns every row.
    """
    sym = np.asarray(symbol_index)  # its own dtype: a run's codes are one or two bytes
    n = len(sym)
    if n_symbols == 1:
        return [(0, n - 1) if n else None]
    firsts = _first_rows(sym, n_symbols)
    lasts = _first_rows(sym[::-1], n_symbols)
    return [
        None if first < 0 else (first, n - 1 - last)
        for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True)
    ]


def _first_rows(sym: npt.NDArray[np.integer], n_symbols: int) -> npt.NDArray[np.int64]:
    """The first row of each code in ``sym`` (-1 where it never occurs)."""
    first = np.full(n_symbols, -1, dtype=np.int64)
    start, width = 0, 4096
    while start < len(sym) and bool((first < 0).any()):
        chunk = sym[start : start + width]
        codes, at = np.unique(chunk, return_index=True)
        new = first[codes] < 0
        first[codes[new]] = at[new] + start
        start, width = start + width, 2 * width
    return first


def iso_utc(ts_ns: int) -> str:
    """``ts_ns`` as ISO-8601 UTC text ending in ``Z``, in whole seconds when it is one."""
    stamp = np.datetime64(ts_ns, "ns")
    if ts_ns % 1_000_000_000 == 0:
        return str(np.datetime_as_string(stamp, unit="s", timezone="UTC"))
    return str(np.datetime_as_string(stamp, unit="ns", timezone="UTC"))
