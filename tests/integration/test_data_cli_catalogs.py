"""``cli.data``: common export headers, --column and --adjusted, the user catalog (not in git)
searched before the bundled one, and a listing with catalog, session, range and bar count."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from cli.data import app
from tests.integration.data_files import ROOT, goog_daily_csv
from vibetrading_V2.data import ParquetCatalog

runner = CliRunner()


@pytest.fixture
def user_catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The settings' data.user_catalog pointed into the test's tmp dir."""
    path = tmp_path / "user"
    monkeypatch.setenv("VT_DATA__USER_CATALOG", str(path))
    return path


def _import(csv: Path, *extra: str, symbol: str = "GOOG", timeframe: str = "1d") -> Result:
    args = ["import", str(csv), "--symbol", symbol, "--timeframe", timeframe, *extra]
    return runner.invoke(app, args)


def test_cli_import_when_yahoo_export_then_date_read_and_adj_close_dropped(
    tmp_path: Path, user_catalog: Path
) -> None:
    csv = goog_daily_csv(tmp_path / "GOOG.csv")
    result = _import(csv)
    assert result.exit_code == 0, result.output
    assert f"into {user_catalog / '1d' / 'GOOG.parquet'}" in result.output
    stored = ParquetCatalog(user_catalog).load_bars("GOOG", "1d")
    source = pd.read_csv(csv)
    assert stored["close"].tolist() == source["Close"].tolist()
    assert stored.index[0] == pd.Timestamp("2012-01-03", tz="UTC")


def test_cli_import_when_adjusted_then_prices_scaled_by_adj_close(
    tmp_path: Path, user_catalog: Path
) -> None:
    csv = goog_daily_csv(tmp_path / "GOOG.csv")
    assert _import(csv, "--adjusted").exit_code == 0
    stored = ParquetCatalog(user_catalog).load_bars("GOOG", "1d")
    source = pd.read_csv(csv)
    factor = source["Adj Close"] / source["Close"]
    assert stored["close"].to_numpy() == pytest.approx(source["Adj Close"].to_numpy())
    assert stored["open"].to_numpy() == pytest.approx((source["Open"] * factor).to_numpy())


def test_cli_import_when_close_is_called_last_then_says_how_to_map_it_and_mapping_works(
    tmp_path: Path, user_catalog: Path
) -> None:
    frame = pd.read_csv(goog_daily_csv(tmp_path / "GOOG.csv")).drop(columns="Adj Close")
    frame.rename(columns={"Close": "Last"}).to_csv(tmp_path / "last.csv", index=False)
    refused = _import(tmp_path / "last.csv")
    assert refused.exit_code == 2
    assert "missing column(s) close" in refused.output
    assert "--column close=Last" in refused.output
    assert _import(tmp_path / "last.csv", "--column", "close=Last").exit_code == 0


def test_cli_import_when_user_catalog_shadows_bundled_series_then_says_so_and_list_shows_both(
    tmp_path: Path, user_catalog: Path
) -> None:
    frame = pd.read_parquet(ROOT / "data" / "curated" / "1h" / "EURUSD.parquet").head(100)
    frame.to_csv(tmp_path / "eurusd.csv", index=False)
    result = _import(tmp_path / "eurusd.csv", symbol="EURUSD", timeframe="1h")
    assert result.exit_code == 0, result.output
    assert "backtests now use it instead of the bundled" in result.output
    listing = runner.invoke(app, ["list"], env={"COLUMNS": "250"})
    assert listing.exit_code == 0, listing.output
    lines = [line for line in listing.output.splitlines() if "EURUSD" in line]
    assert str(user_catalog) in lines[0] and "24x5" in lines[0] and " 100 " in lines[0]
    assert "data/curated" in lines[1] and "5000" in lines[1]
    assert "2017-04-19T09:00:00Z" in lines[0]
    assert any(line.startswith("not used by backtests") for line in lines)


def test_cli_list_when_catalog_missing_then_exit_2_no_such_directory(tmp_path: Path) -> None:
    result = runner.invoke(app, ["list", "--catalog", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no such directory" in result.output


def test_user_catalog_when_checked_against_gitignore_then_not_tracked() -> None:
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "data/user/" in ignored
