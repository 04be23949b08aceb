"""Read a column of bar timestamps into int64 UTC nanoseconds, refusing anything ambiguous.

Naive timestamps are taken as UTC (the convention of our CSV sources). A column that mixes
naive and zone-aware values, or aware values with different UTC offsets, is refused rather
than guessed at; so are unparseable or missing values and bare integers (unknown unit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.problems import first_row, row_error
from vibetrading_V2.data.schema import TIMESTAMP, Int64Array

__all__ = ["timestamps_ns"]

# The UTC offset at the end of an ISO 8601 date-time, extended (09:00:00+01:00) or basic
# (090000+0100). It must follow a time of day, so the "-31" of 2012-01-31 is no offset.
_OFFSET = r"\d{2}:?\d{2}(?::?\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)$"
_TZ_HINT = "write every timestamp in UTC (naive or with +00:00), or all with one UTC offset"


def timestamps_ns(
    values: pd.Index | pd.Series, *, source: str, first_line: int | None = None
) -> Int64Array:
    """Nanoseconds since the epoch, UTC, one per row; raise ``DataValidationError`` if bad."""
    dtype = values.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return _datetimes_ns(pd.DatetimeIndex(values), source, first_line)
    if pd.api.types.is_numeric_dtype(dtype):
        raise DataValidationError(
            f"the {TIMESTAMP} column holds numbers ({dtype}), whose unit is ambiguous",
            path=source,
            field=TIMESTAMP,
            hint="store timestamps as ISO 8601 text or as a datetime column",
        )
    return _strings_ns(values, source, first_line)


def _datetimes_ns(index: pd.DatetimeIndex, source: str, first_line: int | None) -> Int64Array:
    if index.tz is not None:
        index = index.tz_convert("UTC").tz_localize(None)
    found = first_row(np.asarray(index.isna()))
    if found is not None:
        raise row_error(
            "missing timestamp",
            *found,
            at="timestamp NaT",
            source=source,
            field=TIMESTAMP,
            hint="every bar needs a timestamp; remove or complete the row",
            first_line=first_line,
        )
    try:
        ns = index.as_unit("ns").asi8
    except (OverflowError, pd.errors.OutOfBoundsDatetime) as exc:
        raise DataValidationError(
            f"timestamps outside the nanosecond range (1677..2262): {exc}",
            path=source,
            field=TIMESTAMP,
            hint="check the timestamp column for wrong years",
        ) from None
    return np.ascontiguousarray(ns, dtype=np.int64)


def _strings_ns(values: pd.Index | pd.Series, source: str, first_line: int | None) -> Int64Array:
    series = pd.Series(np.asarray(values, dtype=object), dtype=object)
    missing = series.isna().to_numpy()
    text = series.where(~missing, "").astype(str).str.strip()
    parsed = pd.to_datetime(text, format="ISO8601", utc=True, errors="coerce")
    bad = first_row(np.asarray(parsed.isna()) | missing)
    if bad is not None:
        row, count = bad
        raise row_error(
            "unparseable timestamp",
            row,
            count,
            at=f"timestamp value {text.iloc[row]!r}",
            source=source,
            field=TIMESTAMP,
            hint="write timestamps as ISO 8601, for example 2017-04-19 09:00:00",
            first_line=first_line,
        )
    _check_offsets(text, source, first_line)
    return _datetimes_ns(pd.DatetimeIndex(parsed), source, first_line)


def _check_offsets(text: pd.Series, source: str, first_line: int | None) -> None:
    offsets = text.str.extract(_OFFSET, expand=False)
    aware = offsets.notna().to_numpy()
    if aware.size == 0 or not aware.any():
        return
    first_kind = "zone-aware" if aware[0] else "naive"
    differs = first_row(aware != aware[0])
    if differs is not None:
        row, count = differs
        raise row_error(
            f"mixed naive and zone-aware timestamps (row 0 is {first_kind})",
            row,
            count,
            at=f"timestamp value {text.iloc[row]!r}",
            source=source,
            field=TIMESTAMP,
            hint=_TZ_HINT,
            first_line=first_line,
        )
    normal = (
        offsets.str.replace("Z", "+00:00", regex=False)
        .str.replace(r"^([+-]\d{2})$", r"\1:00", regex=True)
        .str.replace(r"^([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)
        .to_numpy(dtype=object)
    )
    differs = first_row(normal != normal[0])
    if differs is not None:
        row, count = differs
        raise row_error(
            f"timestamps with differing UTC offsets (row 0 has {normal[0]})",
            row,
            count,
            at=f"timestamp value {text.iloc[row]!r}",
            source=source,
            field=TIMESTAMP,
            hint=_TZ_HINT,
            first_line=first_line,
        )
