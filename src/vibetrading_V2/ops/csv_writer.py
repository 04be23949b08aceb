"""Deterministic CSV for report frames: fixed columns, exact floats, ISO UTC times.

pandas' ``to_csv`` formats floats one Python call at a time through several layers and
its output details move between versions; this writer renders each column once with
plain Python formatting and lets the C ``csv`` module join the rows. It is both faster
and fully specified here:

- listed columns first (in the listed order), then any extra columns in frame order
- a header line; ``\\n`` line ends; UTF-8; minimal quoting (RFC 4180 style)
- floats as ``%.15g`` (any decimal of up to 15 significant digits round-trips exactly;
  binary noise beyond that is dropped); ``inf``/``-inf`` as such; NaN, None, NaT empty
- tz-aware times as ISO-8601 UTC ending in ``Z`` (seconds, or the finest unit needed)
- enums as their value, everything else as ``str``
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vibetrading_V2.ops.formatting import iso_utc_strings

__all__ = ["FLOAT_FORMAT", "conform_frame", "format_column", "write_csv"]

FLOAT_FORMAT = ".15g"


def conform_frame(name: str, frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``frame`` with ``columns`` first, extras after, and a fresh 0..n-1 index.

    A frame with no rows may lack columns (they are added, empty). A frame with rows that
    lacks a listed column raises ``ValueError`` naming the frame and the columns.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing and len(frame) > 0:
        raise ValueError(
            f"{name} frame lacks column(s) {', '.join(map(str, missing))}; expected "
            f"{', '.join(columns)} (see vibetrading_V2.ops.report)"
        )
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


def format_column(name: str, column: pd.Series) -> list[str]:
    """The CSV text of every cell of one column (rules in the module docstring)."""
    dtype = column.dtype
    if isinstance(dtype, pd.DatetimeTZDtype):
        return [t if t is not None else "" for t in iso_utc_strings(column)]
    if pd.api.types.is_datetime64_dtype(dtype):
        if column.isna().all():  # no times at all: nothing is ambiguous
            return [""] * len(column)
        raise ValueError(
            f"column {name!r} holds times without a time zone; give UTC times "
            "(e.g. pd.to_datetime(..., utc=True))"
        )
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return [
            format(x, FLOAT_FORMAT) if x == x else ""
            for x in column.to_numpy(dtype=np.float64).tolist()
        ]
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return [str(x) for x in column.to_numpy().tolist()]
    try:
        return [_text(x) for x in column.to_numpy(dtype=object).tolist()]
    except ValueError as exc:
        raise ValueError(f"column {name!r}: {exc}") from exc


def write_csv(path: Path, name: str, frame: pd.DataFrame, columns: Sequence[str]) -> Path:
    """Write ``frame`` (conformed to ``columns``) to ``path`` as deterministic CSV."""
    table = conform_frame(name, frame, columns)
    cells = [format_column(f"{name}.{c}", table[c]) for c in table.columns]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([str(c) for c in table.columns])
        writer.writerows(zip(*cells, strict=True))
    return path
