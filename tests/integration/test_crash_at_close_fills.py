"""Kills of a paper session whose orders fill at the signal bar's close (issue 13, item 1).

The losing session (``losing_session.py``) fills each market order in the venue's answer
to it: the fill, the order's filled state and the position must land in one transaction,
and an order the dead process sent (or was about to) must be sent again with its fill at
its own bar. Each session below is killed once at a commit point, then re-run with the
same command until it completes, and must end with the uninterrupted run's ``orders.csv``,
``trades.csv`` and ``equity.csv`` byte for byte and its final equity. Every start is
``cli.paper``'s entry point in a child forked after the imports (a real SIGKILL).
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest

from benchmarks.crash_test import forked_paper  # imports cli.paper before the forks
from tests.integration.losing_session import write_losing_session
from vibetrading_V2.store.crash_points import POINTS

FILES = ("orders.csv", "trades.csv", "equity.csv")
KILLED = -signal.SIGKILL
UNREACHED = ("cancel_requested",)  # the session never cancels: its runs are never killed
FOUND_BROKEN = ("fill_received:8", "fill_received:44", "order_in_flight:9")
SWEEP = tuple(f"{point}:{count}" for point in POINTS for count in (1, 2, 9, 30, 59))
SETTINGS = {
    "VT_EXECUTION__FILL_TIMING": "signal_close",
    "VT_POLICIES__RISK": '{"daily_loss_limit": null, "max_drawdown": null, '
                         '"kill_switch_dd": null}',
}


def _start(files: Path, state: Path, out: Path, crash: str | None) -> int:
    """One start of the session's paper command in a forked child; its exit code."""
    argv = ["--env", "paper", "--speed", "0", "--strategy", str(files / "buy_high_sell_low.py"),
            "--data", str(files / "SWING.csv"), "--state", str(state), "--out", str(out)]
    return forked_paper(argv, crash, SETTINGS)


def _final_equity(out: Path) -> object:
    return json.loads((out / "summary.json").read_text())["final_equity"]


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The session's files (one place: the client id prefix hashes their paths) and the
    uninterrupted run's outputs."""
    root = tmp_path_factory.mktemp("at_close")
    files = root / "files"
    write_losing_session(files)
    assert _start(files, root / "S.sqlite", root / "out", None) == 0
    return files, root / "out"


def _killed_and_resumed(files: Path, work: Path, crash: str) -> tuple[int, Path]:
    """The first start's exit code (killed at ``crash``) and the outputs once completed."""
    state, out = work / "S.sqlite", work / "out"
    first = code = _start(files, state, out, crash)
    for _ in range(3):
        if code == 0:
            break
        code = _start(files, state, out, None)
    assert code == 0, f"the session did not complete after the kill at {crash}"
    return first, out


@pytest.mark.parametrize("crash", list(dict.fromkeys(FOUND_BROKEN + SWEEP)))
def test_paper_session_when_killed_at_a_commit_point_then_it_ends_as_the_uninterrupted_run(
    session: tuple[Path, Path], tmp_path: Path, crash: str,
) -> None:
    files, whole = session
    first, out = _killed_and_resumed(files, tmp_path, crash)
    assert first == (0 if crash.split(":")[0] in UNREACHED else KILLED)
    for name in FILES:
        assert (out / name).read_bytes() == (whole / name).read_bytes(), name
    assert _final_equity(out) == _final_equity(whole)
