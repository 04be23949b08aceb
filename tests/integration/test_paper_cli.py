"""``python -m cli.paper`` end to end: bounded runs, a stop on SIGTERM, flags refused, and
the acceptance of issue 11: on the replay feed, paper writes byte for byte the backtest's
``orders.csv``, ``trades.csv`` and ``equity.csv`` (same ``--env``, data and strategy).

The commands are independent, so they start together and are awaited together. ``VT_*``
variables of the calling shell are dropped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAME_BYTES = ("orders.csv", "trades.csv", "equity.csv")
OUTPUTS = (*SAME_BYTES, "summary.json", "report.html", "run.log.jsonl")
# 0.05 s a bar hour: 3,000 bars would take minutes, so the SIGTERM lands in the middle
SLOW = ["--speed", "72000", "--max-bars", "3000"]


@dataclass(frozen=True)
class Done:
    """One finished command: its exit code, stderr (whitespace collapsed) and out dir."""

    returncode: int
    said: str
    out: Path


def _start(module: str, out: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env["COLUMNS"] = "200"
    command = [sys.executable, "-m", module, "--env", "paper", "--out", str(out), *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(process: subprocess.Popen[str], out: Path, head: str = "") -> Done:
    try:
        _, stderr = process.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        process.kill()
        _, stderr = process.communicate()
    return Done(process.returncode, " ".join((head + stderr).split()), out)


def _terminated_midway(process: subprocess.Popen[str], out: Path) -> Done:
    """Wait until the run has built its engine, let it walk bars for three seconds, then
    SIGTERM it (a loaded machine may take seconds to get that far: the wait is bounded by
    what the run has done, not by a guess of how long that takes)."""
    assert process.stderr is not None
    head = process.stderr.readline()  # "paper (paper): speed ..." once settings are loaded
    deadline = time.monotonic() + 120.0
    while not (out / "state.sqlite").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the store is opened when the engine is built, before the bars
    time.sleep(3.0)
    process.send_signal(signal.SIGTERM)
    return _finish(process, out, head)


def _rows(path: Path) -> int:
    return path.read_bytes().count(b"\n") - 1


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    base = tmp_path_factory.mktemp("paper_cli")
    cases = {
        "bounded": ("cli.paper", ["--speed", "0", "--max-bars", "500"]),
        "paper": ("cli.paper", ["--speed", "0"]),
        "backtest": ("cli.backtest", []),
        "bad_speed": ("cli.paper", ["--speed", "-2"]),
        "bad_max_bars": ("cli.paper", ["--max-bars", "0"]),
        "sigterm": ("cli.paper", SLOW),
    }
    started = {name: _start(module, base / name, *args) for name, (module, args) in cases.items()}
    done = {"sigterm": _terminated_midway(started.pop("sigterm"), base / "sigterm")}
    done.update({name: _finish(p, base / name) for name, p in started.items()})
    return done


def test_paper_cli_when_speed_0_and_max_bars_500_then_exit_0_and_outputs_of_500_bars(
    runs: dict[str, Done],
) -> None:
    done = runs["bounded"]
    assert done.returncode == 0, done.said
    for name in OUTPUTS:
        assert (done.out / name).stat().st_size > 0, name
    assert _rows(done.out / "equity.csv") == 500
    assert "at most 500 bars" in done.said


def test_paper_cli_when_it_starts_then_it_reconciles_with_the_venue_before_the_first_bar(
    runs: dict[str, Done],
) -> None:
    lines = (runs["bounded"].out / "run.log.jsonl").read_text().splitlines()
    passes = [json.loads(line) for line in lines if '"reconciled"' in line]
    assert passes and passes[0]["why"] == "start"
    assert not any(p["blocked"] for p in passes)


def test_paper_cli_when_replaying_the_bundled_data_then_files_equal_the_backtests_bytes(
    runs: dict[str, Done],
) -> None:
    paper, backtest = runs["paper"], runs["backtest"]
    assert paper.returncode == 0, paper.said
    assert backtest.returncode == 0, backtest.said
    assert _rows(paper.out / "trades.csv") > 10
    for name in SAME_BYTES:
        assert (paper.out / name).read_bytes() == (backtest.out / name).read_bytes(), name


def test_paper_cli_when_sigterm_in_the_middle_then_exit_0_with_outputs_of_bars_done(
    runs: dict[str, Done],
) -> None:
    done = runs["sigterm"]
    assert done.returncode == 0, done.said
    for name in OUTPUTS:
        assert (done.out / name).stat().st_size > 0, name
    bars = _rows(done.out / "equity.csv")
    assert 0 < bars < 3000
    assert f"stopped on request after {bars:,} bars; outputs written" in done.said
    assert "Traceback" not in done.said


@pytest.mark.parametrize(
    ("case", "flag", "fix"),
    [("bad_speed", "--speed", "--speed 0 to replay as fast as possible"),
     ("bad_max_bars", "--max-bars", "leave it out to replay every bar")],
)
def test_paper_cli_when_pace_flag_invalid_then_exit_2_naming_flag_and_fix(
    runs: dict[str, Done], case: str, flag: str, fix: str
) -> None:
    done = runs[case]
    assert done.returncode == 2, done.said
    assert "ConfigError" in done.said and flag in done.said and fix in done.said
    assert "Traceback" not in done.said
    assert not (done.out / "summary.json").exists()
