"""Item 1 of issue 10: daily GOOG bars declared 1h (or 1w) are refused on import and on load,
and statistics are annualised from the declared timeframe and the data's session."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.backtest import run_backtest
from cli.containers import build_container
from cli.data import app
from cli.settings import load_settings
from tests.integration.data_files import (
    ROOT,
    goog_daily_csv,
    hourly_24x7_csv,
    settings_for,
    write_strategy,
)
from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data import ParquetCatalog
from vibetrading_V2.data.ingest import frame_bars, read_bars_file
from vibetrading_V2.data.manifest import read_manifest
from vibetrading_V2.data.parquet_io import write_bars

runner = CliRunner()
CONFIG = ROOT / "config"


def _import(csv: Path, catalog: Path, timeframe: str) -> tuple[int, str]:
    args = ["import", str(csv), "--symbol", "GOOG", "--timeframe", timeframe,
            "--catalog", str(catalog)]
    result = runner.invoke(app, args)
    return result.exit_code, result.output


@pytest.mark.parametrize("declared", ["1h", "1w"])
def test_cli_import_when_daily_goog_declared_other_timeframe_then_exit_2_with_spacing(
    tmp_path: Path, declared: str
) -> None:
    code, output = _import(goog_daily_csv(tmp_path / "GOOG.csv"), tmp_path / "cat", declared)
    assert code == 2
    assert "GOOG.csv" in output and "1 day apart" in output
    assert f"declared timeframe is {declared}" in output
    assert "--timeframe 1d" in output  # the fix
    assert "Traceback" not in output
    assert not (tmp_path / "cat").exists() or not any((tmp_path / "cat").rglob("*.parquet"))


def test_cli_import_when_daily_goog_declared_1d_then_stored_as_exchange_days(
    tmp_path: Path,
) -> None:
    code, output = _import(goog_daily_csv(tmp_path / "GOOG.csv"), tmp_path / "cat", "1d")
    assert code == 0, output
    assert "exchange session" in output
    manifest = read_manifest(tmp_path / "cat" / "manifest.json")
    assert manifest is not None
    entry = manifest[("1d", "GOOG")]
    assert (entry.session, entry.bars_per_session, entry.rows) == ("exchange", None, 250)


def _misfiled_catalog(tmp_path: Path) -> Path:
    """GOOG daily bars stored as 1h, as `cli.data import` let through before the check."""
    csv = goog_daily_csv(tmp_path / "GOOG.csv")
    frame, line = read_bars_file(csv)
    root = tmp_path / "old_catalog"
    write_bars(frame_bars(frame, source=str(csv), first_line=line), root / "1h" / "GOOG.parquet")
    return root


def test_catalog_load_when_series_spacing_contradicts_its_timeframe_then_refused(
    tmp_path: Path,
) -> None:
    root = _misfiled_catalog(tmp_path)
    with pytest.raises(DataValidationError) as info:
        ParquetCatalog(root).load_arrays("GOOG", "1h")
    error = info.value
    assert error.path == str(root / "1h" / "GOOG.parquet") and error.field == "timeframe"
    assert "1 day apart" in error.message and "declared timeframe is 1h" in error.message
    assert "--timeframe 1d" in str(error.hint)


def test_backtest_cli_when_catalog_series_misfiled_as_1h_then_exit_2_not_a_sharpe(
    tmp_path: Path,
) -> None:
    root = _misfiled_catalog(tmp_path)
    strategy = write_strategy(tmp_path, "GOOG", "1h")
    command = [sys.executable, "-m", "cli.backtest", "--strategy", str(strategy),
               "--data", str(root), "--out", str(tmp_path / "out")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2, done.stderr
    assert "DataValidationError" in done.stderr and "1 day apart" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "summary.json").exists()


def _sharpe(equity: np.ndarray, initial: float, periods: float) -> float:
    values = np.concatenate(([initial], equity))
    returns = values[1:] / values[:-1] - 1.0
    return float(np.mean(returns) / np.std(returns, ddof=1) * math.sqrt(periods))


def test_backtest_when_daily_goog_declared_1d_then_252_periods_and_the_sharpe_they_imply(
    tmp_path: Path,
) -> None:
    catalog = tmp_path / "cat"
    assert _import(goog_daily_csv(tmp_path / "GOOG.csv"), catalog, "1d")[0] == 0
    strategy = write_strategy(tmp_path, "GOOG", "1d")
    settings = load_settings("dev", CONFIG, **settings_for(tmp_path, strategy, catalog))
    paths = run_backtest(settings)
    summary = json.loads(paths["summary"].read_text(encoding="utf-8"))
    assert summary["timeframe"] == "1d"
    assert summary["annualisation"] == {
        "periods_per_year": 252.0, "timeframe": "1d", "session": "exchange",
        "basis": "1d bars, exchange days: 252 periods a year"}
    equity = pd.read_csv(paths["equity"])["equity"].to_numpy()
    expected = _sharpe(equity, settings.execution.initial_cash, 252.0)
    assert summary["sharpe"] == pytest.approx(expected, rel=1e-6)
    assert summary["sharpe"] == pytest.approx(
        _sharpe(equity, settings.execution.initial_cash, 8_760.0) * math.sqrt(252 / 8_760),
        rel=1e-6)


def _annualisation(tmp_path: Path, strategy: Path, data: Path) -> dict[str, object]:
    settings = load_settings("dev", CONFIG, **settings_for(tmp_path, strategy, data))
    container = build_container(settings)
    try:
        return container.annualisation().to_dict()
    finally:
        container.logger().close()


def test_annualisation_when_bundled_hourly_fx_then_24x5_gives_6240(tmp_path: Path) -> None:
    strategy = ROOT / "strategies" / "my_strategy_a.py"
    result = _annualisation(tmp_path, strategy, ROOT / "data" / "curated")
    assert result["periods_per_year"] == 6_240.0 and result["session"] == "24x5"
    assert result["basis"] == "1h bars, 24x5 session: 6,240 periods a year"


def test_annualisation_when_hourly_crypto_file_round_the_clock_then_24x7_gives_8760(
    tmp_path: Path,
) -> None:
    data = hourly_24x7_csv(tmp_path / "BTCUSD.csv")
    result = _annualisation(tmp_path, write_strategy(tmp_path, "BTCUSD", "1h"), data)
    assert result["periods_per_year"] == 8_760.0 and result["session"] == "24x7"


def test_annualisation_when_periods_configured_then_configured_basis(tmp_path: Path) -> None:
    strategy = ROOT / "strategies" / "my_strategy_a.py"
    settings = load_settings("dev", CONFIG, engine={"periods_per_year": 252.0},
                             **settings_for(tmp_path, strategy, ROOT / "data" / "curated"))
    container = build_container(settings)
    result = container.annualisation()
    container.logger().close()
    assert result.periods_per_year == 252.0 and result.basis.startswith("configured")
