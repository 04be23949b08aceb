"""ParquetCatalog on the shipped files and on tmp catalogs: load, filter, refuse, never write."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data import ParquetCatalog, ReplayFeed
from vibetrading_V2.data.ingest import import_bars_file
from vibetrading_V2.data.manifest import read_manifest
from vibetrading_V2.data.parquet_io import file_sha256

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "curated"
HOUR_NS = 3_600_000_000_000


def _ns(text: str) -> int:
    return pd.Timestamp(text, tz="UTC").value


def _copy_shipped(tmp_path: Path, *, manifest: bool = True) -> Path:
    root = tmp_path / "curated"
    shutil.copytree(SHIPPED, root)
    if not manifest:
        (root / "manifest.json").unlink()
    return root


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


def test_shipped_eurusd_when_loaded_then_5000_valid_hourly_bars() -> None:
    frame = ParquetCatalog(SHIPPED).load_bars("EURUSD", "1h")
    assert len(frame) == 5000
    assert list(frame.columns) == ["open", "high", "low", "close", "volume"]
    assert str(frame.index.dtype) == "datetime64[ns, UTC]" and frame.index.name == "timestamp"
    assert all(dtype == np.float64 for dtype in frame.dtypes)
    assert frame.index[0] == pd.Timestamp("2017-04-19 09:00", tz="UTC")
    assert frame.index[-1] == pd.Timestamp("2018-02-07 15:00", tz="UTC")
    # first and last CSV rows, as recorded
    assert frame.iloc[0].tolist() == [1.0716, 1.0722, 1.07083, 1.07219, 1413.0]
    assert frame.iloc[-1].tolist() == [1.23427, 1.23444, 1.22904, 1.22904, 6143.0]


def test_shipped_btcusd_when_loaded_then_156_valid_monthly_bars() -> None:
    bars = ParquetCatalog(SHIPPED).load_arrays("BTCUSD", "1M")
    assert bars.rows == 156
    assert bars.ts_ns[0] == _ns("2012-01-31") and bars.ts_ns[-1] == _ns("2024-12-31")
    assert (bars.close[0], bars.close[-1]) == (5.55, 93381.0)


def test_shipped_manifest_when_read_then_matches_files() -> None:
    manifest = read_manifest(SHIPPED / "manifest.json")
    assert manifest is not None and set(manifest) == {("1h", "EURUSD"), ("1M", "BTCUSD")}
    for entry in manifest.values():
        assert file_sha256(SHIPPED / entry.path) == entry.sha256
        assert entry.timezone == "UTC"
    assert manifest[("1h", "EURUSD")].rows == 5000
    assert manifest[("1M", "BTCUSD")].rows == 156
    text = (SHIPPED / "manifest.json").read_text(encoding="utf-8")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True) + "\n"


def test_shipped_file_when_reimported_then_byte_identical(tmp_path: Path) -> None:
    shipped = SHIPPED / "1h" / "EURUSD.parquet"
    if pq.ParquetFile(shipped).metadata.created_by != f"parquet-cpp-arrow version {pa.__version__}":
        pytest.skip("shipped file was written by another pyarrow version")
    entry = import_bars_file(shipped, symbol="EURUSD", timeframe="1h", catalog_root=tmp_path)
    assert (tmp_path / entry.path).read_bytes() == shipped.read_bytes()


def test_catalog_symbols_when_timeframe_given_then_only_its_symbols() -> None:
    catalog = ParquetCatalog(SHIPPED)
    assert catalog.symbols() == ["BTCUSD", "EURUSD"]
    assert catalog.symbols("1h") == ["EURUSD"]
    assert catalog.symbols("4h") == []


def test_load_bars_when_range_given_then_start_inclusive_end_exclusive() -> None:
    start, end = _ns("2017-05-01 00:00"), _ns("2017-05-01 05:00")
    frame = ParquetCatalog(SHIPPED).load_bars("EURUSD", "1h", start, end)
    assert frame.index[0].value == start
    assert frame.index[-1].value == end - HOUR_NS
    assert len(frame) == 5


def test_load_bars_when_columns_given_then_only_those_in_that_order() -> None:
    frame = ParquetCatalog(SHIPPED).load_bars("EURUSD", "1h", columns=["close", "open"])
    assert list(frame.columns) == ["close", "open"]
    assert len(frame) == 5000


def test_load_bars_when_column_unknown_then_error_lists_stored_columns() -> None:
    with pytest.raises(DataValidationError, match=r"unknown column.*sma.*open, high"):
        ParquetCatalog(SHIPPED).load_bars("EURUSD", "1h", columns=["sma"])


def test_load_arrays_when_compared_with_load_bars_then_same_values() -> None:
    catalog = ParquetCatalog(SHIPPED)
    frame = catalog.load_bars("EURUSD", "1h")
    bars = catalog.load_arrays("EURUSD", "1h")
    assert np.array_equal(bars.ts_ns, pd.DatetimeIndex(frame.index).asi8)
    for name in ("open", "high", "low", "close", "volume"):
        assert np.array_equal(getattr(bars, name), frame[name].to_numpy())


def test_load_when_symbol_unknown_then_error_lists_available() -> None:
    with pytest.raises(DataValidationError) as info:
        ParquetCatalog(SHIPPED).load_bars("EURUSE", "1h")
    assert "did you mean 'EURUSD'" in info.value.message
    assert "BTCUSD 1M, EURUSD 1h" in info.value.message


def test_load_when_timeframe_unknown_then_error_lists_available() -> None:
    with pytest.raises(DataValidationError, match=r"EURUSD at timeframe 4h.*EURUSD 1h"):
        ParquetCatalog(SHIPPED).load_arrays("EURUSD", "4h")


def test_load_when_range_reversed_then_error() -> None:
    with pytest.raises(DataValidationError, match="after its end"):
        ParquetCatalog(SHIPPED).load_arrays("EURUSD", "1h", start_ns=2, end_ns=1)


def test_load_when_file_changed_after_import_then_sha_mismatch_error(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path)
    path = root / "1mo" / "BTCUSD.parquet"
    table = pq.read_table(path)
    pq.write_table(table.slice(0, 100), path)  # still valid bars, but not the imported file
    with pytest.raises(DataValidationError) as info:
        ParquetCatalog(root).load_bars("BTCUSD", "1M")
    assert "manifest/sha256 mismatch" in info.value.message
    assert info.value.path == str(path)


def test_load_when_manifest_lists_missing_file_then_error_says_so(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path)
    (root / "1mo" / "BTCUSD.parquet").unlink()
    with pytest.raises(DataValidationError, match=r"manifest lists BTCUSD 1M.*missing"):
        ParquetCatalog(root).load_bars("BTCUSD", "1M")
    with pytest.raises(DataValidationError, match="missing"):
        ParquetCatalog(root).entries()


def test_load_when_file_not_in_manifest_then_error(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path)
    shutil.copy(root / "1h" / "EURUSD.parquet", root / "1h" / "GBPUSD.parquet")
    with pytest.raises(DataValidationError, match="GBPUSD 1h is in the catalog but not in"):
        ParquetCatalog(root).load_bars("GBPUSD", "1h")


def test_catalog_when_no_manifest_then_works_from_layout(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path, manifest=False)
    catalog = ParquetCatalog(root)
    assert catalog.symbols() == ["BTCUSD", "EURUSD"]
    assert len(catalog.load_bars("EURUSD", "1h")) == 5000
    assert [e.rows for e in catalog.entries()] == [156, 5000]


def test_load_when_file_holds_bad_bars_then_refused_with_row(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path, manifest=False)
    path = root / "1h" / "EURUSD.parquet"
    table = pq.read_table(path)
    high = table.column("high").to_numpy().copy()
    high[7] = 0.5  # below low
    pq.write_table(table.set_column(2, "high", pa.array(high)), path)
    with pytest.raises(DataValidationError) as info:
        ParquetCatalog(root).load_bars("EURUSD", "1h")
    assert "high < low at row 7 (timestamp 2017-04-19T16:00:00Z" in info.value.message
    assert info.value.path == str(path)


def test_load_when_file_holds_null_price_then_refused(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path, manifest=False)
    path = root / "1h" / "EURUSD.parquet"
    table = pq.read_table(path)
    values = table.column("close").to_pylist()
    close = pa.array([None if i == 3 else v for i, v in enumerate(values)])
    pq.write_table(table.set_column(4, "close", close), path)
    with pytest.raises(DataValidationError, match="NaN or infinite close price at row 3"):
        ParquetCatalog(root).load_arrays("EURUSD", "1h")


def test_load_when_file_is_not_parquet_then_refused(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path, manifest=False)
    (root / "1h" / "EURUSD.parquet").write_bytes(b"not parquet at all")
    with pytest.raises(DataValidationError, match="cannot read parquet"):
        ParquetCatalog(root).load_bars("EURUSD", "1h")


def test_load_when_timestamp_not_utc_then_refused(tmp_path: Path) -> None:
    root = tmp_path / "curated"
    (root / "1h").mkdir(parents=True)
    table = pa.table(
        {
            "timestamp": pa.array([0, HOUR_NS], type=pa.timestamp("ns")),
            **{c: pa.array([1.0, 1.0]) for c in ("open", "high", "low", "close", "volume")},
        }
    )
    pq.write_table(table, root / "1h" / "AAA.parquet")
    with pytest.raises(DataValidationError, match=r"must be timestamp\[ns, tz=UTC\]"):
        ParquetCatalog(root).load_bars("AAA", "1h")


def test_catalog_when_loading_then_never_writes(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path)
    before = _snapshot(root)
    catalog = ParquetCatalog(root)
    catalog.load_bars("EURUSD", "1h", columns=["close"])
    catalog.load_arrays("BTCUSD", "1M", start_ns=_ns("2020-01-01"))
    catalog.entries()
    catalog.symbols()
    assert _snapshot(root) == before


def test_replay_over_catalog_when_two_symbols_then_merged_in_time_order(tmp_path: Path) -> None:
    root = _copy_shipped(tmp_path)
    import_bars_file(
        root / "1h" / "EURUSD.parquet", symbol="EURUSD2", timeframe="1h", catalog_root=root
    )
    start = _ns("2017-04-19 09:00")
    feed = ReplayFeed(ParquetCatalog(root), ["EURUSD2", "EURUSD"], "1h", start, start + 2 * HOUR_NS)
    (batch,) = feed.batches()
    assert list(batch.symbol_index) == [0, 1, 0, 1]
    assert list(batch.ts_ns) == [start, start, start + HOUR_NS, start + HOUR_NS]
