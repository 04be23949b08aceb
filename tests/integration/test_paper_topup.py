"""Paper top-ups: an account at its $10 floor gets $1,000, each top-up an epoch in the store.

Issue 13 item 5 (reference 3 §5). The session of ``losing_session`` loses 57 % a swing, so
it reaches the floor again and again. In process (``run_paper``) and through ``cli.paper``:
epochs and deposits are recorded, the deposits are not profit, and a session killed with
SIGKILL (the crash hook) after a top-up and resumed writes the outputs of one uninterrupted
run, byte for byte: its rebuilt ledger books each deposit where the run booked it.
"""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pandas as pd
import pytest
from rich.console import Console

from cli.paper import run_paper
from cli.settings import load_settings
from tests.integration.losing_session import paper_command, paper_overrides
from vibetrading_V2.core.epochs import EpochRecord
from vibetrading_V2.store.crash_points import CRASH_ENV_VAR
from vibetrading_V2.store.sqlite import SqliteStateStore

QUIET = Console(file=open("/dev/null", "w"), stderr=False)  # noqa: SIM115 - lives as the module


def _epochs(state: Path) -> list[EpochRecord]:
    with SqliteStateStore(state) as store:
        return store.epochs()


def _summary(out: Path) -> dict[str, object]:
    summary: dict[str, object] = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return summary


