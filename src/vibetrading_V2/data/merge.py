"""Several symbols' bars merged into one time order, whole or chunk by chunk.

Rows come out by time and, on equal time, in the order the symbols were given. Symbols on
the same times (the usual case) are interleaved without sorting; otherwise a stable sort
on time alone (the parts concatenated in symbol order) breaks ties by symbol order. The
chunked merge cuts the same order into batches of whole timestamps: all rows up to a time
that every unfinished symbol has reached are known, so each chunk merges only those.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.bar_stream import BarStream
from vibetrading_V2.data.schema import BarArrays

__all__ = ["InterleavedColumn", "merge_parts", "merged_chunks", "merged_chunks_by_symbol"]

# symbol index, time, open, high, low, close, volume: arrays, the last five perhaps
# ``InterleavedColumn`` s (arrays once read)
Columns = list[Any]
_FIELDS = ("open", "high", "low", "close", "volume")
_MAX_PIECE_ROWS = 1 << 16
_MIN_PIECE_ROWS = 1 << 10
_LAST = int(np.iinfo(np.int64).max)  # every symbol done: all pending rows are known
_NO_TIMES = np.empty(0, dtype=np.int64)


def merge_parts(parts: Sequence[BarArrays], *, lazy: bool = False) -> Columns:
    """The parts (one per symbol, each in time order) as seven merged columns.

    ``lazy``: symbols on the same times get their five price and volume columns merged
    when first read (``InterleavedColumn``), for a caller that also hands out the parts.
    """
    if len(parts) == 1:  # one symbol: already in time order, hand out the arrays as they are
        bars = parts[0]
        return [np.zeros(bars.rows, dtype=np.int64), bars.ts_ns, bars.open, bars.high,
                bars.low, bars.close, bars.volume]
    if not _same_times(parts):
        return _sorted_by_time(parts)
    k, rows = len(parts), parts[0].rows
    columns: Columns = [np.tile(np.arange(k, dtype=np.int64), rows),
                        np.repeat(parts[0].ts_ns, k)]
    for name in _FIELDS:
        column = InterleavedColumn([getattr(bars, name) for bars in parts])
        columns.append(column if lazy else np.asarray(column))
    return columns


def merged_chunks(
    streams: Sequence[BarStream], chunk_rows: int, labels: Sequence[str]
) -> Iterator[Columns]:
    """The merged columns of :func:`merged_chunks_by_symbol`'s chunks."""
    for columns, _ in merged_chunks_by_symbol(streams, chunk_rows, labels):
        yield columns


