"""Deterministic CSV for report frames: fixed columns, exact floats, ISO UTC times.

pandas' ``to_csv`` formats floats one Python call at a time through several layers and
its output details move between versions; this writer is fully specified here:

- listed columns first (in the listed order), then any extra columns in frame order
- a header line; ``\\n`` line ends; UTF-8; minimal quoting (RFC 4180 style: a field is
  quoted when it holds a comma, a double quote, a CR or an LF)
- floats as ``%.15g`` (any decimal of up to 15 significant digits round-trips exactly;
  binary noise beyond that is dropped); ``inf``/``-inf`` as such; NaN, None, NaT empty
- tz-aware times as ISO-8601 UTC ending in ``Z`` (seconds, or the finest unit needed by
  any time of the column)
- enums as their value, everything else as ``str``

It streams: the rows are written in chunks of ``CHUNK_ROWS``, each column of a chunk
rendered at once into bytes (:mod:`vibetrading_V2.ops.csv_cells`), so a million-row
equity curve costs a few megabytes of text at a time, never a string per cell. The rows
may come as a frame or as a ``FrameChunks`` (a run's records, made into a frame one chunk
at a time): the bytes are the same, only the memory differs. A time column's unit is the
finest any of its rows needs, so its chunks are read once for that first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from vibetrading_V2.ops.csv_cells import (
    Cells,
    TimeUnit,
    float_cells,
    join_rows,
    text_cells,
    time_cells,
    time_unit,
)
from vibetrading_V2.ops.formatting import iso_utc_strings

__all__ = [
    "CHUNK_ROWS",
    "FLOAT_FORMAT",
    "FrameChunks",
    "Rows",
    "conform_frame",
    "format_column",
    "write_csv",
]

FLOAT_FORMAT = ".15g"
CHUNK_ROWS: Final = 32_768
ColumnRenderer = Callable[[int, int], Cells]
"""Renders rows ``[start, stop)`` of one column."""
_UNITS: Final[tuple[TimeUnit, ...]] = ("s", "ms", "us", "ns")


class FrameChunks(Protocol):
    """Rows made into a frame a slice at a time, e.g. from a run's records.

    Why it exists: the whole frame of a long run's orders costs hundreds of MiB, and a
    writer needs only one chunk of it at a time.
    """

    def __len__(self) -> int: ...

    def frame(
        self, start: int = 0, stop: int | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Rows ``[start, stop)`` of ``columns`` (default: every column, in table order)."""
        ...


Rows = pd.DataFrame | FrameChunks
"""A table to write: a whole frame, or one made a chunk at a time."""


