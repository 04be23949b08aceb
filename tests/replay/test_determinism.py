"""Same data + config + strategy => byte-identical outputs, through the real command."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMING_KEYS = {"engine_seconds", "bars_per_second"}
OUTPUTS = ("trades.csv", "orders.csv", "equity.csv", "report.html")


def backtest(out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.backtest", "--env", "dev", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    for out in (first, second):
        done = backtest(out)
        assert done.returncode == 0, done.stderr
        assert f"report: {out / 'report.html'}" in done.stdout
    return first, second


@pytest.mark.parametrize("name", OUTPUTS)
def test_backtest_when_run_twice_then_output_file_is_byte_identical(
    two_runs: tuple[Path, Path], name: str
) -> None:
    first, second = two_runs
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_backtest_when_run_twice_then_summary_differs_only_in_wall_clock_timings(
    two_runs: tuple[Path, Path],
) -> None:
    first, second = (json.loads((d / "summary.json").read_text()) for d in two_runs)
    assert first.keys() >= TIMING_KEYS
    for key in TIMING_KEYS:
        first.pop(key)
        second.pop(key)
    assert first == second
    for key in ("final_equity", "total_return_pct", "n_trades", "win_rate_pct", "profit_factor",
                "sharpe", "sortino", "max_drawdown_pct", "exposure_pct", "fees", "bars"):
        assert key in first


def test_backtest_when_env_unknown_then_exit_2_and_lists_valid_envs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cli.backtest", "--env", "staging", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert "ConfigError" in done.stderr and "dev" in done.stderr
    assert "Traceback" not in done.stderr