def merged_chunks_by_symbol(
    streams: Sequence[BarStream], chunk_rows: int, labels: Sequence[str]
) -> Iterator[tuple[Columns, list[BarArrays]]]:
    """The streams merged as :func:`merge_parts` merges them whole, cut into chunks of
    whole timestamps: at most ``chunk_rows`` rows (at least that many less one timestamp's
    rows, but the last), unless one timestamp alone has more.

    Each chunk comes with every stream's rows of it as contiguous arrays (those the merge
    read them from). Holds about ``2 * chunk_rows`` rows besides the chunk handed out.
    ``labels`` name the streams in errors.
    """
    # symbols on the same times read pieces of a chunk's share each, and a chunk takes
    # whole pieces (not joined from two) when "about chunk_rows" allows fewer than one
    # timestamp's rows less
    share = max(1, chunk_rows // len(streams))
    enough = max(1, chunk_rows - len(streams) + 1)
    piece_rows = min(_MAX_PIECE_ROWS, max(_MIN_PIECE_ROWS, share))
    pending = [_Pending(s.pieces(piece_rows), label) for s, label in zip(streams, labels,
                                                                          strict=True)]
    while True:
        for part in pending:
            part.read_until(share)
        reach = _reach(pending, enough)
        if reach is None:
            return
        counts = _chunk_counts(pending, reach, chunk_rows)
        parts = [_joined(part.take(n)) for part, n in zip(pending, counts, strict=True)]
        yield merge_parts(parts, lazy=True), parts
        del parts  # let the chunk handed out go before the next one is read


class _Pending:
    """One symbol's rows read from its stream and not yet handed out, kept as the pieces
    read: a chunk takes views of them and the merge writes them straight into its columns,
    so no symbol's rows are copied before the merge (nor kept alive by a joined copy)."""

    def __init__(self, pieces: Iterator[BarArrays], label: str) -> None:
        self._pieces = pieces
        self._label = label
        self._queue: list[BarArrays] = []
        self.rows = 0
        self.done = False
        self._last_ts: int | None = None

    @property
    def last_ts(self) -> int:
        """The time of the newest pending row (there must be one)."""
        return int(self._queue[-1].ts_ns[-1])

    def read_until(self, rows: int) -> None:
        """Read pieces until ``rows`` are pending or the stream is done."""
        while not self.done and self.rows < rows:
            self.read_more()

    def read_more(self) -> None:
        piece = next(self._pieces, None)
        if piece is None:
            self.done = True
            return
        if piece.rows:
            self._check_order(piece.ts_ns)
            self._queue.append(piece)
            self.rows += piece.rows

    def count(self, ts: int, side: Literal["left", "right"]) -> int:
        """Pending rows before ``ts`` (``left``) or up to it (``right``)."""
        return sum(int(np.searchsorted(piece.ts_ns, ts, side)) for piece in self._queue)

    def times(self, n: int) -> npt.NDArray[np.int64]:
        """The times of the first ``n`` pending rows."""
        if len(self._queue) == 1:
            return self._queue[0].ts_ns[:n]
        return np.concatenate([piece.ts_ns for piece in self._queue] or [_NO_TIMES])[:n]

    def take(self, n: int) -> list[BarArrays]:
        """The first ``n`` pending rows, no longer pending: views of the pieces read."""
        taken: list[BarArrays] = []
        rows = 0
        while rows < n:
            piece = self._queue.pop(0)
            if rows + piece.rows > n:  # the rest of the piece stays pending
                self._queue.insert(0, piece.rows_between(n - rows))
                piece = piece.rows_between(0, n - rows)
            taken.append(piece)
            rows += piece.rows
        self.rows -= n
        return taken

    def _check_order(self, ts: npt.NDArray[np.int64]) -> None:
        steps = np.diff(ts) if self._last_ts is None else np.diff(ts, prepend=self._last_ts)
        if bool((steps <= 0).any()):
            raise DataValidationError(
                f"{self._label}: the source returned unsorted or duplicate timestamps",
                field="timestamp",
                hint="the data source must validate its bars",
            )
        self._last_ts = int(ts[-1])


def _reach(pending: list[_Pending], enough: int) -> int | None:
    """A time up to which every row is pending, with at least ``enough`` rows up to it
    (or every row left); ``None`` when no row is left."""
    while True:
        open_parts = [p for p in pending if not p.done]
        if not open_parts:
            return None if all(p.rows == 0 for p in pending) else _LAST
        behind = min(open_parts, key=lambda p: p.last_ts)
        reach = behind.last_ts
        if sum(p.count(reach, "right") for p in pending) >= enough:
            return reach
        behind.read_more()  # the symbol furthest behind bounds what is known: read on


def _chunk_counts(pending: list[_Pending], reach: int, chunk_rows: int) -> list[int]:
    """How many rows of each symbol the next chunk takes: those before the first time at
    which the chunk would pass ``chunk_rows`` (that whole time, if it alone passes it)."""
    known = [p.count(reach, "right") for p in pending]
    if sum(known) <= chunk_rows:
        return known
    times = np.concatenate([p.times(n) for p, n in zip(pending, known, strict=True)])
    cut = int(np.partition(times, chunk_rows)[chunk_rows])  # the first time left out
    counts = [p.count(cut, "left") for p in pending]
    if sum(counts) == 0:  # the first time alone has more than chunk_rows rows
        counts = [p.count(cut, "right") for p in pending]
    return counts


def _joined(pieces: list[BarArrays]) -> BarArrays:
    """The pieces as one ``BarArrays`` (the piece itself when there is one)."""
    if len(pieces) <= 1:
        return pieces[0] if pieces else BarArrays.empty()
    return BarArrays(*(np.concatenate(columns) for columns in zip(*pieces, strict=True)))


def _same_times(parts: Sequence[BarArrays]) -> bool:
    first = parts[0].ts_ns
    return all(np.array_equal(bars.ts_ns, first) for bars in parts[1:])


class InterleavedColumn(Sequence[float]):
    """One field of symbols on the same times, merged when first read: row ``t * k + j``
    is symbol ``j``'s bar ``t``, the order the stable sort gives, written symbol by symbol
    without a sort or a gather.

    Why it exists: a replay batch also hands out each symbol's rows contiguous, and the
    run reads those; its merged open, high, low and volume would be written and never read.
    """

    def __init__(self, fields: list[npt.NDArray[np.float64]]) -> None:
        self._fields: list[npt.NDArray[np.float64]] | None = fields
        self._rows, self._k = len(fields[0]), len(fields)
        self._merged: npt.NDArray[np.float64] | None = None

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> npt.NDArray[Any]:
        values = self._values()
        if dtype is not None:
            values = values.astype(dtype, copy=False)
        return values.copy() if copy else values  # a copy asked for is never the one kept

    def __len__(self) -> int:
        return self._rows * self._k

    def __getitem__(self, at: Any) -> Any:
        return self._values()[at]

    def _values(self) -> npt.NDArray[np.float64]:
        if self._merged is None:
            assert self._fields is not None
            self._merged = _interleave(self._fields, self._rows)
            self._fields = None  # the parts' arrays are theirs again
        return self._merged


def _interleave(fields: list[npt.NDArray[np.float64]], rows: int) -> npt.NDArray[np.float64]:
    k = len(fields)
    column = np.empty(rows * k, dtype=np.float64)
    by_time = column.reshape(rows, k)
    # written a block of times at a time (~256 KiB of output, which stays in cache while
    # every symbol writes its stride into it), not a pass over the whole column per symbol
    block = max(64, (1 << 15) // k)
    for start in range(0, rows, block):
        out = by_time[start : start + block]
        for j, values in enumerate(fields):
            out[:, j] = values[start : start + block]
    return column


def _sorted_by_time(parts: Sequence[BarArrays]) -> Columns:
    """Concatenated in symbol order and each part sorted by time, so a stable sort on time
    alone breaks ties by symbol order. Gathered a column at a time (one concatenation
    alive at once)."""
    ts = np.concatenate([bars.ts_ns for bars in parts])
    order = np.argsort(ts, kind="stable")
    index = np.repeat(np.arange(len(parts), dtype=np.int64), [bars.rows for bars in parts])
    columns: Columns = [index[order], ts[order]]
    del index, ts
    for name in _FIELDS:
        columns.append(np.concatenate([getattr(bars, name) for bars in parts])[order])
    return columns
