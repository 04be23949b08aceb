"""``python -m cli.control``: durable kill / pause / resume written to the env's store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.control import app, operator_name
from vibetrading_V2.store.sqlite import SqliteStateStore

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_outer_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("VT_"):
            monkeypatch.delenv(name)


def _control(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def _with_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "paper.sqlite"
    monkeypatch.setenv("VT_STATE__PATH", str(path))
    return path


def test_control_when_kill_then_durable_with_who_when_and_why(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _with_store(monkeypatch, tmp_path)
    result = _control("kill", "--env", "paper", "--reason", "runaway losses")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "kill ON kill by" in said and "runaway losses" in said
    with SqliteStateStore(path) as store:
        [kill] = store.operator_controls()
    assert (kill.name, kill.active, kill.action) == ("kill", True, "kill")
    assert kill.who == operator_name() and kill.reason == "runaway losses"
    assert kill.wall_ns > 1_700_000_000 * 10**9  # wall clock, not market time


def test_control_when_pause_then_resume_then_both_controls_off(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _with_store(monkeypatch, tmp_path)
    assert _control("kill", "--env", "paper").exit_code == 0
    assert _control("pause", "--env", "paper", "--reason", "news").exit_code == 0
    with SqliteStateStore(path) as store:
        assert [(c.name, c.active) for c in store.operator_controls()] == [
            ("kill", True), ("pause", True),
        ]
    result = _control("resume", "--env", "paper", "--reason", "checked")
    assert result.exit_code == 0, result.output
    with SqliteStateStore(path) as store:
        assert [(c.name, c.active, c.action) for c in store.operator_controls()] == [
            ("kill", False, "resume"), ("pause", False, "resume"),
        ]


def test_control_status_when_a_run_opened_the_store_then_prints_controls_and_last_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _with_store(monkeypatch, tmp_path)
    with SqliteStateStore(path, run_id="20261203T080000Z-abc123", account="account"):
        pass
    assert _control("status", "--env", "paper").stdout.count("none set") == 1
    _control("pause", "--env", "paper", "--reason", "lunch")
    result = _control("status", "--env", "paper")
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "pause ON pause by" in said and "lunch" in said
    assert "last run: 20261203T080000Z-abc123 for account@simulator" in said


def test_store_when_control_written_by_another_process_then_the_run_sees_the_cursor_move(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _with_store(monkeypatch, tmp_path)
    with SqliteStateStore(path, run_id="r1", account="account") as run_store:
        cursor = run_store.controls_changed_since(0)
        assert cursor == 0
        run_store.record_veto(1, "s1", "ETH", ["x"])  # its own writes are not controls
        assert run_store.controls_changed_since(cursor) == cursor
        assert _control("kill", "--env", "paper", "--reason", "stop").exit_code == 0
        moved = run_store.controls_changed_since(cursor)
        assert moved > cursor
        assert run_store.controls_changed_since(moved) == moved
        assert [c.active for c in run_store.operator_controls()] == [True]


def test_control_when_env_keeps_state_in_memory_then_config_error_exit_2() -> None:
    result = _control("kill", "--env", "dev")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "ConfigError" in said and "in memory" in said and "state.path" in said


def test_control_when_env_keeps_a_store_per_run_then_config_error_naming_state_path() -> None:
    result = _control("status", "--env", "paper")
    assert result.exit_code == 2
    said = " ".join(result.stderr.split())
    assert "new state store per run" in said and "VT_STATE__PATH" in said


def test_control_when_run_as_a_module_then_the_exit_code_reaches_the_shell() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    done = subprocess.run(
        [sys.executable, "-m", "cli.control", "pause", "--env", "dev"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 2
    assert "state.path" in done.stderr


def test_control_enable_when_a_breaker_disabled_the_strategy_then_the_control_is_cleared(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _with_store(monkeypatch, tmp_path)
    with SqliteStateStore(path) as store:
        store.set_control("strategy_disabled:sma@1.0.0", "12 errors in on_bar")
    listed = _control("status", "--env", "paper")
    assert "sma@1.0.0: 12 errors in on_bar" in listed.stdout
    result = _control("enable", "sma@1.0.0", "--env", "paper", "--reason", "bug fixed")
    assert result.exit_code == 0, result.output
    assert "enabled sma@1.0.0" in result.stdout and "bug fixed" in result.stdout
    with SqliteStateStore(path) as store:
        assert store.controls().get("strategy_disabled:sma@1.0.0") == ""


def test_control_enable_when_the_strategy_is_not_disabled_then_config_error_listing_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = _with_store(monkeypatch, tmp_path)
    with SqliteStateStore(path) as store:
        store.set_control("strategy_disabled:other@1.0.0", "budget spent")
    result = _control("enable", "sma@1.0.0", "--env", "paper")
    assert result.exit_code == 2
    said = " ".join(result.output.split())
    assert "ConfigError" in said and "'sma@1.0.0' is not disabled" in said
    assert "other@1.0.0" in said
