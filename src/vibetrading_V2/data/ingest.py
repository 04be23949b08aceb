"""Import a bar file (CSV or parquet) into the curated catalog, validating it on the way in.

Column names are matched case-insensitively and a CSV's unnamed first column is taken as
the timestamp; nothing else is changed. Numbers are parsed with correct rounding, so the
stored prices are exactly the recorded decimals' nearest doubles.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pandas as pd

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.manifest import DatasetEntry
from vibetrading_V2.data.parquet_io import file_sha256
from vibetrading_V2.data.schema import BAR_COLUMNS, TIMESTAMP
from vibetrading_V2.data.validation import bar_arrays
from vibetrading_V2.data.writer import CatalogWriter

__all__ = ["import_bars_file", "read_bars_file"]

_CSV = (".csv", ".txt")
_PARQUET = (".parquet", ".pq")
_ALLOWED = (TIMESTAMP, *BAR_COLUMNS)
_CSV_FIRST_LINE = 2  # line 1 is the header
# pandas 3 parses decimals exactly by default (and deprecates the option); pandas 2 needs
# "round_trip" for the nearest double of each decimal.
_EXACT_FLOATS: dict[str, Any] = (
    {"float_precision": "round_trip"} if int(pd.__version__.split(".")[0]) < 3 else {}
)


def import_bars_file(
    path: Path,
    *,
    symbol: str,
    timeframe: str,
    catalog_root: Path,
    replace: bool = False,
) -> DatasetEntry:
    """Validate ``path`` and store it in the catalog at ``catalog_root``; return its entry."""
    frame, first_line = read_bars_file(path)
    bars = bar_arrays(frame, source=str(path), first_line=first_line)
    return CatalogWriter(catalog_root).write(
        bars,
        symbol,
        timeframe,
        replace=replace,
        source=path.name,
        source_sha256=file_sha256(path),
    )


def read_bars_file(path: Path) -> tuple[pd.DataFrame, int | None]:
    """Read a CSV or parquet bar file into a frame with canonical, lower-case column names.

    Returns the frame and the file line of data row 0 (``None`` for parquet). Timestamps
    are left as read (text for CSV); :func:`~vibetrading_V2.data.validation.bar_arrays`
    parses and checks them.
    """
    if not path.is_file():
        raise DataValidationError(
            "no such file", path=str(path), hint="check the path of the file to import"
        )
    suffix = path.suffix.lower()
    if suffix in _CSV:
        return _read_csv(path), _CSV_FIRST_LINE
    if suffix in _PARQUET:
        return _read_parquet(path), None
    raise DataValidationError(
        f"unsupported file type {suffix or '(none)'!r}",
        path=str(path),
        hint="import a .csv or .parquet file",
    )


def _read_csv(path: Path) -> pd.DataFrame:
    source = str(path)
    try:
        with path.open("r", encoding="utf-8-sig", newline="") as handle:
            header = next(csv.reader(handle), None)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise DataValidationError(f"cannot read CSV: {exc}", path=source) from None
    if not header:
        raise DataValidationError(
            "the file is empty", path=source, line=1, hint="the first line must be a header"
        )
    names = [
        TIMESTAMP if i == 0 and not h.strip() else h.strip().lower() for i, h in enumerate(header)
    ]
    _check_names(names, source, header_line=1)
    try:
        frame: pd.DataFrame = pd.read_csv(
            path,
            header=0,
            names=names,
            dtype={TIMESTAMP: str},
            skip_blank_lines=False,
            encoding="utf-8-sig",
            **_EXACT_FLOATS,
        )
    except (ValueError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise DataValidationError(
            f"cannot parse CSV: {exc}",
            path=source,
            hint="every line needs the same number of comma-separated fields as the header",
        ) from None
    return frame


def _read_parquet(path: Path) -> pd.DataFrame:
    source = str(path)
    try:
        with path.open("rb") as handle:
            frame = pd.read_parquet(handle)
    except (OSError, ValueError) as exc:
        raise DataValidationError(f"cannot read parquet: {exc}", path=source) from None
    names = [str(c).strip().lower() for c in frame.columns]
    _check_names(names, source, header_line=None)
    frame.columns = pd.Index(names)
    if isinstance(frame.index, pd.DatetimeIndex) and TIMESTAMP not in names:
        frame.index.name = TIMESTAMP
    return frame


def _check_names(names: list[str], source: str, *, header_line: int | None) -> None:
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise DataValidationError(
            f"column(s) {', '.join(repeated)} appear more than once (names are case-insensitive)",
            path=source,
            line=header_line,
            field=", ".join(repeated),
            hint="keep one column per field",
        )
    extra = [n for n in names if n not in _ALLOWED]
    if extra:
        raise DataValidationError(
            f"unexpected column(s) {', '.join(map(repr, extra))}; a bar file has exactly "
            f"{', '.join(_ALLOWED)} (the CSV's first column may be unnamed)",
            path=source,
            line=header_line,
            field=", ".join(extra),
            hint="remove the other columns before importing",
        )
