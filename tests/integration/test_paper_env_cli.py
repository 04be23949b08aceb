"""``python -m cli.backtest --env paper`` (a SQLite state store) run again gives the same result.

The symptom: the second run read ``runs/paper/state.sqlite`` left by the first and reported
0 fills, the starting equity and orders "rejected, insufficient_cash". Now each run keeps
a new store in its out dir, and a store that already holds state is refused (exit 2).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.ops.build import build_info
from vibetrading_V2.store.sqlite import SqliteStateStore

ROOT = Path(__file__).resolve().parents[2]
WINDOW = ["--symbols", "EURUSD", "--start", "2017-05-01", "--end", "2017-06-01"]
SAME_BYTES = ("trades.csv", "orders.csv", "equity.csv", "report.html")
WALL_CLOCK = {"engine_seconds", "bars_per_second"}


def _start(out: Path, extra: dict[str, str] | None = None) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env.update({"COLUMNS": "200", **(extra or {})})
    command = [sys.executable, "-m", "cli.backtest", "--env", "paper", "--out", str(out)]
    return subprocess.Popen(command + WINDOW, cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    try:
        _, stderr = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return process.returncode, stderr


def _summary(out: Path) -> dict[str, object]:
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return {k: v for k, v in summary.items() if k not in WALL_CLOCK}


@dataclass(frozen=True)
class Runs:
    first: Path  # a copy of the out dir after the first run
    second: Path  # the same out dir after the second run
    foreign_code: int
    foreign_stderr: str
    foreign_out: Path
    planted: Path


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """Twice into one out dir, and once (meanwhile) on a planted store."""
    base = tmp_path_factory.mktemp("paper")
    out, first = base / "out", base / "first"
    planted = base / "planted.sqlite"
    with SqliteStateStore(planted) as store:
        store.record_fill(Fill("x-1", "c-1", "EURUSD", Side.BUY, 1.0, 1.1, 0.0, 1, "other"))
        store.set_control("risk_snapshot:other", "{}")
    foreign = _start(base / "foreign", {"VT_STATE__PATH": str(planted)})
    code, stderr = _finish(_start(out))
    assert code == 0, stderr
    shutil.copytree(out, first)
    code, stderr = _finish(_start(out))
    assert code == 0, stderr
    foreign_code, foreign_stderr = _finish(foreign)
    return Runs(first, out, foreign_code, foreign_stderr, base / "foreign", planted)


def test_paper_env_when_run_twice_then_second_run_trades_the_same(
    runs: Runs,
) -> None:
    first, second = runs.first, runs.second
    one, two = _summary(first), _summary(second)
    assert isinstance(one["n_trades"], int) and one["n_trades"] > 0
    assert one == two
    for name in SAME_BYTES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_paper_env_when_run_twice_then_each_store_holds_only_its_own_run(
    runs: Runs,
) -> None:
    first, second = runs.first, runs.second
    with SqliteStateStore(first / "state.sqlite") as one, \
            SqliteStateStore(second / "state.sqlite") as two:
        assert len(one.fills()) > 0
        assert [f.execution_id for f in one.fills()] == [f.execution_id for f in two.fills()]
        assert len(one.orders()) == len(two.orders())


def test_paper_env_when_state_path_holds_another_runs_state_then_exit_2_naming_file(
    runs: Runs,
) -> None:
    planted = runs.planted
    assert runs.foreign_code == 2, runs.foreign_stderr
    flat = " ".join(runs.foreign_stderr.split())
    assert "ForeignStateError" in flat
    assert str(planted) in flat and "(fills: 1, controls: 1)" in flat
    assert f"fix: delete {planted}" in flat
    assert "Traceback" not in flat
    assert not (runs.foreign_out / "summary.json").exists()
    with SqliteStateStore(planted) as store:  # left as it was
        assert [f.execution_id for f in store.fills()] == ["x-1"]


def test_summary_when_run_then_names_the_build_that_ran(runs: Runs) -> None:
    assert _summary(runs.first)["build"] == build_info()  # the same venv and sources
