"""Same data + config + strategy => byte-identical outputs, through the real command,
and the same outputs as pinned in ``fixtures/dev_run.json`` (see ``pinned.py``)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.replay.pinned import PINNED_FILES, describe, load_pins

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


@pytest.mark.parametrize("name", PINNED_FILES)
def test_backtest_when_dev_env_then_output_file_matches_pinned_digest(
    two_runs: tuple[Path, Path], name: str
) -> None:
    """The bundled dev run writes exactly the pinned file: a regression guard for the
    runtime rework of issue 11, which must not change a byte of these outputs.

    A deliberate change of the outputs is re-pinned, with the reason in the commit:
    ``python -m cli.backtest --env dev --out /tmp/dev-run`` then
    ``python -m tests.replay.pinned /tmp/dev-run``.
    """
    first, _ = two_runs
    assert describe(first / name) == load_pins()[name]


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
