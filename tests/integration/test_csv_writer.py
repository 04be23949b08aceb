"""write_csv streams in chunks and writes the same bytes as the per-cell rules."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vibetrading_V2.ops.csv_writer import write_csv

COLUMNS = ("time", "value", "text")


def _frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    value = 100_000 + np.cumsum(rng.normal(0, 10, n))
    value[1::7] = value[::7][: len(value[1::7])]  # runs of equal values
    value[5::11] = np.nan
    return pd.DataFrame({
        "time": pd.date_range("2024-01-01", periods=n, freq="min", tz="UTC"),
        "value": value,
        "text": [None if i % 5 == 4 else f"r{i}" if i % 3 else "a,\"b\"" for i in range(n)],
        "count": np.arange(n),
        "maybe": pd.array([None if i % 4 == 0 else i / 8 for i in range(n)], dtype="Float64"),
    })  # fmt: skip


def _reference(frame: pd.DataFrame) -> bytes:
    """The same table through the csv module, one Python call per cell."""
    def cell(value: object) -> str:
        if isinstance(value, pd.Timestamp):
            return value.strftime("%Y-%m-%dT%H:%M:%SZ")
        if isinstance(value, float):
            return "" if value != value else format(value, ".15g")
        return "" if value is None or value is pd.NA else str(value)

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(frame.columns)
    writer.writerows([cell(v) for v in row] for row in frame.astype(object).itertuples(False))
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("n", [0, 1, 5, 1000])
def test_write_csv_when_chunked_then_same_bytes_as_per_cell_rules(
    tmp_path: Path, n: int
) -> None:
    frame = _frame(n)
    whole = write_csv(tmp_path / "whole.csv", "t", frame, COLUMNS).read_bytes()
    chunked = write_csv(tmp_path / "chunks.csv", "t", frame, COLUMNS, chunk_rows=3)
    assert chunked.read_bytes() == whole
    assert whole == _reference(frame)


def test_write_csv_when_empty_frame_lacks_columns_then_header_only(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "e.csv", "t", pd.DataFrame(), COLUMNS)
    assert path.read_bytes() == b"time,value,text\n"


def test_write_csv_when_naive_times_then_value_error_names_column(tmp_path: Path) -> None:
    frame = pd.DataFrame({"time": pd.date_range("2024-01-01", periods=2), "value": [1.0, 2.0],
                          "text": ["a", "b"]})
    with pytest.raises(ValueError, match=r"t\.time.*time zone"):
        write_csv(tmp_path / "n.csv", "t", frame, COLUMNS)


def test_write_csv_when_object_column_mixes_equal_numbers_then_each_written_as_itself(
    tmp_path: Path,
) -> None:
    frame = pd.DataFrame({"time": pd.date_range("2024-01-01", periods=4, tz="UTC"),
                          "value": [1.0] * 4, "text": pd.array([True, 1, 1.0, None], dtype=object)})
    text = write_csv(tmp_path / "m.csv", "t", frame, COLUMNS).read_text()
    assert [line.split(",")[2] for line in text.splitlines()[1:]] == ["True", "1", "1", ""]
