"""A paper session's top-ups reach the risk gate: its stored levels count every deposit once,
in one run and in a run killed after a top-up and resumed (``losing_session``)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from rich.console import Console

from cli.paper import run_paper
from cli.settings import load_settings
from tests.integration.losing_session import paper_command, paper_overrides
from vibetrading_V2.policies.risk_types import RiskSnapshot
from vibetrading_V2.runner.safety import ACCOUNT_ID
from vibetrading_V2.store.crash_points import CRASH_ENV_VAR
from vibetrading_V2.store.sqlite import SqliteStateStore

QUIET = Console(file=open("/dev/null", "w"), stderr=False)  # noqa: SIM115 - lives as the module


def _stored(state: Path) -> tuple[RiskSnapshot, float]:
    """The session's stored risk snapshot and the sum of its recorded deposits."""
    with SqliteStateStore(state) as store:
        text = store.get_control(f"risk_snapshot:{ACCOUNT_ID}")
        deposits = math.fsum(epoch.deposit for epoch in store.epochs())
    assert text is not None
    return RiskSnapshot.from_json(text), deposits


def test_paper_when_topped_up_then_the_stored_risk_levels_count_every_deposit(
    tmp_path: Path,
) -> None:
    state = tmp_path / "S.sqlite"
    settings = load_settings("paper", **paper_overrides(tmp_path / "files", tmp_path / "out",
                                                        state))
    run_paper(settings, QUIET, stop=None, sleep=lambda _: None)
    snapshot, deposits = _stored(state)
    assert deposits >= 2_000.0
    assert snapshot.deposits == deposits


def test_paper_cli_when_killed_after_a_top_up_and_resumed_then_each_deposit_booked_once(
    tmp_path: Path,
) -> None:
    state, out = tmp_path / "S.sqlite", tmp_path / "out"
    killed = paper_command(tmp_path / "files", out, state,
                           env={CRASH_ENV_VAR: "bar_committed:20"})  # after epoch 1
    assert killed.returncode != 0
    snapshot, deposits = _stored(state)
    assert snapshot.deposits == deposits == 1_000.0
    resumed = paper_command(tmp_path / "files", out, state)
    assert resumed.returncode == 0, resumed.stderr
    snapshot, deposits = _stored(state)
    assert deposits >= 2_000.0
    assert snapshot.deposits == pytest.approx(deposits)
