"""A planted API key and secret never reach a file, a log, a store or a console.

Runs the real commands with ``BYBIT_API_KEY`` / ``BYBIT_API_SECRET`` set: a backtest with
a SQLite store, a paper run, the doctor and the live command (which checks and refuses);
then reads every byte each one wrote (outputs, ``run.log.jsonl``, ``state.sqlite`` and
its companions, stdout, stderr) looking for the planted values.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLANTED = {"BYBIT_API_KEY": "PLANTEDKEY123", "BYBIT_API_SECRET": "PLANTEDSECRET456"}
WINDOW = ["--symbols", "EURUSD", "--start", "2017-05-01", "--end", "2017-07-01"]


def _run(module: str, *args: str, extra: dict[str, str] | None = None) -> tuple[int, bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env.update({"COLUMNS": "200", **PLANTED, **(extra or {})})
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=300)
    return done.returncode, done.stdout + done.stderr


def _leaks(directory: Path) -> list[str]:
    found = []
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        data = path.read_bytes()
        found += [f"{path.name}: {name}" for name, value in PLANTED.items()
                  if value.encode() in data]
    return found


def test_runs_when_credentials_planted_then_no_output_log_or_store_holds_them(
    tmp_path: Path,
) -> None:
    backtest, paper = tmp_path / "backtest", tmp_path / "paper"
    code, said = _run("cli.backtest", "--env", "dev", "--out", str(backtest), *WINDOW,
                      extra={"VT_STATE__BACKEND": "sqlite"})
    assert code == 0, said.decode()
    code, said_paper = _run("cli.paper", "--env", "paper", "--max-bars", "300",
                            "--out", str(paper), *WINDOW)
    assert code == 0, said_paper.decode()
    for out in (backtest, paper):
        assert {"run.log.jsonl", "state.sqlite", "trades.csv"} <= {p.name for p in out.iterdir()}
    assert _leaks(tmp_path) == []
    assert all(value.encode() not in said + said_paper for value in PLANTED.values())


def test_doctor_and_live_when_credentials_planted_then_never_print_them(
    tmp_path: Path,
) -> None:
    out = {"VT_OUTPUT__DIRECTORY": str(tmp_path / "prod")}
    code, doctor = _run("cli.doctor", "--env", "prod", extra=out)
    assert code == 1 and b"values not shown" in doctor
    code, live = _run("cli.live", "--env", "prod", extra=out)
    assert code == 2 and b"venue adapter is not available" in live
    assert all(value.encode() not in doctor + live for value in PLANTED.values())
    assert not (tmp_path / "prod").exists() or _leaks(tmp_path) == []
