"""Importing CSV and parquet files: bad rows refused with file line, good files byte-stable."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data import ParquetCatalog
from vibetrading_V2.data.ingest import import_bars_file
from vibetrading_V2.data.manifest import DatasetEntry, read_manifest

HEADER = ",Open,High,Low,Close,Volume"
GOOD = [
    "2017-04-19 09:00:00,1.0716,1.0722,1.07083,1.07219,1413",
    "2017-04-19 10:00:00,1.07214,1.07296,1.07214,1.0726,1241",
    "2017-04-19 11:00:00,1.07256,1.07299,1.0717,1.07192,1025",
    "2017-04-19 12:00:00,1.07195,1.0728,1.07195,1.07202,1460",
]


def _csv(tmp_path: Path, lines: list[str], name: str = "bars.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _import(path: Path, root: Path, *, replace: bool = False) -> DatasetEntry:
    return import_bars_file(
        path, symbol="EURUSD", timeframe="1h", catalog_root=root, replace=replace
    )


def _replace_row(row: int, line: str) -> list[str]:
    lines = list(GOOD)
    lines[row] = line
    return lines


BAD_ROWS = [
    pytest.param(
        _replace_row(2, "2017-04-19 11:00:00,1.07256,,1.0717,1.07192,1025"),
        "NaN or infinite high price at row 2 (timestamp 2017-04-19T11:00:00Z",
        id="nan-price",
    ),
    pytest.param(
        _replace_row(1, "2017-04-19 10:00:00,0,1.07296,1.07214,1.0726,1241"),
        "non-positive open price at row 1",
        id="non-positive",
    ),
    pytest.param(
        _replace_row(3, "2017-04-19 12:00:00,1.07195,1.07,1.07195,1.07202,1460"),
        "high < low at row 3",
        id="high-below-low",
    ),
    pytest.param(
        _replace_row(0, "2017-04-19 09:00:00,1.08,1.0722,1.07083,1.07219,1413"),
        "open outside [low, high] at row 0",
        id="open-outside",
    ),
    pytest.param(
        _replace_row(1, "2017-04-19 10:00:00,1.07214,1.07296,1.07214,1.0,1241"),
        "close outside [low, high] at row 1",
        id="close-outside",
    ),
    pytest.param(
        _replace_row(2, "2017-04-19 11:00:00,1.07256,1.07299,1.0717,1.07192,-5"),
        "negative volume at row 2",
        id="negative-volume",
    ),
    pytest.param(
        [GOOD[0], GOOD[2], GOOD[1], GOOD[3]], "timestamps not sorted at row 2", id="unsorted"
    ),
    pytest.param(
        [GOOD[0], GOOD[1], GOOD[1], GOOD[2]], "duplicate timestamp at row 2", id="duplicate"
    ),
    pytest.param(
        _replace_row(1, "2017-04-19 10:00:00+00:00,1.07214,1.07296,1.07214,1.0726,1241"),
        "mixed naive and zone-aware timestamps (row 0 is naive) at row 1",
        id="naive-aware-mix",
    ),
    pytest.param(
        [
            "2017-04-19 09:00:00+01:00,1.0716,1.0722,1.07083,1.07219,1413",
            "2017-04-19 10:00:00+02:00,1.07214,1.07296,1.07214,1.0726,1241",
        ],
        "timestamps with differing UTC offsets (row 0 has +01:00) at row 1",
        id="differing-offsets",
    ),
    pytest.param(
        _replace_row(2, "19/04/2017 11h,1.07256,1.07299,1.0717,1.07192,1025"),
        "unparseable timestamp at row 2 (timestamp value '19/04/2017 11h')",
        id="unparseable-timestamp",
    ),
    pytest.param(
        _replace_row(1, "2017-04-19 10:00:00,1.07214,1.07296,1.07214,one,1241"),
        "unparseable number in column 'close' at row 1",
        id="unparseable-number",
    ),
    pytest.param([GOOD[0], "", GOOD[1]], "unparseable timestamp at row 1", id="blank-line"),
]


@pytest.mark.parametrize(("lines", "expected"), BAD_ROWS)
def test_import_csv_when_row_is_bad_then_refused_with_file_line_and_nothing_written(
    tmp_path: Path, lines: list[str], expected: str
) -> None:
    path = _csv(tmp_path, lines)
    root = tmp_path / "catalog"
    with pytest.raises(DataValidationError) as info:
        _import(path, root)
    assert expected in info.value.message
    row = int(expected.split(" at row ")[1].split()[0])
    assert info.value.path == str(path)
    assert info.value.line == row + 2  # header is line 1
    assert not root.exists()


def test_import_csv_when_column_missing_then_error_names_it(tmp_path: Path) -> None:
    path = _csv(tmp_path, [",".join(r.split(",")[:5]) for r in GOOD], header=",Open,High,Low,Close")
    with pytest.raises(DataValidationError, match=r"missing column\(s\) volume"):
        _import(path, tmp_path / "catalog")


def test_import_csv_when_extra_column_then_refused_not_dropped(tmp_path: Path) -> None:
    path = _csv(tmp_path, [r + ",1" for r in GOOD], header=HEADER + ",Dividends")
    with pytest.raises(DataValidationError, match=r"unexpected column.*'Dividends'") as info:
        _import(path, tmp_path / "catalog")
    assert info.value.line == 1
    assert "--column" in str(info.value.hint)


def test_import_csv_when_column_repeated_in_other_case_then_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, [r + ",1" for r in GOOD], header=HEADER + ",close")
    with pytest.raises(DataValidationError, match="'Close', 'close' all map to close"):
        _import(path, tmp_path / "catalog")


def test_import_csv_when_row_has_extra_fields_then_refused(tmp_path: Path) -> None:
    path = _csv(tmp_path, [*GOOD[:2], GOOD[2] + ",9,9"])
    with pytest.raises(DataValidationError, match="cannot parse CSV"):
        _import(path, tmp_path / "catalog")


def test_import_csv_when_file_empty_or_header_only_then_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match="the file is empty"):
        _import(empty, tmp_path / "catalog")
    with pytest.raises(DataValidationError, match="no bars to import"):
        _import(_csv(tmp_path, []), tmp_path / "catalog")


def test_import_when_file_missing_or_unsupported_then_refused(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="no such file"):
        _import(tmp_path / "nope.csv", tmp_path / "catalog")
    other = tmp_path / "bars.xlsx"
    other.write_bytes(b"x")
    with pytest.raises(DataValidationError, match=r"unsupported file type '\.xlsx'"):
        _import(other, tmp_path / "catalog")


def test_import_csv_when_valid_then_loads_back_exact_values(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    _import(_csv(tmp_path, GOOD), root)
    frame = ParquetCatalog(root).load_bars("EURUSD", "1h")
    expected = [[float(x) for x in line.split(",")[1:]] for line in GOOD]
    assert frame.to_numpy().tolist() == expected
    assert frame.index[0] == pd.Timestamp("2017-04-19 09:00", tz="UTC")


def test_import_when_same_csv_twice_then_identical_bytes_and_manifest(tmp_path: Path) -> None:
    path = _csv(tmp_path, GOOD)
    first, second = tmp_path / "a", tmp_path / "b"
    entry = _import(path, first)
    _import(path, second)
    relpath = "1h/EURUSD.parquet"
    assert (first / relpath).read_bytes() == (second / relpath).read_bytes()
    assert (first / "manifest.json").read_bytes() == (second / "manifest.json").read_bytes()
    manifest = read_manifest(first / "manifest.json")
    assert manifest is not None and manifest[("1h", "EURUSD")] == entry


def test_import_parquet_file_when_valid_then_same_bytes_as_csv_import(tmp_path: Path) -> None:
    csv_path = _csv(tmp_path, GOOD)
    frame = pd.read_csv(csv_path, index_col=0, parse_dates=True)
    frame.index = pd.DatetimeIndex(frame.index).tz_localize("UTC")
    parquet_path = tmp_path / "bars.parquet"
    frame.to_parquet(parquet_path)
    _import(csv_path, tmp_path / "a")
    _import(parquet_path, tmp_path / "b")
    relpath = "1h/EURUSD.parquet"
    assert (tmp_path / "a" / relpath).read_bytes() == (tmp_path / "b" / relpath).read_bytes()


def test_import_when_dataset_exists_then_refused_unless_replace(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    _import(_csv(tmp_path, GOOD), root)
    shorter = _csv(tmp_path, GOOD[:2], name="short.csv")
    with pytest.raises(DataValidationError, match="already exists") as info:
        _import(shorter, root)
    assert "--replace" in str(info.value)
    _import(shorter, root, replace=True)
    manifest = read_manifest(root / "manifest.json")
    assert manifest is not None and manifest[("1h", "EURUSD")].rows == 2
    assert manifest[("1h", "EURUSD")].source == "short.csv"
    assert len(ParquetCatalog(root).load_bars("EURUSD", "1h")) == 2


def test_import_when_catalog_has_unlisted_files_then_manifest_gains_them(tmp_path: Path) -> None:
    root = tmp_path / "catalog"
    _import(_csv(tmp_path, GOOD), root)
    (root / "manifest.json").unlink()
    import_bars_file(_csv(tmp_path, GOOD), symbol="GBPUSD", timeframe="1h", catalog_root=root)
    manifest = read_manifest(root / "manifest.json")
    assert manifest is not None and set(manifest) == {("1h", "EURUSD"), ("1h", "GBPUSD")}
    assert manifest[("1h", "EURUSD")].source is None
    assert pq.ParquetFile(root / "1h" / "GBPUSD.parquet").metadata.num_rows == 4
