"""What ``--data`` names: a catalog folder (searched after the user's catalog) or one bar file.

* A folder is a curated catalog. Backtests search the user catalog (``data/user``, where
  ``cli.data import`` writes) first and the folder second, so a series the user imported
  replaces a bundled one of the same symbol and timeframe.
* A ``.csv`` or ``.parquet`` file is read once, checked like an import, and serves its
  symbols: those of its ``symbol`` column, or its file name (``goog.csv`` is GOOG).
* Anything else is refused: a missing folder says "no such directory", not "holds nothing".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.bar_stream import ArrayBarStream, BarStream
from vibetrading_V2.data.catalog import ParquetCatalog, missing_directory
from vibetrading_V2.data.ingest import frame_bars, read_bars_file, symbol_rows
from vibetrading_V2.data.parquet_io import has_curated_schema, read_columns
from vibetrading_V2.data.schema import BAR_COLUMNS, BarArrays, check_symbol
from vibetrading_V2.data.sessions import SessionInfo, detect_session
from vibetrading_V2.data.spacing import check_spacing
from vibetrading_V2.data.validation import check_bar_arrays

__all__ = ["BarSource", "CatalogSet", "FileBarSource", "open_bar_source"]

_FILE_SUFFIXES = (".csv", ".txt", ".parquet", ".pq")


class BarSource(Protocol):
    """What a backtest reads: validated bars and the session of each series."""

    def load_arrays(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarArrays: ...

    def session(self, symbol: str, timeframe: str) -> SessionInfo: ...

    def bar_stream(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarStream: ...


def open_bar_source(data: Path, user_catalog: Path | None = None) -> BarSource:
    """The source ``--data`` names; ``user_catalog`` is searched first when it exists."""
    if data.is_file():
        return FileBarSource(data)
    if not data.is_dir():
        if data.suffix.lower() in _FILE_SUFFIXES:
            raise DataValidationError(
                "no such file", path=str(data), field="data.catalog",
                hint="check the path of the bar file given to --data",
            )
        raise missing_directory(data)
    roots = [data]
    if user_catalog is not None and user_catalog.is_dir() and (
        user_catalog.resolve() != data.resolve()
    ):
        roots.insert(0, user_catalog)
    return CatalogSet([ParquetCatalog(root) for root in roots])


class CatalogSet:
    """Catalogs searched in order; the first that holds a series serves it."""

    def __init__(self, catalogs: Sequence[ParquetCatalog]) -> None:
        if not catalogs:
            raise ValueError("a CatalogSet needs at least one catalog")
        self.catalogs = tuple(catalogs)

    def catalog_for(self, symbol: str, timeframe: str) -> ParquetCatalog:
        """The catalog that serves ``symbol`` at ``timeframe``; raise if none holds it."""
        for catalog in self.catalogs:
            if catalog.has(symbol, timeframe):
                return catalog
        if len(self.catalogs) == 1:
            return self.catalogs[0]  # its own error names what it holds
        searched = "; ".join(f"{c.root} holds {c.listing()}" for c in self.catalogs)
        raise DataValidationError(
            f"no data for {symbol} at timeframe {timeframe} (searched in order: {searched})",
            field="symbol",
            hint="import it with `python -m cli.data import FILE --symbol S --timeframe TF`",
        )

    def load_arrays(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarArrays:
        return self.catalog_for(symbol, timeframe).load_arrays(symbol, timeframe, start_ns, end_ns)

    def bar_stream(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarStream:
        return self.catalog_for(symbol, timeframe).bar_stream(symbol, timeframe, start_ns, end_ns)

    def session(self, symbol: str, timeframe: str) -> SessionInfo:
        return self.catalog_for(symbol, timeframe).session(symbol, timeframe)


class FileBarSource:
    """The bars of one CSV or parquet file, read and validated once, served by symbol."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._bars = _read_file(self.path)

    def symbols(self) -> list[str]:
        return list(self._bars)

    def load_arrays(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarArrays:
        bars = self._series(symbol, timeframe)
        lo = 0 if start_ns is None else int(np.searchsorted(bars.ts_ns, start_ns, "left"))
        hi = bars.rows if end_ns is None else int(np.searchsorted(bars.ts_ns, end_ns, "left"))
        ts, o, h, low, c, v = bars
        return BarArrays(ts[lo:hi], o[lo:hi], h[lo:hi], low[lo:hi], c[lo:hi], v[lo:hi])

    def bar_stream(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> BarStream:
        """The file is held already: its bars as views."""
        return ArrayBarStream(self.load_arrays(symbol, timeframe, start_ns, end_ns))

    def session(self, symbol: str, timeframe: str) -> SessionInfo:
        return detect_session(self._series(symbol, timeframe).ts_ns, timeframe)

    def _series(self, symbol: str, timeframe: str) -> BarArrays:
        bars = self._bars.get(symbol)
        if bars is None:
            held = ", ".join(self._bars)
            raise DataValidationError(
                f"no data for {symbol}: the file holds {held}",
                path=str(self.path),
                field="symbol",
                hint=f"pass --symbols {' '.join(self._bars)}, or add a symbol column to the file",
            )
        check_spacing(
            bars.ts_ns, timeframe, source=str(self.path),
            fix=f"the strategy trades {timeframe} bars: give --data a file of {timeframe} "
            "bars, or use a strategy whose timeframe is {suggested}",
        )
        return bars


def _read_file(path: Path) -> dict[str, BarArrays]:
    source = str(path)
    if path.suffix.lower() in (".parquet", ".pq") and has_curated_schema(path):
        ts, cols = read_columns(path, BAR_COLUMNS)  # a catalog file: straight into arrays
        bars = BarArrays(ts, *(cols[name] for name in BAR_COLUMNS))
        check_bar_arrays(bars, source=source)
        return {_stem_symbol(path): bars}
    frame, first_line = read_bars_file(path)
    masks = symbol_rows(frame, source)
    if masks is None:
        return {_stem_symbol(path): frame_bars(frame, source=source, first_line=first_line)}
    return {
        name: frame_bars(frame.loc[mask], source=f"{source} (symbol {name})", first_line=None)
        for name, mask in masks.items()
    }


def _stem_symbol(path: Path) -> str:
    name = path.stem.upper()
    try:
        return check_symbol(name)
    except DataValidationError:
        raise DataValidationError(
            f"cannot take a symbol from the file name {path.name!r}",
            path=str(path),
            field="symbol",
            hint="rename the file to SYMBOL.csv (e.g. GOOG.csv), or add a symbol column",
        ) from None