def _check_columns(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> list[str]:
    missing = [c for c in columns if c not in frame.columns]
    if missing and len(frame) > 0:
        raise ValueError(
            f"{name} frame lacks column(s) {', '.join(map(str, missing))}; expected "
            f"{', '.join(columns)} (see vibetrading_V2.ops.report)"
        )
    return missing


def conform_frame(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` first, extras after, and a fresh 0..n-1 index.

    A frame with no rows may lack columns (they are added, empty). A frame with rows that
    lacks a listed column raises ``ValueError`` naming the frame and the columns.
    """
    missing = _check_columns(name, frame, columns)
    out = frame.reset_index(drop=True)
    extras = [c for c in out.columns if c not in columns]
    for c in missing:
        out[c] = pd.Series([None] * len(out), dtype=object)
    return out[[*columns, *extras]]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float | np.floating):
        return "" if math.isnan(value) else format(float(value), FLOAT_FORMAT)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, pd.Timestamp | datetime):
        if pd.isna(value):
            return ""
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is None:
            raise ValueError(f"time {stamp} has no time zone; give UTC times")
        return str(iso_utc_strings(pd.Series([stamp]))[0])
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _all_text(column: pd.Series) -> bool:
    """Whether every present value is a str (so that equal values are equal texts; an
    object column may hold 1, 1.0 and True, which hash alike but read differently)."""
    if isinstance(column.dtype, pd.StringDtype):
        return True
    return column.dtype == object and pd.api.types.infer_dtype(column, skipna=True) in (
        "string", "empty",
    )


def _renderer(
    name: str, column: pd.Series, *, quote: bool = True, unit: TimeUnit | None = None
) -> ColumnRenderer:
    """How to render slices of ``column`` (rules in the module docstring); a time column
    in ``unit`` if given, else in the finest unit its own times need."""
    dtype = column.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        ns = column.dt.as_unit("ns").array.asi8
        shown = time_unit(ns) if unit is None else unit
        return lambda start, stop: time_cells(ns[start:stop], shown)
    if pd.api.types.is_datetime64_dtype(dtype):
        if column.isna().all():  # no times at all: nothing is ambiguous
            return lambda start, stop: text_cells([""] * (stop - start))
        raise ValueError(
            f"column {name!r} holds times without a time zone; give UTC times "
            "(e.g. pd.to_datetime(..., utc=True))"
        )
    if pd.api.types.is_float_dtype(dtype):  # numpy floats and pandas' nullable Float64
        floats = column.to_numpy(dtype=np.float64, na_value=np.nan)
        return lambda start, stop: float_cells(floats[start:stop])
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        values = column.to_numpy()
        return lambda start, stop: text_cells([str(x) for x in values[start:stop].tolist()])
    if _all_text(column):  # str or missing: few distinct values, mostly
        codes, uniques = pd.factorize(column, use_na_sentinel=True)
        texts = [u if type(u) is str else _text(u) for u in uniques.to_numpy(object).tolist()]
        spelled = text_cells([*texts, ""], quote=quote)  # a missing value: the last, ""
        codes = np.where(codes < 0, len(texts), codes)
        return lambda start, stop: spelled.take(codes[start:stop])
    objects = column.to_numpy(dtype=object)

    def render(start: int, stop: int) -> Cells:
        try:
            return text_cells([_text(x) for x in objects[start:stop].tolist()], quote=quote)
        except ValueError as exc:
            raise ValueError(f"column {name!r}: {exc}") from exc

    return render


def format_column(name: str, column: pd.Series) -> list[str]:
    """The CSV text of every cell of one column (rules in the module docstring)."""
    cells = _renderer(name, column, quote=False)(0, len(column))
    return [
        bytes(row[:length]).decode("utf-8")
        for row, length in zip(cells.matrix, cells.lengths.tolist(), strict=True)
    ]


def _time_units(
    rows: FrameChunks, first: pd.DataFrame, chunk_rows: int
) -> dict[str, TimeUnit]:
    """Each time column's unit: the finest that any chunk of its rows needs."""
    names = [c for c in first.columns if isinstance(first[c].dtype, pd.DatetimeTZDtype)]
    finest = {name: 0 for name in names}
    for start in range(0, len(rows), chunk_rows) if names else ():
        chunk = first if start == 0 else rows.frame(start, start + chunk_rows, names)
        for name in names:
            unit = time_unit(chunk[name].dt.as_unit("ns").array.asi8)
            finest[name] = max(finest[name], _UNITS.index(unit))
    return {name: _UNITS[k] for name, k in finest.items()}


def write_csv(
    path: Path, name: str, rows: Rows, columns: Sequence[str],
    *, chunk_rows: int = CHUNK_ROWS,
) -> Path:
    """Write ``rows`` (conformed to ``columns``) to ``path`` as deterministic CSV."""
    n = len(rows)
    first = rows if isinstance(rows, pd.DataFrame) else rows.frame(0, min(chunk_rows, n))
    missing = _check_columns(name, first, columns)  # raises only if there are rows
    order = [*columns, *(c for c in first.columns if c not in columns)]
    shown = [c for c in order if c not in missing]  # missing columns: no rows, header only
    with path.open("wb") as handle:
        handle.write(join_rows([text_cells([str(c)]) for c in order]))
        if isinstance(rows, pd.DataFrame):  # whole columns at hand: each rendered in slices
            renderers = [_renderer(f"{name}.{c}", rows[c]) for c in shown]
            for start in range(0, n, chunk_rows):
                stop = min(start + chunk_rows, n)
                handle.write(join_rows([render(start, stop) for render in renderers]))
            return path
        units = _time_units(rows, first, chunk_rows)
        for start in range(0, n, chunk_rows):
            chunk = first if start == 0 else rows.frame(start, start + chunk_rows)
            handle.write(join_rows([
                _renderer(f"{name}.{c}", chunk[c], unit=units.get(c))(0, len(chunk))
                for c in shown
            ]))  # fmt: skip
    return path