@pytest.fixture(scope="module")
def in_process(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """One uninterrupted session run in process: (its state file, its output directory)."""
    base = tmp_path_factory.mktemp("topup")
    state, out = base / "S.sqlite", base / "out"
    settings = load_settings("paper", **paper_overrides(base / "files", out, state))
    run_paper(settings, QUIET, stop=None, sleep=lambda _: None)
    return state, out


def test_paper_when_equity_falls_to_the_floor_then_an_epoch_and_a_deposit_are_recorded(
    in_process: tuple[Path, Path],
) -> None:
    state, out = in_process
    epochs = _epochs(state)
    assert len(epochs) >= 2
    assert [e.epoch for e in epochs] == list(range(1, len(epochs) + 1))
    assert all(e.equity_before <= 10.0 and e.deposit == 1_000.0 for e in epochs)
    assert all(e.wall_ns > 0 and e.run_id for e in epochs)
    times = [e.ts_ns for e in epochs]
    assert times == sorted(times) and len(set(times)) == len(times)
    summary = _summary(out)
    assert summary["epochs"] == len(epochs)
    assert summary["deposits"] == 1_000.0 * len(epochs)


def test_paper_when_topped_up_then_equity_holds_the_deposits_and_pnl_excludes_them(
    in_process: tuple[Path, Path],
) -> None:
    _, out = in_process
    summary = _summary(out)
    equity = pd.read_csv(out / "equity.csv")
    final, deposits = float(equity["equity"].iloc[-1]), float(equity["deposits"].iloc[-1])
    assert summary["final_equity"] == pytest.approx(final)
    assert deposits == summary["deposits"]
    assert summary["net_pnl"] == pytest.approx(final - 1_000.0 - deposits)
    assert float(summary["net_pnl"]) < -1_000.0  # every epoch lost almost all it had
    # a deposit is not a gain: the account ends above its $1,000 only by the top-ups,
    # and its return is its losses' compounded (-57 % a swing)
    assert final > 1_000.0
    assert float(summary["total_return_pct"]) < -99.9
    assert float(equity["drawdown"].min()) < -0.99
    assert (equity["drawdown"] <= 0.0).all()


def test_paper_cli_when_the_strategy_loses_fast_then_two_or_more_epochs_end_to_end(
    tmp_path: Path,
) -> None:
    state, out = tmp_path / "S.sqlite", tmp_path / "out"
    done = paper_command(tmp_path / "files", out, state)
    assert done.returncode == 0, done.stderr
    epochs = _epochs(state)
    assert len(epochs) >= 2
    assert "Top-up epochs" in done.stdout and "Deposits" in done.stdout
    assert _summary(out)["epochs"] == len(epochs)


FILES = ("orders.csv", "trades.csv", "equity.csv")
KILLS_AFTER_THE_FIRST_TOP_UP = (  # epoch 1 comes at the 12th bar, epoch 2 at the 24th
    ("bar_committed:20",),
    ("intent_recorded:14",),  # holding: the resumed bar values the position it holds
    ("fill_committed:30",),  # after epoch 2
    ("order_sent:50",),
    ("fill_committed:25", "intent_recorded:12"),  # killed, resumed, killed again
    ("bar_checkpoint:50",),
)


def _epoch_figures(state: Path) -> list[tuple[int, int, float, float]]:
    """What a top-up is, to the bit: number, market time, equity seen, deposit (not which
    run paid it, nor when on the wall clock)."""
    return [(e.epoch, e.ts_ns, e.equity_before, e.deposit) for e in _epochs(state)]


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """One uninterrupted ``cli.paper`` session: (its files, its state file, its outputs).
    Its killed copies share the files: the strategy's path is part of the client ids."""
    base = tmp_path_factory.mktemp("whole")
    files, state, out = base / "files", base / "S.sqlite", base / "out"
    done = paper_command(files, out, state)
    assert done.returncode == 0, done.stderr
    return files, state, out


@pytest.mark.parametrize("kills", KILLS_AFTER_THE_FIRST_TOP_UP, ids="+".join)
def test_paper_cli_when_killed_after_a_top_up_and_resumed_then_the_outputs_are_one_runs(
    tmp_path: Path, uninterrupted: tuple[Path, Path, Path], kills: tuple[str, ...],
) -> None:
    files, whole, whole_out = uninterrupted
    state, out = tmp_path / "S.sqlite", tmp_path / "out"
    for kill in kills:
        killed = paper_command(files, out, state, env={CRASH_ENV_VAR: kill})
        assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert len(_epochs(state)) >= 1  # killed after the first top-up
    resumed = paper_command(files, out, state)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming the session" in " ".join(resumed.stderr.split())
    # the deposits booked among the fills where the run booked them: the same cash to
    # the last bit, so the same equity at every top-up and the same order sizes
    assert _epoch_figures(state) == _epoch_figures(whole)
    assert len(_epochs(state)) >= 2
    for name in FILES:
        assert (out / name).read_bytes() == (whole_out / name).read_bytes(), name
    assert _summary(out)["final_equity"] == _summary(whole_out)["final_equity"]


def test_paper_cli_when_killed_and_resumed_then_the_epochs_paid_are_kept_not_paid_again(
    tmp_path: Path, uninterrupted: tuple[Path, Path, Path],
) -> None:
    files, whole, _ = uninterrupted
    state, out = tmp_path / "S.sqlite", tmp_path / "out"
    killed = paper_command(files, out, state, env={CRASH_ENV_VAR: "bar_committed:20"})
    assert killed.returncode == -signal.SIGKILL
    before = _epochs(state)
    assert len(before) == 1
    resumed = paper_command(files, out, state)
    assert resumed.returncode == 0, resumed.stderr
    after = _epochs(state)
    assert after[0] == before[0]  # kept, not paid again
    assert [e.epoch for e in after] == [e.epoch for e in _epochs(whole)]
    assert {e.run_id for e in after[1:]} != {before[0].run_id}  # the resumed run paid them


def test_paper_cli_when_new_session_requested_then_epochs_start_again_from_one(
    tmp_path: Path,
) -> None:
    state, out = tmp_path / "S.sqlite", tmp_path / "out"
    first = paper_command(tmp_path / "files", out, state, "--max-bars", "30")
    assert first.returncode == 0, first.stderr
    old = _epochs(state)
    renewed = paper_command(tmp_path / "files", out, state, "--max-bars", "15",
                            "--new-session")
    assert renewed.returncode == 0, renewed.stderr
    assert len(old) >= 2
    assert [e.epoch for e in _epochs(state)] == [1]  # the new session's own first top-up
    assert _summary(out)["epochs"] == 1
