"""Runs of the real ``python -m cli.backtest`` for integration tests, started together.

The commands of one test module are independent, so they start at once and are awaited
together. ``VT_*`` variables of the calling shell are dropped, so only what a case sets
reaches the command; a wide ``COLUMNS`` keeps most console lines whole.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    """One command: its arguments after ``--env``, extra environment and working directory.

    Without ``--out`` in ``args`` the run writes to ``<base>/<case name>``; a relative
    ``--out`` is taken from ``cwd``.
    """

    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    cwd: Path = ROOT


@dataclass(frozen=True)
class Done:
    """One finished command: exit code, streams and its output directory."""

    returncode: int
    stdout: str
    stderr: str
    out: Path

    @property
    def said(self) -> str:
        """stderr with its whitespace collapsed: a narrow console may wrap a sentence."""
        return " ".join(self.stderr.split())

    def summary(self) -> dict[str, Any]:
        """The run's ``summary.json``."""
        loaded: dict[str, Any] = json.loads((self.out / "summary.json").read_text("utf-8"))
        return loaded


def run_backtests(
    base: Path, cases: Mapping[str, Case], *, env_name: str = "dev", timeout: float = 180.0
) -> dict[str, Done]:
    """Start every case's backtest, then wait for all of them; one ``Done`` per case name."""
    started = {name: _start(base / name, case, env_name) for name, case in cases.items()}
    return {name: _finish(process, out, timeout) for name, (process, out) in started.items()}


def _start(default_out: Path, case: Case, env_name: str) -> tuple[subprocess.Popen[str], Path]:
    args = case.args
    has_out = "--out" in args
    out = case.cwd / args[args.index("--out") + 1] if has_out else default_out
    command = [sys.executable, "-m", "cli.backtest", "--env", env_name,
               *([] if has_out else ["--out", str(out)]), *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env.update({"COLUMNS": "200", **case.env})
    process = subprocess.Popen(command, cwd=case.cwd, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    return process, out


def _finish(process: subprocess.Popen[str], out: Path, timeout: float) -> Done:
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return Done(process.returncode, stdout, stderr, out)
