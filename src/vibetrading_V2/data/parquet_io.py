"""Parquet bytes in and out: a deterministic writer and a read-only, filtered reader.

The writer pins every pyarrow option that shapes the file, and writes no pandas metadata,
so the same bars give the same bytes (and the same sha256 in the manifest) with the same
pyarrow version. The reader opens files for reading only and pushes column projection and
the time-range filter into pyarrow.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.problems import first_row, row_error
from vibetrading_V2.data.schema import (
    BAR_COLUMNS,
    TIMESTAMP,
    BarArrays,
    Float64Array,
    Int64Array,
)

__all__ = [
    "TIMESTAMP_TYPE",
    "file_sha256",
    "has_curated_schema",
    "read_columns",
    "read_pieces",
    "schema_columns",
    "write_bars",
]

TIMESTAMP_TYPE = pa.timestamp("ns", tz="UTC")
_ROW_GROUP_ROWS = 1 << 20
_HASH_CHUNK = 1 << 20
_READ_BUFFER = 1 << 16  # bytes read at a time: without it a column chunk is read whole


def write_bars(bars: BarArrays, path: Path) -> None:
    """Write ``bars`` to ``path`` atomically (temp file, then rename) with fixed options."""
    table = pa.table(
        {
            TIMESTAMP: pa.array(bars.ts_ns, type=pa.int64()).cast(TIMESTAMP_TYPE),
            **{name: pa.array(getattr(bars, name), type=pa.float64()) for name in BAR_COLUMNS},
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        pq.write_table(
            table,
            str(tmp),
            row_group_size=_ROW_GROUP_ROWS,
            version="2.6",
            use_dictionary=False,
            compression="zstd",
            compression_level=3,
            write_statistics=True,
            data_page_version="1.0",
            store_schema=True,
            sorting_columns=[pq.SortingColumn(0)],
        )
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def has_curated_schema(path: Path) -> bool:
    """Whether a parquet file holds exactly the curated columns and types (as we write them)."""
    try:
        with path.open("rb") as handle:
            schema = pq.read_schema(handle)
    except (OSError, pa.ArrowInvalid):
        return False
    expected = {TIMESTAMP: TIMESTAMP_TYPE, **{name: pa.float64() for name in BAR_COLUMNS}}
    return sorted(schema.names) == sorted(expected) and all(
        schema.field(name).type == kind for name, kind in expected.items()
    )


def schema_columns(path: Path) -> list[str]:
    """Column names stored in a parquet file (reads the footer only)."""
    try:
        with path.open("rb") as handle:
            return list(pq.read_schema(handle).names)
    except (OSError, pa.ArrowInvalid) as exc:
        raise _unreadable(path, exc) from None


def read_columns(
    path: Path,
    columns: Sequence[str],
    start_ns: int | None = None,
    end_ns: int | None = None,
) -> tuple[Int64Array, dict[str, Float64Array]]:
    """Read ``timestamp`` and ``columns`` of rows with ``start_ns <= ts < end_ns``.

    Returns the timestamps as int64 UTC nanoseconds and each column as float64 (nulls become
    NaN, which the validator then refuses). Raises ``DataValidationError`` if the file is not
    parquet or its timestamp column is not a UTC timestamp.
    """
    source = str(path)
    try:
        dataset = ds.dataset(source, format="parquet")
        schema = dataset.schema
    except (OSError, pa.ArrowInvalid) as exc:
        raise _unreadable(path, exc) from None
    ts_type = _timestamp_type(schema, source)
    ts_field = ds.field(TIMESTAMP)
    condition = None
    if start_ns is not None:
        condition = ts_field >= pa.scalar(start_ns, type=pa.int64()).cast(ts_type)
    if end_ns is not None:
        upper = ts_field < pa.scalar(end_ns, type=pa.int64()).cast(ts_type)
        condition = upper if condition is None else condition & upper
    try:
        table = dataset.to_table(columns=[TIMESTAMP, *columns], filter=condition)
    except (OSError, pa.ArrowInvalid) as exc:
        raise _unreadable(path, exc) from None
    return _timestamps(table.column(TIMESTAMP), source), {
        name: _floats(table.column(name), name, source) for name in columns
    }


def read_pieces(
    path: Path,
    columns: Sequence[str],
    piece_rows: int,
    start_ns: int | None = None,
    end_ns: int | None = None,
) -> Iterator[tuple[Int64Array, dict[str, Float64Array]]] | None:
    """:func:`read_columns` piece by piece: about ``piece_rows`` rows at a time, in file order.

    The file's schema is checked before this returns (the same errors as
    :func:`read_columns`); row groups outside the range are skipped by their statistics.
    Returns ``None`` when the timestamp column may hold nulls (no statistics say it
    cannot): such a file is for :func:`read_columns`, whose error names the null rows.
    """
    source = str(path)
    try:
        parquet = pq.ParquetFile(source, buffer_size=_READ_BUFFER, pre_buffer=False)
        schema = parquet.schema_arrow
    except (OSError, pa.ArrowInvalid) as exc:
        raise _unreadable(path, exc) from None
    _timestamp_type(schema, source)
    for name in columns:
        if name not in schema.names:
            raise _unreadable(path, KeyError(f"no column {name!r}"))
        _check_number_type(schema.field(name).type, name, source)
    groups = _row_groups(parquet.metadata, schema.get_field_index(TIMESTAMP), start_ns, end_ns)
    if groups is None:
        return None
    return _pieces(parquet, path, [TIMESTAMP, *columns], groups, piece_rows, (start_ns, end_ns))


def _row_groups(
    metadata: pq.FileMetaData, ts_column: int, start_ns: int | None, end_ns: int | None
) -> list[int] | None:
    """The row groups that may hold rows in the range, or ``None`` if nulls are possible."""
    groups = []
    for number in range(metadata.num_row_groups):
        stats = metadata.row_group(number).column(ts_column).statistics
        if stats is None or not stats.has_null_count or stats.null_count:
            return None
        if stats.has_min_max:
            low, high = int(stats.min_raw), int(stats.max_raw)  # the stored int64 ns
            if (start_ns is not None and high < start_ns) or (
                end_ns is not None and low >= end_ns
            ):
                continue
        groups.append(number)
    return groups


def _pieces(
    parquet: pq.ParquetFile,
    path: Path,
    names: list[str],
    groups: list[int],
    piece_rows: int,
    bounds: tuple[int | None, int | None],
) -> Iterator[tuple[Int64Array, dict[str, Float64Array]]]:
    start_ns, end_ns = bounds
    try:
        for batch in parquet.iter_batches(batch_size=piece_rows, row_groups=groups,
                                          columns=names, use_threads=False):
            ts = np.ascontiguousarray(
                pc.cast(batch.column(0), pa.int64()).to_numpy(), dtype=np.int64)
            keep = None
            if start_ns is not None:
                keep = ts >= start_ns
            if end_ns is not None:
                keep = ts < end_ns if keep is None else keep & (ts < end_ns)
            cols = {
                name: np.ascontiguousarray(pc.cast(batch.column(i + 1), pa.float64())
                                           .to_numpy(zero_copy_only=False), dtype=np.float64)
                for i, name in enumerate(names[1:])
            }
            if keep is not None and not keep.all():
                ts, cols = ts[keep], {name: values[keep] for name, values in cols.items()}
            yield ts, cols
    except (OSError, pa.ArrowInvalid) as exc:
        raise _unreadable(path, exc) from None
    finally:
        parquet.close()


def _timestamp_type(schema: pa.Schema, source: str) -> pa.DataType:
    """The timestamp column's type; raise unless it is ``timestamp[ns, tz=UTC]``."""
    ts_type = schema.field(TIMESTAMP).type if TIMESTAMP in schema.names else None
    if not (
        isinstance(ts_type, pa.TimestampType)
        and ts_type.unit == "ns"
        and ts_type.tz in ("UTC", "+00:00")
    ):
        raise DataValidationError(
            f"column {TIMESTAMP!r} must be timestamp[ns, tz=UTC], found {ts_type}",
            path=source,
            field=TIMESTAMP,
            hint="re-import the dataset with `python -m cli.data import ... --replace`",
        )
    return ts_type


