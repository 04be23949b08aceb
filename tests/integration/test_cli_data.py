"""``python -m cli.data``: import, list, and refusals with exit code 2 and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner, Result

from cli.data import app

ROOT = Path(__file__).resolve().parents[2]
CSV = """,Open,High,Low,Close,Volume
2017-04-19 09:00:00,1.0716,1.0722,1.07083,1.07219,1413
2017-04-19 10:00:00,1.07214,1.07296,1.07214,1.0726,1241
2017-04-19 11:00:00,1.07256,1.07299,1.0717,1.07192,1025
"""

runner = CliRunner()


def _csv(tmp_path: Path, text: str = CSV, name: str = "bars.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(path: Path, catalog: Path, *extra: str, timeframe: str = "1h") -> Result:
    args = ["import", str(path), "--symbol", "EURUSD", "--timeframe", timeframe]
    return runner.invoke(app, [*args, "--catalog", str(catalog), *extra])


def test_cli_import_when_valid_csv_then_exit_0_and_list_shows_it(tmp_path: Path) -> None:
    catalog = tmp_path / "curated"
    result = _import(_csv(tmp_path), catalog)
    assert result.exit_code == 0, result.output
    assert "imported 3 bars of EURUSD 1h" in result.output
    assert (catalog / "1h" / "EURUSD.parquet").is_file()
    listing = runner.invoke(app, ["list", "--catalog", str(catalog)])
    assert listing.exit_code == 0
    assert "EURUSD" in listing.output and "2017-04-19T09:00:00Z" in listing.output


def test_cli_import_when_bad_row_then_exit_2_with_message_and_no_traceback(
    tmp_path: Path,
) -> None:
    bad = CSV.replace("1.07214,1.07296,1.07214,1.0726", "1.07214,1.07,1.07214,1.0726")
    result = _import(_csv(tmp_path, bad), tmp_path / "curated")
    assert result.exit_code == 2
    assert "high < low at row 1" in result.stderr
    assert "bars.csv:3" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "curated").exists()


def test_cli_import_when_dataset_exists_then_exit_2_unless_replace(tmp_path: Path) -> None:
    catalog = tmp_path / "curated"
    path = _csv(tmp_path)
    assert _import(path, catalog).exit_code == 0
    again = _import(path, catalog)
    assert again.exit_code == 2
    assert "already exists" in again.stderr and "--replace" in again.stderr
    assert _import(path, catalog, "--replace").exit_code == 0


def test_cli_import_when_timeframe_unknown_then_exit_2_lists_choices(tmp_path: Path) -> None:
    result = _import(_csv(tmp_path), tmp_path / "curated", timeframe="2h")
    assert result.exit_code == 2
    assert "unknown timeframe '2h'" in result.stderr
    assert "1h" in result.stderr


def test_cli_list_when_catalog_empty_then_says_so(tmp_path: Path) -> None:
    result = runner.invoke(app, ["list", "--catalog", str(tmp_path)])
    assert result.exit_code == 0
    assert "holds no datasets" in result.output


def test_cli_list_when_run_as_module_on_shipped_catalog_then_shows_both_datasets() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cli.data", "list", "--catalog", str(ROOT / "data" / "curated")],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "EURUSD" in result.stdout and "BTCUSD" in result.stdout
    assert "5000" in result.stdout and "156" in result.stdout
