"""Streaming a parquet catalog: the same bars as the one-shot load, batch by batch, and
every refusal of the one-shot load raised before the first batch."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from vibetrading_V2.core.errors import ConfigError, DataValidationError
from vibetrading_V2.data import parquet_io
from vibetrading_V2.data.catalog import ParquetCatalog
from vibetrading_V2.data.manifest import entry_for_file, read_manifest, write_manifest
from vibetrading_V2.data.parquet_io import write_bars
from vibetrading_V2.data.replay import ReplayFeed
from vibetrading_V2.data.schema import BarArrays
from vibetrading_V2.data.validation import CHECKS_VERSION
from vibetrading_V2.data.writer import CatalogWriter

MINUTE_NS = 60_000_000_000
T0 = 1_704_067_200 * 1_000_000_000
COLUMNS = ("symbol_index", "ts_ns", "open", "high", "low", "close", "volume")


def _bars(minutes: np.ndarray, base: float) -> BarArrays:
    ts = T0 + minutes.astype(np.int64) * MINUTE_NS
    close = base + np.arange(ts.size, dtype=np.float64) / 8
    return BarArrays(ts, close, close + 1, close - 1, close, np.ones(ts.size))


def _catalog(root: Path) -> ParquetCatalog:
    writer = CatalogWriter(root)
    writer.write(_bars(np.arange(3000), 100.0), "AAA", "1m")
    writer.write(_bars(np.arange(500, 3500), 200.0), "BBB", "1m")
    gappy = np.concatenate((np.arange(0, 1000), np.arange(1500, 2600)))
    writer.write(_bars(gappy, 300.0), "CCC", "1m")
    return ParquetCatalog(root)


def _columns(feed: ReplayFeed) -> list[np.ndarray]:
    batches = list(feed.batches())
    return [np.concatenate([np.asarray(getattr(b, n)) for b in batches]) for n in COLUMNS]


@pytest.mark.parametrize("chunk_rows", [1, 2, 3, 700, 5000, 10_000])
@pytest.mark.parametrize("window", [(None, None), (250, 2800), (3400, None), (None, 10)])
def test_catalog_stream_when_chunked_then_equals_the_one_shot_replay(
    tmp_path: Path, chunk_rows: int, window: tuple[int | None, int | None]
) -> None:
    catalog = _catalog(tmp_path)
    start, end = (None if m is None else T0 + m * MINUTE_NS for m in window)
    names = ["BBB", "AAA", "CCC"]
    whole = _columns(ReplayFeed(catalog, names, "1m", start, end))
    streamed = ReplayFeed(catalog, names, "1m", start, end, chunk_rows=chunk_rows)
    for got, expected in zip(_columns(streamed), whole, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert streamed.total_bars == whole[1].size


@pytest.mark.parametrize(("one_batch_rows", "one_batch"), [(8_100, True), (8_099, False),
                                                       (0, False)])
def test_replay_when_the_run_fits_one_batch_rows_then_one_batch_else_chunks(
    tmp_path: Path, one_batch_rows: int, one_batch: bool
) -> None:
    catalog = _catalog(tmp_path)  # 8,100 bars in all
    feed = ReplayFeed(catalog, ["AAA", "BBB", "CCC"], "1m", chunk_rows=1000,
                      one_batch_rows=one_batch_rows)
    sizes = [len(batch) for batch in feed.batches()]
    assert sum(sizes) == 8_100 and feed.total_bars == 8_100
    assert sizes == [8_100] if one_batch else (len(sizes) > 8 and max(sizes) <= 1000)


def test_replay_when_one_batch_rows_is_negative_then_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="one_batch_rows"):
        ReplayFeed(_catalog(tmp_path), ["AAA"], "1m", chunk_rows=10, one_batch_rows=-1)


def test_catalog_stream_when_many_row_groups_then_the_range_reads_only_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parquet_io, "_ROW_GROUP_ROWS", 256)
    catalog = _catalog(tmp_path)
    start, end = T0 + 1000 * MINUTE_NS, T0 + 1300 * MINUTE_NS
    stream = catalog.bar_stream("AAA", "1m", start, end)
    pieces = list(stream.pieces(100))
    ts = np.concatenate([p.ts_ns for p in pieces])
    np.testing.assert_array_equal(ts, catalog.load_arrays("AAA", "1m", start, end).ts_ns)
    assert stream.rows == 300


def _message(action: object) -> str:
    with pytest.raises(DataValidationError) as info:
        action()  # type: ignore[operator]
    error = info.value
    return f"{error} | {error.path} | {error.field} | {error.hint}"


@pytest.mark.parametrize("defect", ["nan_close", "unsorted", "duplicate", "daily_as_minutes"])
def test_catalog_stream_when_file_is_bad_then_the_one_shot_error_before_any_batch(
    tmp_path: Path, defect: str
) -> None:
    catalog = _catalog(tmp_path)
    minutes = np.arange(2000) * (1440 if defect == "daily_as_minutes" else 1)
    bars = _bars(minutes, 50.0)
    if defect == "nan_close":
        bars.close[1500] = np.nan
    elif defect == "unsorted":
        bars.ts_ns[1200], bars.ts_ns[1201] = bars.ts_ns[1201], bars.ts_ns[1200]
    elif defect == "duplicate":
        bars.ts_ns[1700] = bars.ts_ns[1699]
    (tmp_path / "manifest.json").unlink()  # a hand-made catalog: the file is read as it is
    write_bars(bars, tmp_path / "1min" / "BAD.parquet")
    feed = ReplayFeed(catalog, ["AAA", "BAD"], "1m", chunk_rows=100)

    streamed = _message(lambda: next(feed.batches()))

    assert streamed == _message(lambda: catalog.load_arrays("BAD", "1m"))
    assert "BAD.parquet" in streamed


def test_catalog_stream_when_file_differs_from_its_manifest_then_sha256_error_first(
    tmp_path: Path,
) -> None:
    catalog = _catalog(tmp_path)
    write_bars(_bars(np.arange(3000), 101.0), tmp_path / "1min" / "AAA.parquet")
    feed = ReplayFeed(catalog, ["BBB", "AAA"], "1m", chunk_rows=100)
    with pytest.raises(DataValidationError, match="sha256 mismatch") as info:
        next(feed.batches())
    assert info.value.field == "sha256"


def test_catalog_stream_when_file_changes_after_the_check_then_refused_not_replayed(
    tmp_path: Path,
) -> None:
    catalog = _catalog(tmp_path)
    (tmp_path / "manifest.json").unlink()
    stream = catalog.bar_stream("AAA", "1m")
    write_bars(_bars(np.arange(2000), 100.0), tmp_path / "1min" / "AAA.parquet")
    with pytest.raises(DataValidationError, match="changed after it was checked") as info:
        list(stream.pieces(500))
    assert info.value.path is not None and info.value.path.endswith("AAA.parquet")


def test_catalog_stream_when_a_timestamp_is_null_then_the_one_shot_error(tmp_path: Path) -> None:
    catalog = _catalog(tmp_path)
    (tmp_path / "manifest.json").unlink()
    bars = _bars(np.arange(10), 5.0)
    ts = pa.array([*bars.ts_ns[:4].tolist(), None, *bars.ts_ns[5:].tolist()], pa.int64())
    table = pa.table({"timestamp": ts.cast(parquet_io.TIMESTAMP_TYPE),
                      **{n: getattr(bars, n) for n in ("open", "high", "low", "close",
                                                        "volume")}})
    pq.write_table(table, tmp_path / "1min" / "NUL.parquet")
    streamed = _message(lambda: list(catalog.bar_stream("NUL", "1m").pieces(3)))
    assert streamed == _message(lambda: catalog.load_arrays("NUL", "1m"))
    assert "missing timestamp at row 4" in streamed


def test_writer_when_it_writes_bars_then_the_manifest_records_the_checks_they_passed(
    tmp_path: Path,
) -> None:
    _catalog(tmp_path)
    entries = read_manifest(tmp_path / "manifest.json")
    assert entries is not None
    assert {entry.checked for entry in entries.values()} == {CHECKS_VERSION}


@pytest.mark.parametrize("checked", [CHECKS_VERSION, CHECKS_VERSION - 1, None])
def test_catalog_stream_when_the_manifest_vouches_for_a_file_then_only_its_times_rechecked(
    tmp_path: Path, checked: int | None
) -> None:
    """A file the writer checked (by the current checks) is not read for its prices before
    the replay: here one is forged with a bad close to show it. An older or no record of
    the checks: every check again, before the first batch."""
    catalog = _catalog(tmp_path)
    bars = _bars(np.arange(2000), 50.0)
    bars.close[1500] = np.nan
    write_bars(bars, tmp_path / "1min" / "BAD.parquet")
    entries = read_manifest(tmp_path / "manifest.json") or {}
    forged = dataclasses.replace(entry_for_file(tmp_path, "BAD", "1m"), checked=checked)
    write_manifest(tmp_path / "manifest.json", [*entries.values(), forged])
    feed = ReplayFeed(catalog, ["AAA", "BAD"], "1m", chunk_rows=100)

    if checked == CHECKS_VERSION:
        assert len(next(feed.batches())) <= 100
        assert feed.total_bars == 5000
    else:
        assert "NaN or infinite" in _message(lambda: next(feed.batches()))
    assert "NaN or infinite" in _message(lambda: catalog.load_arrays("BAD", "1m"))


def test_catalog_stream_when_a_vouched_file_has_unsorted_times_then_refused_all_the_same(
    tmp_path: Path,
) -> None:
    catalog = _catalog(tmp_path)
    bars = _bars(np.arange(2000), 50.0)
    bars.ts_ns[1200], bars.ts_ns[1201] = bars.ts_ns[1201], bars.ts_ns[1200]
    write_bars(bars, tmp_path / "1min" / "BAD.parquet")
    entries = read_manifest(tmp_path / "manifest.json") or {}
    forged = dataclasses.replace(entry_for_file(tmp_path, "BAD", "1m"), checked=CHECKS_VERSION)
    write_manifest(tmp_path / "manifest.json", [*entries.values(), forged])
    streamed = _message(lambda: next(ReplayFeed(catalog, ["BAD"], "1m",
                                                chunk_rows=100).batches()))
    assert streamed == _message(lambda: catalog.load_arrays("BAD", "1m"))
