"""The curated-data check: refuse malformed bars with the file, row, timestamp and problem.

Bad data is never repaired here. Every check is one vectorised numpy pass, so a million
bars are checked in milliseconds; each failure names the first offending row and how many
rows share the problem, so the user can fix the source and try again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain

import numpy as np
import numpy.typing as npt
import pandas as pd

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.problems import first_row, row_error
from vibetrading_V2.data.schema import (
    BAR_COLUMNS,
    TIMESTAMP,
    BarArrays,
    Float64Array,
    format_ts,
)
from vibetrading_V2.data.timestamps import timestamps_ns

__all__ = ["CHECKS_VERSION", "BarChecker", "bar_arrays", "check_bar_arrays", "validate_bars"]

CHECKS_VERSION = 1
"""The version of the bar checks below, recorded in a catalog's manifest by the writer that
ran them (``DatasetEntry.checked``). Raise it whenever a check is added or changed: the
files written before are then checked in full again when streamed."""

Mask = npt.NDArray[np.bool_]
Detail = Callable[[int], str]  # describes the values of one offending row


def validate_bars(frame: pd.DataFrame, *, source: str, first_line: int | None = None) -> None:
    """Raise ``DataValidationError`` unless ``frame`` holds well-formed OHLCV bars.

    ``frame`` has columns ``open, high, low, close, volume`` and its timestamps either in a
    ``timestamp`` column or in the index (datetimes, or ISO 8601 text as read from a CSV;
    naive values are UTC). ``source`` is the file the frame came from and is named in the
    error; ``first_line`` is that file's line of data row 0, if it has lines.
    """
    bar_arrays(frame, source=source, first_line=first_line)


def bar_arrays(frame: pd.DataFrame, *, source: str, first_line: int | None = None) -> BarArrays:
    """Validate ``frame`` like :func:`validate_bars` and return its bars as numpy arrays."""
    has_ts_column = TIMESTAMP in frame.columns
    has_ts_index = frame.index.name == TIMESTAMP or isinstance(frame.index, pd.DatetimeIndex)
    missing = [] if has_ts_column or has_ts_index else [TIMESTAMP]
    missing += [c for c in BAR_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
            path=source,
            field=", ".join(missing),
            hint=f"provide the columns {TIMESTAMP}, {', '.join(BAR_COLUMNS)}",
        )
    raw_ts = frame[TIMESTAMP] if has_ts_column else frame.index
    ts = timestamps_ns(raw_ts, source=source, first_line=first_line)
    columns = [_floats(frame[name], name, ts, source, first_line) for name in BAR_COLUMNS]
    arrays = BarArrays(ts, *columns)
    check_bar_arrays(arrays, source=source, first_line=first_line)
    return arrays


def check_bar_arrays(bars: BarArrays, *, source: str, first_line: int | None = None) -> None:
    """Check the bar invariants on plain arrays; raise on the first problem found.

    The checks run in a fixed order (times, prices, volume), one mask at a time.
    """
    checker = BarChecker(source=source, first_line=first_line)
    checker.add(bars)
    checker.finish()


class BarChecker:
    """The bar invariants checked piece by piece, reported as if on the whole series.

    Why it exists: a file streamed in pieces must fail with the very error the one-shot
    check gives (the same first row, problem and count). Feed the pieces in order with
    :meth:`add`, then :meth:`finish` raises the first problem in check order.
    """

    def __init__(self, *, source: str, first_line: int | None = None) -> None:
        self._source = source
        self._first_line = first_line
        self._rows = 0
        self._last_ts: int | None = None
        self._found: dict[int, _Finding] = {}  # by check number

    @property
    def rows(self) -> int:
        """Rows checked so far."""
        return self._rows

    def add(self, bars: BarArrays) -> None:
        """Check the next rows of the series (rows continue the previous piece's)."""
        ts, o, h, lo, c, v = bars
        self._add(ts, chain(_time_checks(ts, self._last_ts), _price_checks(o, h, lo, c),
                            _volume_checks(v)))

    def add_times(self, ts: npt.NDArray[np.int64]) -> None:
        """The time checks alone of the next rows (their prices and volumes were checked
        before, by the writer of a catalog whose manifest vouches for the file)."""
        self._add(ts, _time_checks(ts, self._last_ts))

    def _add(self, ts: npt.NDArray[np.int64], checks: Iterator[Check]) -> None:
        if ts.size == 0:
            return
        for number, (problem, mask, field, detail, hint) in enumerate(checks):
            found = first_row(mask)
            if found is None:
                continue
            row, count = found
            seen = self._found.get(number)
            if seen is None:
                at = f"timestamp {format_ts(int(ts[row]))}{detail(row)}"
                self._found[number] = _Finding(problem, self._rows + row, at, field, hint, count)
            else:
                seen.count += count
        self._rows += int(ts.size)
        self._last_ts = int(ts[-1])

    def finish(self) -> None:
        """Raise the first problem found, in check order; nothing when the bars are sound."""
        if not self._found:
            return
        first = self._found[min(self._found)]
        raise row_error(
            first.problem, first.row, first.count, at=first.at, source=self._source,
            field=first.field, hint=first.hint, first_line=self._first_line,
        )


@dataclass(slots=True)
class _Finding:
    """A problem's first row (and what it says of it) and how many rows have it so far."""

    problem: str
    row: int
    at: str
    field: str
    hint: str
    count: int


# one check: the problem, the rows that have it, the field, a row's values, the fix
Check = tuple[str, Mask, str, Detail, str]


def _time_checks(ts: npt.NDArray[np.int64], before: int | None) -> Iterator[Check]:
    """Unsorted and repeated times; ``before`` is the time of the row before ``ts[0]``."""
    earlier = np.empty_like(ts)
    earlier[1:] = ts[:-1]
    earlier[0] = ts[0] if before is None else before
    later = ts < earlier
    same = ts == earlier
    if before is None:
        same[0] = False  # row 0 of the series has no row before it
    yield ("timestamps not sorted", later, TIMESTAMP, _previous(earlier),
           "sort the rows by timestamp, oldest first")
    yield ("duplicate timestamp", same, TIMESTAMP, lambda r: "",
           "keep one bar per timestamp; remove the duplicates at the source")


def _price_checks(o: Float64Array, h: Float64Array, lo: Float64Array,
                  c: Float64Array) -> Iterator[Check]:
    prices = {"open": o, "high": h, "low": lo, "close": c}
    for name, x in prices.items():
        yield (f"NaN or infinite {name} price", ~np.isfinite(x), name, _value(name, x),
               "complete or remove the rows without a price")
    for name, x in prices.items():
        yield (f"non-positive {name} price", x <= 0.0, name, _value(name, x),
               "prices must be > 0; check the source")
    yield ("high < low", h < lo, "high", _high_low(h, lo),
           "high must be >= low on every bar; check the source")
    for name, x in (("open", o), ("close", c)):
        yield (f"{name} outside [low, high]", (x < lo) | (x > h), name,
               _bounds(h, lo, x, name), f"{name} must lie between low and high; check the source")


def _volume_checks(v: Float64Array) -> Iterator[Check]:
    yield ("NaN or infinite volume", ~np.isfinite(v), "volume", _value("volume", v),
           "write 0 where a venue reports no volume")
    yield ("negative volume", v < 0.0, "volume", _value("volume", v),
           "volume must be >= 0; check the source")


def _previous(earlier: npt.NDArray[np.int64]) -> Detail:
    return lambda r: f", after {format_ts(int(earlier[r]))}"


def _value(name: str, x: Float64Array) -> Detail:
    return lambda r: f", {name}={float(x[r])!r}"


def _high_low(h: Float64Array, lo: Float64Array) -> Detail:
    return lambda r: f", high={float(h[r])!r} low={float(lo[r])!r}"


def _bounds(h: Float64Array, lo: Float64Array, x: Float64Array, name: str) -> Detail:
    return lambda r: f", {name}={float(x[r])!r} low={float(lo[r])!r} high={float(h[r])!r}"


def _floats(
    column: pd.Series, name: str, ts: npt.NDArray[np.int64], source: str, first_line: int | None
) -> Float64Array:
    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (
        pd.api.types.is_numeric_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or pd.api.types.is_string_dtype(dtype)
    ):
        raise DataValidationError(
            f"column {name!r} has type {dtype}, not a number",
            path=source,
            field=name,
            hint=f"store {name} as a floating-point number",
        )
    if pd.api.types.is_numeric_dtype(dtype):
        return np.ascontiguousarray(column.to_numpy(dtype=np.float64, na_value=np.nan))
    numbers = pd.to_numeric(column, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    found = first_row(np.isnan(numbers) & ~column.isna().to_numpy())
    if found is not None:
        row, count = found
        raise row_error(
            f"unparseable number in column {name!r}",
            row,
            count,
            at=f"timestamp {format_ts(int(ts[row]))}, value {column.iloc[row]!r}",
            source=source,
            field=name,
            hint="write plain decimal numbers such as 1.0716",
            first_line=first_line,
        )
    return np.ascontiguousarray(numbers)