def _unreadable(path: Path, exc: Exception) -> DataValidationError:
    return DataValidationError(
        f"cannot read parquet file: {exc}",
        path=str(path),
        hint="restore the file, or re-import it with `python -m cli.data import ... --replace`",
    )


def _timestamps(column: pa.ChunkedArray, source: str) -> Int64Array:
    if column.null_count:
        found = first_row(np.asarray(pc.is_null(column)))
        row, count = found if found is not None else (0, column.null_count)
        raise row_error(
            "missing timestamp",
            row,
            count,
            at="timestamp null",
            source=source,
            field=TIMESTAMP,
            hint="re-import the dataset from a source with a timestamp on every bar",
        )
    ns = pc.cast(column, pa.int64())
    return np.ascontiguousarray(ns.to_numpy(), dtype=np.int64)


def _floats(column: pa.ChunkedArray, name: str, source: str) -> Float64Array:
    _check_number_type(column.type, name, source)
    values = pc.cast(column, pa.float64()).to_numpy()
    return np.ascontiguousarray(values, dtype=np.float64)


def _check_number_type(kind: pa.DataType, name: str, source: str) -> None:
    if not (pa.types.is_floating(kind) or pa.types.is_integer(kind)):
        raise DataValidationError(
            f"column {name!r} has type {kind}, not a number",
            path=source,
            field=name,
            hint="re-import the dataset with `python -m cli.data import ... --replace`",
        )
