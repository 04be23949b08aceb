"""One dataset's bars handed out piece by piece, checked in full before the first piece.

A streamed replay must not trade on a file that a one-shot load would refuse, nor fail
half way through a run: a catalog file is therefore read twice, once piece by piece to run
every check of the one-shot load (the same errors, naming the same row), then again piece
by piece for the replay. Neither pass holds more than a piece of the file.

A file the catalog's writer checked (its manifest entry records the version of the checks
it passed, and the file still hashes to the entry's sha256) is vouched for: the first pass
reads only its timestamps (the time checks, the spacing and the rows in the range), not
its prices and volumes, which are most of the file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.parquet_io import read_columns, read_pieces
from vibetrading_V2.data.schema import BAR_COLUMNS, BarArrays, Float64Array, Int64Array
from vibetrading_V2.data.spacing import SpacingMeter, check_spacing, refuse_mismatch
from vibetrading_V2.data.validation import BarChecker, check_bar_arrays

__all__ = ["ArrayBarStream", "BarStream", "ParquetBarStream"]

_CHECK_PIECE_ROWS = 1 << 16


class BarStream(Protocol):
    """The validated bars of one series in a time range, known in size before they are read."""

    @property
    def rows(self) -> int: ...

    def pieces(self, piece_rows: int) -> Iterator[BarArrays]:
        """The bars in time order, about ``piece_rows`` at a time."""
        ...


class ArrayBarStream:
    """Bars already held in memory, handed out as one piece: views of their arrays (in
    memory already, they need no reading in pieces, and a merge of views copies nothing)."""

    def __init__(self, bars: BarArrays) -> None:
        self.bars = bars

    @property
    def rows(self) -> int:
        return self.bars.rows

    def pieces(self, piece_rows: int) -> Iterator[BarArrays]:
        if self.bars.rows:
            yield self.bars


class ParquetBarStream:
    """A curated parquet file, checked piece by piece on construction, then streamed.

    Why it exists: the replay of many long series must not hold them whole, yet a bad
    file must fail before the first bar is traded, with the one-shot load's error.
    ``spacing_fix`` is the hint of a spacing mismatch (see ``check_spacing``).
    """

    def __init__(self, path: Path, timeframe: str, start_ns: int | None,
                 end_ns: int | None, *, spacing_fix: str, vouched: bool = False) -> None:
        """``vouched``: the catalog's writer checked the file's prices and volumes."""
        self.path = Path(path)
        self._range = (start_ns, end_ns)
        self._held: BarArrays | None = None
        self._stat = _stat(self.path)
        self._rows = self._check(timeframe, spacing_fix, vouched)

    @property
    def rows(self) -> int:
        return self._rows

    def pieces(self, piece_rows: int) -> Iterator[BarArrays]:
        if self._held is not None:
            yield from ArrayBarStream(self._held).pieces(piece_rows)
            return
        if _stat(self.path) != self._stat:
            raise self._changed("it changed after it was checked, before the replay read it")
        read = read_pieces(self.path, BAR_COLUMNS, max(1, piece_rows), *self._range)
        rows = 0
        for ts, cols in read or ():
            rows += int(ts.size)
            if ts.size:
                yield _bars(ts, cols)
        if read is None or rows != self._rows:
            raise self._changed(f"the replay read {rows:,} bars where the check counted "
                                f"{self._rows:,}: it changed during the run")

    def _check(self, timeframe: str, spacing_fix: str, vouched: bool) -> int:
        """Every check of the one-shot load, piece by piece (a vouched file: those of its
        times); the rows in the range."""
        source = str(self.path)
        read = read_pieces(self.path, () if vouched else BAR_COLUMNS, _CHECK_PIECE_ROWS,
                           *self._range)
        if read is None:  # nulls possible in the timestamps: the one-shot read names them
            ts, cols = read_columns(self.path, BAR_COLUMNS, *self._range)
            self._held = _bars(ts, cols)
            check_bar_arrays(self._held, source=source)
            check_spacing(ts, timeframe, source=source, fix=spacing_fix)
            return self._held.rows
        checker = BarChecker(source=source)
        meter = SpacingMeter(timeframe)
        for ts, cols in read:
            if vouched:
                checker.add_times(ts)
            else:
                checker.add(_bars(ts, cols))
            meter.add(ts)
        checker.finish()
        refuse_mismatch(meter.spacing(), source=source, fix=spacing_fix)
        return checker.rows

    def _changed(self, what: str) -> DataValidationError:
        return DataValidationError(
            f"the file was checked before the replay, but {what}; no result of this run "
            "may be trusted",
            path=str(self.path),
            hint="leave the catalog unchanged while a run reads it, then run again",
        )


def _bars(ts: Int64Array, cols: dict[str, Float64Array]) -> BarArrays:
    return BarArrays(ts, *(cols[name] for name in BAR_COLUMNS))


def _stat(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (-1, -1)
    return (stat.st_size, stat.st_mtime_ns)
