"""The catalog manifest: a small, sorted, human-readable JSON record of every dataset.

It lets a reader see what the catalog holds without opening parquet, and its sha256 per
file lets the catalog refuse a file that changed after import. Written deterministically
(sorted keys, sorted datasets, fixed indentation) so that re-importing the same data leaves
the manifest byte-identical.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.parquet_io import file_sha256, read_columns, schema_columns
from vibetrading_V2.data.schema import dataset_relpath, format_ts
from vibetrading_V2.data.sessions import detect_session

__all__ = [
    "MANIFEST_NAME",
    "DatasetEntry",
    "entry_for_file",
    "read_manifest",
    "write_manifest",
]

MANIFEST_NAME = "manifest.json"
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class DatasetEntry:
    """What the manifest says about one dataset (one symbol at one timeframe)."""

    symbol: str
    timeframe: str
    path: str
    columns: tuple[str, ...]
    timezone: str
    rows: int
    first_timestamp: str | None
    last_timestamp: str | None
    sha256: str
    source: str | None = None
    source_sha256: str | None = None
    session: str | None = None  # "24x7", "24x5" or "exchange", detected on import
    bars_per_session: int | None = None  # of intraday exchange bars
    checked: int | None = None
    """The version of the bar checks (``validation.CHECKS_VERSION``) the bars passed when
    the catalog's writer wrote them; ``None``: a file the writer did not check."""

    @property
    def key(self) -> tuple[str, str]:
        return (self.timeframe, self.symbol)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["columns"] = list(self.columns)
        return data


def read_manifest(path: Path) -> dict[tuple[str, str], DatasetEntry] | None:
    """The entries keyed by ``(timeframe, symbol)``, or ``None`` if there is no manifest."""
    if not path.is_file():
        return None
    try:
        with path.open("r", encoding="utf-8") as handle:
            data = json.load(handle)
        datasets = data["datasets"]
        entries = [_entry(item) for item in datasets]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise DataValidationError(
            f"cannot read the catalog manifest: {type(exc).__name__}: {exc}",
            path=str(path),
            hint="restore it from git, or delete it and re-import the datasets",
        ) from None
    result: dict[tuple[str, str], DatasetEntry] = {}
    for entry in entries:
        if entry.key in result:
            raise DataValidationError(
                f"the manifest lists {entry.symbol} {entry.timeframe} twice",
                path=str(path),
                hint="restore it from git, or delete it and re-import the datasets",
            )
        result[entry.key] = entry
    return result


def write_manifest(path: Path, entries: Iterable[DatasetEntry]) -> None:
    """Write the manifest atomically; datasets sorted by timeframe then symbol."""
    ordered = sorted(entries, key=lambda e: e.key)
    document = {"format": _FORMAT, "datasets": [e.to_json() for e in ordered]}
    text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with tmp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _entry(item: Mapping[str, Any]) -> DatasetEntry:
    if not isinstance(item, Mapping):
        raise TypeError(f"a dataset entry must be an object, got {item!r}")
    return DatasetEntry(
        symbol=str(item["symbol"]),
        timeframe=str(item["timeframe"]),
        path=str(item["path"]),
        columns=tuple(str(c) for c in item["columns"]),
        timezone=str(item["timezone"]),
        rows=int(item["rows"]),
        first_timestamp=_opt(item.get("first_timestamp")),
        last_timestamp=_opt(item.get("last_timestamp")),
        sha256=str(item["sha256"]),
        source=_opt(item.get("source")),
        source_sha256=_opt(item.get("source_sha256")),
        session=_opt(item.get("session")),
        bars_per_session=_opt_int(item.get("bars_per_session")),
        checked=_opt_int(item.get("checked")),
    )


def _opt(value: object) -> str | None:
    return None if value is None else str(value)


def _opt_int(value: object) -> int | None:
    return None if value is None else int(str(value))


def entry_for_file(
    root: Path,
    symbol: str,
    timeframe: str,
    *,
    source: str | None = None,
    source_sha256: str | None = None,
) -> DatasetEntry:
    """Describe the dataset file of ``symbol`` at ``timeframe`` under ``root`` from its bytes.

    The session is detected from the timestamps (see :mod:`vibetrading_V2.data.sessions`).
    """
    relpath = dataset_relpath(symbol, timeframe)
    path = root / relpath
    ts, _ = read_columns(path, ())
    session = detect_session(ts, timeframe)
    return DatasetEntry(
        symbol=symbol,
        timeframe=timeframe,
        path=relpath,
        columns=tuple(schema_columns(path)),
        timezone="UTC",
        rows=int(ts.size),
        first_timestamp=format_ts(int(ts[0])) if ts.size else None,
        last_timestamp=format_ts(int(ts[-1])) if ts.size else None,
        sha256=file_sha256(path),
        source=source,
        source_sha256=source_sha256,
        session=session.kind,
        bars_per_session=session.bars_per_session,
    )
