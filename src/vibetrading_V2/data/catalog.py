"""The read-only curated parquet catalog: the bar source of backtests and replays.

Layout: ``<root>/<timeframe dir>/<SYMBOL>.parquet`` (``1h/EURUSD.parquet``,
``1mo/BTCUSD.parquet``; see ``schema.timeframe_dirname``) plus an optional
``<root>/manifest.json``. The catalog never writes: it opens files for reading only,
checks each file against the manifest's sha256 when there is a manifest, and validates
every load, so a corrupted or hand-edited file is refused instead of traded on.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.bar_stream import ParquetBarStream
from vibetrading_V2.data.manifest import (
    MANIFEST_NAME,
    DatasetEntry,
    entry_for_file,
    read_manifest,
)
from vibetrading_V2.data.parquet_io import file_sha256, read_columns, schema_columns
from vibetrading_V2.data.schema import (
    BAR_COLUMNS,
    TIMESTAMP,
    BarArrays,
    Int64Array,
    check_symbol,
    check_timeframe,
    dataset_relpath,
    timeframe_from_dirname,
)
from vibetrading_V2.data.sessions import (
    SESSION_KINDS,
    SessionInfo,
    detect_session,
)
from vibetrading_V2.data.spacing import check_spacing
from vibetrading_V2.data.validation import CHECKS_VERSION, check_bar_arrays

__all__ = ["ParquetCatalog", "missing_directory"]

_REIMPORT = "re-import it with `python -m cli.data import FILE --symbol S --timeframe TF --replace`"


class ParquetCatalog:
    """Serve validated bars from a directory of curated parquet files, never modifying them.

    ``start_ns`` is inclusive and ``end_ns`` exclusive, so consecutive ranges never
    overlap. The time filter and the column projection are pushed into the parquet read.
    """

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        # sha256 already verified per file, keyed by (size, mtime) so an edit is re-checked.
        self._verified: dict[Path, tuple[int, int, str]] = {}

    # -- discovery -----------------------------------------------------------------------

    def timeframes(self) -> list[str]:
        """Timeframes that have at least one dataset."""
        return sorted({tf for tf, _ in self._layout()})

    def symbols(self, timeframe: str | None = None) -> list[str]:
        """Symbols stored at ``timeframe`` (or at any timeframe), sorted."""
        if timeframe is not None:
            check_timeframe(timeframe)
        return sorted({s for tf, s in self._layout() if timeframe in (None, tf)})

    def entries(self) -> list[DatasetEntry]:
        """One entry per dataset, from the manifest when it lists it, else from the file."""
        manifest = self._manifest()
        layout = self._layout()
        if manifest is not None:
            for key, entry in manifest.items():
                if key not in layout:
                    raise self._listed_but_missing(entry)
        return [
            manifest[key]
            if manifest is not None and key in manifest
            else entry_for_file(self.root, key[1], key[0])
            for key in sorted(layout)
        ]

    # -- loading ---------------------------------------------------------------------------

    def load_arrays(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> BarArrays:
        """Validated OHLCV of one dataset as numpy arrays, without building a DataFrame."""
        path = self._dataset_path(symbol, timeframe)
        _check_range(start_ns, end_ns)
        ts, cols = read_columns(path, BAR_COLUMNS, start_ns, end_ns)
        bars = BarArrays(ts, *(cols[name] for name in BAR_COLUMNS))
        check_bar_arrays(bars, source=str(path))
        self._check_spacing(ts, symbol, timeframe, path)
        return bars

    def bar_stream(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> ParquetBarStream:
        """One dataset's bars to read piece by piece, checked as :meth:`load_arrays` checks
        them (manifest and sha256 included) before this returns; a file this catalog's
        writer checked (its entry's ``checked``) by its timestamps only."""
        path, entry = self._dataset(symbol, timeframe)
        _check_range(start_ns, end_ns)
        vouched = entry is not None and entry.checked == CHECKS_VERSION  # its sha256 matched
        return ParquetBarStream(path, timeframe, start_ns, end_ns,
                                spacing_fix=_spacing_fix(symbol, path), vouched=vouched)

    def load_bars(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Validated bars indexed by a UTC ``DatetimeIndex`` named ``timestamp``.

        ``columns`` picks and orders the returned columns (default: every stored column).
        OHLCV are always read, because the bar invariants are checked on every load.
        """
        path = self._dataset_path(symbol, timeframe)
        _check_range(start_ns, end_ns)
        stored = [c for c in schema_columns(path) if c != TIMESTAMP]
        wanted = list(stored if columns is None else columns)
        unknown = [c for c in wanted if c not in stored]
        if unknown:
            raise DataValidationError(
                f"unknown column(s) {', '.join(unknown)}; {symbol} {timeframe} has "
                f"{', '.join(stored)}",
                path=str(path),
                field="columns",
                hint="ask only for stored columns",
            )
        extra = [c for c in dict.fromkeys(wanted) if c not in BAR_COLUMNS]
        ts, cols = read_columns(path, [*BAR_COLUMNS, *extra], start_ns, end_ns)
        check_bar_arrays(BarArrays(ts, *(cols[name] for name in BAR_COLUMNS)), source=str(path))
        self._check_spacing(ts, symbol, timeframe, path)
        index = pd.DatetimeIndex(pd.to_datetime(ts, unit="ns", utc=True), name=TIMESTAMP)
        return pd.DataFrame({name: cols[name] for name in wanted}, index=index, copy=False)

    def listing(self) -> str:
        """What the catalog holds, as ``EURUSD 1h, BTCUSD 1M`` (or ``nothing``)."""
        return ", ".join(f"{s} {tf}" for tf, s in sorted(self._layout())) or "nothing"

    def has(self, symbol: str, timeframe: str) -> bool:
        """Whether the catalog holds a file for ``symbol`` at ``timeframe``."""
        return (self.root / dataset_relpath(symbol, timeframe)).is_file()

    def session(self, symbol: str, timeframe: str) -> SessionInfo:
        """The dataset's session: from the manifest, else detected from its timestamps."""
        path = self._dataset_path(symbol, timeframe)
        manifest = self._manifest()
        entry = None if manifest is None else manifest.get((timeframe, symbol))
        if entry is not None and entry.session in SESSION_KINDS:
            return SessionInfo(entry.session, entry.bars_per_session)
        ts, _ = read_columns(path, ())
        return detect_session(ts, timeframe)

    # -- internals -----------------------------------------------------------------------

    def _check_spacing(
        self, ts: Int64Array, symbol: str, timeframe: str, path: Path
    ) -> None:
        check_spacing(ts, timeframe, source=str(path), fix=_spacing_fix(symbol, path))

    def _layout(self) -> dict[tuple[str, str], Path]:
        found: dict[tuple[str, str], Path] = {}
        if not self.root.is_dir():
            return found
        for folder in self.root.iterdir():
            timeframe = timeframe_from_dirname(folder.name)
            if timeframe is None or not folder.is_dir():
                continue
            for file in folder.glob("*.parquet"):
                if not file.name.startswith(".") and file.is_file():
                    found[(timeframe, file.stem)] = file
        return found

    def _manifest(self) -> dict[tuple[str, str], DatasetEntry] | None:
        return read_manifest(self.root / MANIFEST_NAME)

    def _dataset_path(self, symbol: str, timeframe: str) -> Path:
        return self._dataset(symbol, timeframe)[0]

    def _dataset(self, symbol: str, timeframe: str) -> tuple[Path, DatasetEntry | None]:
        """The dataset's file, checked against its manifest entry (``None``: no manifest)."""
        check_timeframe(timeframe)
        check_symbol(symbol)
        path = self.root / dataset_relpath(symbol, timeframe)
        manifest = self._manifest()
        entry = None if manifest is None else manifest.get((timeframe, symbol))
        if not path.is_file():
            if entry is not None:
                raise self._listed_but_missing(entry)
            raise self._unknown(symbol, timeframe)
        if manifest is not None:
            if entry is None:
                raise DataValidationError(
                    f"{symbol} {timeframe} is in the catalog but not in its manifest",
                    path=str(self.root / MANIFEST_NAME),
                    hint=f"the file was added by hand; {_REIMPORT}",
                )
            self._verify(path, entry)
        return path, entry

    def _verify(self, path: Path, entry: DatasetEntry) -> None:
        expected = dataset_relpath(entry.symbol, entry.timeframe)
        if entry.path != expected:
            raise DataValidationError(
                f"the manifest places {entry.symbol} {entry.timeframe} at {entry.path!r}, "
                f"but the catalog layout puts it at {expected!r}",
                path=str(self.root / MANIFEST_NAME),
                field="path",
                hint=f"restore the manifest from git, or {_REIMPORT}",
            )
        stat = path.stat()
        seen = self._verified.get(path)
        if seen == (stat.st_size, stat.st_mtime_ns, entry.sha256):
            return
        actual = file_sha256(path)
        if actual != entry.sha256:
            raise DataValidationError(
                f"manifest/sha256 mismatch: the manifest records {entry.sha256} but the file "
                f"hashes to {actual}; the file changed after import",
                path=str(path),
                field="sha256",
                hint=f"restore the file from git, or {_REIMPORT}",
            )
        self._verified[path] = (stat.st_size, stat.st_mtime_ns, entry.sha256)

    def _listed_but_missing(self, entry: DatasetEntry) -> DataValidationError:
        return DataValidationError(
            f"the manifest lists {entry.symbol} {entry.timeframe} at {entry.path}, "
            "but the file is missing",
            path=str(self.root / MANIFEST_NAME),
            hint=f"restore the file from git, or {_REIMPORT}",
        )

    def _unknown(self, symbol: str, timeframe: str) -> DataValidationError:
        if not self.root.is_dir():
            return missing_directory(self.root)
        layout = self._layout()
        here = sorted(s for tf, s in layout if tf == timeframe)
        listing = self.listing()
        close = difflib.get_close_matches(symbol, here or [s for _, s in layout], n=1)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        return DataValidationError(
            f"no data for {symbol} at timeframe {timeframe}{guess} "
            f"(catalog {self.root} holds: {listing})",
            path=str(self.root / dataset_relpath(symbol, timeframe)),
            field="symbol",
            hint="import it with `python -m cli.data import FILE --symbol S --timeframe TF`",
        )


def missing_directory(root: Path) -> DataValidationError:
    """The error for a catalog directory that does not exist."""
    return DataValidationError(
        f"no such directory: {root}",
        field="data.catalog",
        hint="pass an existing catalog folder, or a .csv or .parquet file, to --data",
    )


def _spacing_fix(symbol: str, path: Path) -> str:
    return (
        f"the series was imported with the wrong timeframe: delete {path} and "
        f"re-import its file with `python -m cli.data import FILE --symbol {symbol} "
        "--timeframe {suggested}`"
    )


def _check_range(start_ns: int | None, end_ns: int | None) -> None:
    if start_ns is not None and end_ns is not None and start_ns > end_ns:
        first, after = (pd.Timestamp(ns, unit="ns", tz="UTC").isoformat() for ns in
                        (start_ns, end_ns))
        raise DataValidationError(
            f"the range starts at {first}, after its end {after}",
            field="start",
            hint="give a start on or before the end (start inclusive, end exclusive)",
        )
