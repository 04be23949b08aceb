"""``python -m cli.paper --state S`` twice: the second run goes on from the first.

The acceptance of issue 13 item 1 on the command line: both runs exit 0, the second books
only fills of its own (none of the first run's again, none lost), and a session store of
another strategy set is refused with exit 2 and the fix. ``VT_*`` variables of the calling
shell are dropped.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from vibetrading_V2.core.types import Fill
from vibetrading_V2.store.sqlite import SqliteStateStore

ROOT = Path(__file__).resolve().parents[2]
RUN = ["--env", "paper", "--speed", "0", "--max-bars", "500"]


def _paper(state: Path, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env["COLUMNS"] = "200"
    command = [sys.executable, "-m", "cli.paper", *RUN, "--state", str(state),
               "--out", str(out), *args]
    return subprocess.run(command, cwd=ROOT, env=env, text=True, capture_output=True,
                          timeout=300, check=False)


def _fills(state: Path) -> list[Fill]:
    with SqliteStateStore(state) as store:
        return store.fills()


@dataclass(frozen=True)
class Session:
    state: Path
    first: list[Fill]  # the store's fills after the first run
    second: list[Fill]  # ... after the second
    second_said: str
    foreign: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Session:
    base = tmp_path_factory.mktemp("session")
    state = base / "S.sqlite"
    done = _paper(state, base / "A")
    assert done.returncode == 0, done.stderr
    first = _fills(state)
    done = _paper(state, base / "A")
    assert done.returncode == 0, done.stderr
    second = _fills(state)
    foreign = _paper(state, base / "B", "--strategy",
                     str(ROOT / "examples" / "strategies" / "sma_cross.py"))
    return Session(state, first, second, " ".join(done.stderr.split()), foreign)


def test_paper_session_when_run_twice_then_the_second_run_books_only_new_fills(
    session: Session,
) -> None:
    first, second = session.first, session.second
    assert len(first) > 0 and len(second) > len(first)
    assert second[: len(first)] == first  # the first run's fills kept, none booked again
    ids = [f.execution_id for f in second]
    assert len(ids) == len(set(ids))
    last_of_first = max(f.ts_ns for f in first)
    assert all(f.ts_ns > last_of_first for f in second[len(first):])  # bars after it only
    assert "resuming the session" in session.second_said


def test_paper_session_when_another_strategy_set_then_refused_with_exit_2_and_the_fix(
    session: Session,
) -> None:
    said = " ".join(session.foreign.stderr.split())
    assert session.foreign.returncode == 2, said
    assert "ForeignStrategiesError" in said and str(session.state) in said
    assert "--adopt-state" in said and "--state" in said and "Traceback" not in said
    assert _fills(session.state) == session.second  # left as it was
