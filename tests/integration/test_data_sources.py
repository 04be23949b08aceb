"""``--data`` takes a catalog folder or one bar file; a missing folder says so; the user
catalog is searched before the bundled one."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from cli.backtest import run_backtest
from cli.settings import load_settings
from tests.integration.data_files import ROOT, goog_daily_csv, settings_for, write_strategy
from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data import ParquetCatalog, open_bar_source
from vibetrading_V2.data.ingest import import_bars_file
from vibetrading_V2.data.sources import CatalogSet, FileBarSource

CURATED = ROOT / "data" / "curated"
EURUSD = CURATED / "1h" / "EURUSD.parquet"
STRATEGY = ROOT / "strategies" / "my_strategy_a.py"
WINDOW = {"start": "2017-05-01", "end": "2017-05-31"}


def _run(tmp_path: Path, data: Path) -> Path:
    overrides = settings_for(tmp_path, STRATEGY, data, **WINDOW)
    return run_backtest(load_settings("dev", ROOT / "config", **overrides))["trades"]


def _eurusd_csv(path: Path) -> Path:
    frame = pd.read_parquet(EURUSD)
    frame.insert(0, "Datetime", frame.pop("timestamp").dt.strftime("%Y-%m-%d %H:%M:%S"))
    frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("kind", ["parquet", "csv"])
def test_backtest_when_data_is_a_bar_file_then_same_trades_as_the_catalog(
    tmp_path: Path, kind: str
) -> None:
    if kind == "parquet":
        data = shutil.copy(EURUSD, tmp_path / "EURUSD.parquet")
    else:
        data = _eurusd_csv(tmp_path / "eurusd.csv")
    from_file = _run(tmp_path / "file", Path(data))
    from_catalog = _run(tmp_path / "catalog", CURATED)
    assert from_file.read_bytes() == from_catalog.read_bytes()
    assert len(pd.read_csv(from_file)) > 0


def test_backtest_cli_when_data_dir_missing_then_exit_2_no_such_directory(
    tmp_path: Path,
) -> None:
    command = [sys.executable, "-m", "cli.backtest", "--data", "no_such_dir",
               "--out", str(tmp_path / "out")]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          check=False, env={"PATH": "/usr/bin:/bin", "COLUMNS": "300"})
    assert done.returncode == 2, done.stderr
    assert f"no such directory: {tmp_path / 'no_such_dir'}" in done.stderr
    assert "holds: nothing" not in done.stderr and "Traceback" not in done.stderr


def test_open_bar_source_when_path_missing_then_no_such_directory_or_file(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match="no such directory") as info:
        open_bar_source(tmp_path / "nowhere")
    assert info.value.field == "data.catalog"
    with pytest.raises(DataValidationError, match="no such file"):
        open_bar_source(tmp_path / "GOOG.csv")


def test_file_source_when_file_has_symbol_column_then_serves_each_symbol(tmp_path: Path) -> None:
    frame = pd.read_csv(goog_daily_csv(tmp_path / "GOOG.csv"))
    both = pd.concat([frame.assign(Symbol="GOOG"), frame.assign(Symbol="msft")])
    both.to_csv(tmp_path / "stocks.csv", index=False)
    source = FileBarSource(tmp_path / "stocks.csv")
    assert source.symbols() == ["GOOG", "MSFT"]
    assert source.load_arrays("MSFT", "1d").rows == len(frame)
    assert source.session("GOOG", "1d").kind == "exchange"


def test_file_source_when_symbol_not_in_file_then_error_names_what_it_holds(
    tmp_path: Path,
) -> None:
    source = FileBarSource(goog_daily_csv(tmp_path / "goog.csv"))
    with pytest.raises(DataValidationError, match="the file holds GOOG") as info:
        source.load_arrays("EURUSD", "1d")
    assert "--symbols GOOG" in str(info.value.hint)


def test_file_source_when_spacing_contradicts_strategy_timeframe_then_refused(
    tmp_path: Path,
) -> None:
    source = FileBarSource(goog_daily_csv(tmp_path / "GOOG.csv"))
    with pytest.raises(DataValidationError, match="1 day apart") as info:
        source.load_arrays("GOOG", "1h")
    assert "timeframe is 1d" in str(info.value.hint)


def test_catalog_set_when_user_catalog_holds_the_series_then_it_wins(tmp_path: Path) -> None:
    user = tmp_path / "user"
    csv = goog_daily_csv(tmp_path / "GOOG.csv")
    import_bars_file(csv, symbol="EURUSD", timeframe="1d", catalog_root=user)
    source = open_bar_source(CURATED, user)
    assert isinstance(source, CatalogSet)
    assert [c.root for c in source.catalogs] == [user, CURATED]
    assert source.catalog_for("EURUSD", "1d").root == user
    assert source.catalog_for("EURUSD", "1h").root == CURATED
    with pytest.raises(DataValidationError, match="searched in order") as info:
        source.load_arrays("GOOG", "1d")
    assert str(user) in info.value.message and "EURUSD 1h" in info.value.message


def test_open_bar_source_when_user_catalog_absent_then_the_folder_alone(tmp_path: Path) -> None:
    source = open_bar_source(CURATED, tmp_path / "not_yet_created")
    assert isinstance(source, CatalogSet)
    assert [c.root for c in source.catalogs] == [CURATED]
    assert isinstance(source.catalogs[0], ParquetCatalog)


def test_backtest_strategy_when_goog_file_given_to_eurusd_strategy_then_clear_error(
    tmp_path: Path,
) -> None:
    data = goog_daily_csv(tmp_path / "GOOG.csv")
    overrides = settings_for(tmp_path, write_strategy(tmp_path, "EURUSD", "1d"), data)
    with pytest.raises(DataValidationError, match="no data for EURUSD: the file holds GOOG"):
        run_backtest(load_settings("dev", ROOT / "config", **overrides))


def test_file_source_when_parquet_written_by_pandas_then_read_through_the_header_rules(
    tmp_path: Path,
) -> None:
    frame = pd.read_csv(goog_daily_csv(tmp_path / "GOOG.csv"), parse_dates=["Date"])
    frame.to_parquet(tmp_path / "GOOG.parquet")
    bars = FileBarSource(tmp_path / "GOOG.parquet").load_arrays("GOOG", "1d")
    assert bars.rows == len(frame)
    assert bars.close.tolist() == frame["Close"].tolist()
