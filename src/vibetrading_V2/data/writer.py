"""The only code that writes into a curated catalog: one validated dataset at a time.

Kept apart from :class:`ParquetCatalog` so that the runtime's data source cannot write by
construction; only the import command builds a ``CatalogWriter``.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.catalog import ParquetCatalog
from vibetrading_V2.data.manifest import (
    MANIFEST_NAME,
    DatasetEntry,
    entry_for_file,
    read_manifest,
    write_manifest,
)
from vibetrading_V2.data.parquet_io import write_bars
from vibetrading_V2.data.schema import (
    BarArrays,
    check_symbol,
    check_timeframe,
    dataset_relpath,
)
from vibetrading_V2.data.spacing import check_spacing
from vibetrading_V2.data.validation import CHECKS_VERSION, check_bar_arrays

__all__ = ["CatalogWriter"]


class CatalogWriter:
    """Add or replace datasets in a catalog directory and keep its manifest in step."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def write(
        self,
        bars: BarArrays,
        symbol: str,
        timeframe: str,
        *,
        replace: bool = False,
        source: str | None = None,
        source_sha256: str | None = None,
    ) -> DatasetEntry:
        """Validate ``bars``, write them as ``symbol`` at ``timeframe`` and update the manifest.

        Refuses an empty dataset, bars whose spacing contradicts ``timeframe``, and an
        existing dataset unless ``replace``. ``source`` (a file
        name, not a full path, so the manifest does not depend on where the input lived) and
        ``source_sha256`` are recorded in the manifest as provenance.
        """
        check_symbol(symbol)
        check_timeframe(timeframe)
        relpath = dataset_relpath(symbol, timeframe)
        path = self.root / relpath
        if path.exists() and not replace:
            raise DataValidationError(
                f"{symbol} {timeframe} already exists in the catalog",
                path=str(path),
                hint="pass --replace to overwrite it",
            )
        if bars.rows == 0:
            raise DataValidationError(
                "no bars to import", path=source, hint="the input file has no data rows"
            )
        check_bar_arrays(bars, source=source or str(path))
        check_spacing(
            bars.ts_ns,
            timeframe,
            source=source or str(path),
            fix=f"if these are {{suggested}} bars, import them with --timeframe {{suggested}}; "
            f"otherwise resample them to {timeframe} before importing",
        )
        entries = self._current_entries()
        write_bars(bars, path)
        described = entry_for_file(self.root, symbol, timeframe, source=source,
                                   source_sha256=source_sha256)
        entry = dataclasses.replace(described, checked=CHECKS_VERSION)  # checked above
        entries[entry.key] = entry
        write_manifest(self.root / MANIFEST_NAME, entries.values())
        return entry

    def _current_entries(self) -> dict[tuple[str, str], DatasetEntry]:
        """The manifest's entries, plus entries for files that it does not list yet."""
        entries = read_manifest(self.root / MANIFEST_NAME) or {}
        catalog = ParquetCatalog(self.root)
        for timeframe in catalog.timeframes():
            for symbol in catalog.symbols(timeframe):
                if (timeframe, symbol) not in entries:
                    entries[(timeframe, symbol)] = entry_for_file(self.root, symbol, timeframe)
        return entries
