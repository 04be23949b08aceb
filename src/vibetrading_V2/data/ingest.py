"""Import a bar file (CSV or parquet) into the curated catalog, validating it on the way in.

Column names are matched as :mod:`~vibetrading_V2.data.headers` says (case-insensitive,
``Date``/``Datetime``/``time`` for the timestamp, ``Adj Close`` dropped or applied on request,
``--column`` for anything else); the values are not changed unless adjusted prices are asked
for. Numbers are parsed with correct rounding, so the
stored prices are exactly the recorded decimals' nearest doubles.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.headers import ADJ_CLOSE, SYMBOL, plan_columns
from vibetrading_V2.data.manifest import DatasetEntry
from vibetrading_V2.data.parquet_io import file_sha256
from vibetrading_V2.data.problems import first_row, row_error
from vibetrading_V2.data.schema import TIMESTAMP, BarArrays, check_symbol
from vibetrading_V2.data.validation import bar_arrays
from vibetrading_V2.data.writer import CatalogWriter

__all__ = ["frame_bars", "import_bars_file", "read_bars_file", "symbol_rows"]

_CSV = (".csv", ".txt")
_PARQUET = (".parquet", ".pq")
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
    columns: Mapping[str, str] | None = None,
    adjusted: bool = False,
) -> DatasetEntry:
    """Validate ``path`` and store it in the catalog at ``catalog_root``; return its entry.

    ``columns`` maps curated names to the file's headers (``{"close": "Last"}``);
    ``adjusted`` scales the prices by ``Adj Close / Close``. A file with a ``symbol``
    column contributes the rows of ``symbol`` only.
    """
    frame, first_line = read_bars_file(path, columns=columns, adjusted=adjusted)
    masks = symbol_rows(frame, str(path))
    if masks is not None and symbol not in masks:
        held = ", ".join(masks)
        raise DataValidationError(
            f"the file's symbol column holds {held}, not {symbol}",
            path=str(path),
            field="symbol",
            hint=f"pass --symbol with one of {held}",
        )
    if masks is not None and len(masks) > 1:
        frame, first_line = frame.loc[masks[symbol]], None  # rows no longer match lines
    bars = frame_bars(frame, source=str(path), first_line=first_line)
    return CatalogWriter(catalog_root).write(
        bars,
        symbol,
        timeframe,
        replace=replace,
        source=path.name,
        source_sha256=file_sha256(path),
    )


def read_bars_file(
    path: Path, *, columns: Mapping[str, str] | None = None, adjusted: bool = False
) -> tuple[pd.DataFrame, int | None]:
    """Read a CSV or parquet bar file into a frame with the curated column names.

    Returns the frame and the file line of data row 0 (``None`` for parquet). Timestamps
    are left as read (text for CSV); :func:`frame_bars` parses and checks them. The frame
    may also hold ``symbol`` and, when ``adjusted``, ``adj_close``.
    """
    if not path.is_file():
        raise DataValidationError(
            "no such file", path=str(path), hint="check the path of the file to import"
        )
    suffix = path.suffix.lower()
    if suffix in _CSV:
        return _read_csv(path, columns, adjusted), _CSV_FIRST_LINE
    if suffix in _PARQUET:
        return _read_parquet(path, columns, adjusted), None
    raise DataValidationError(
        f"unsupported file type {suffix or '(none)'!r}",
        path=str(path),
        hint="import a .csv or .parquet file",
    )


def symbol_rows(frame: pd.DataFrame, source: str) -> dict[str, npt.NDArray[np.bool_]] | None:
    """Row masks per symbol of the frame's ``symbol`` column (first seen first), or ``None``."""
    if SYMBOL not in frame.columns:
        return None
    text = frame[SYMBOL].astype(str).str.strip().str.upper()
    masks: dict[str, npt.NDArray[np.bool_]] = {}
    for name in dict.fromkeys(text):
        try:
            check_symbol(name)
        except DataValidationError:
            raise DataValidationError(
                f"invalid symbol {name!r} in the symbol column",
                path=source,
                field=SYMBOL,
                hint="use upper-case letters, digits, '.', '_' or '-' (for example EURUSD)",
            ) from None
        masks[name] = (text == name).to_numpy()
    return masks


def frame_bars(frame: pd.DataFrame, *, source: str, first_line: int | None) -> BarArrays:
    """Validated bars of a frame from :func:`read_bars_file`, adjusted if it holds adj_close."""
    bars = bar_arrays(frame, source=source, first_line=first_line)
    if ADJ_CLOSE not in frame.columns:
        return bars
    adj = pd.to_numeric(frame[ADJ_CLOSE], errors="coerce").to_numpy(np.float64, na_value=np.nan)
    bad = first_row(~(np.isfinite(adj) & (adj > 0.0)))
    if bad is not None:
        raise row_error("missing, unparseable or non-positive Adj Close", *bad,
                        at=f"value {frame[ADJ_CLOSE].iloc[bad[0]]!r}", source=source,
                        field="Adj Close", hint="complete the column, or import without --adjusted",
                        first_line=first_line)
    factor = adj / bars.close  # scaling all four prices keeps low <= open, close <= high
    return BarArrays(bars.ts_ns, bars.open * factor, bars.high * factor, bars.low * factor,
                     bars.close * factor, bars.volume)


def _read_csv(path: Path, columns: Mapping[str, str] | None, adjusted: bool) -> pd.DataFrame:
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
    plan = plan_columns(header, mapping=columns, adjusted=adjusted, source=source, line=1)
    names = [n or f"_drop{i}" for i, n in enumerate(plan.names)]
    try:
        frame: pd.DataFrame = pd.read_csv(
            path,
            header=0,
            names=names,
            dtype={TIMESTAMP: str, SYMBOL: str},
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
    return frame[[names[i] for i in plan.kept()]]


def _read_parquet(path: Path, columns: Mapping[str, str] | None, adjusted: bool) -> pd.DataFrame:
    source = str(path)
    try:
        with path.open("rb") as handle:
            frame = pd.read_parquet(handle)
    except (OSError, ValueError) as exc:
        raise DataValidationError(f"cannot read parquet: {exc}", path=source) from None
    header = [str(c) for c in frame.columns]
    if isinstance(frame.index, pd.DatetimeIndex) and not any(
        h.strip().lower() in ("timestamp", "date", "datetime", "time") for h in header
    ):
        frame = frame.reset_index(names=TIMESTAMP)
        header = [TIMESTAMP, *header]
    plan = plan_columns(header, mapping=columns, adjusted=adjusted, source=source, line=None)
    kept = plan.kept()
    frame = frame.iloc[:, kept]
    frame.columns = pd.Index([plan.names[i] for i in kept])
    return frame
