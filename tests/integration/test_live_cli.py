"""``python -m cli.live``: refuses without credentials (all named), and with them too.

The venue adapters do not exist yet, so with everything present the command must still
refuse, saying so; it never writes outputs or opens a store while refusing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.live import app, start_live
from cli.settings import AppSettings, load_settings
from vibetrading_V2.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
BYBIT = {"BYBIT_API_KEY": "PLANTEDKEY123", "BYBIT_API_SECRET": "PLANTEDSECRET456"}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("VT_") or name in BYBIT:
            monkeypatch.delenv(name)


def _live(tmp_path: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--out", str(tmp_path / "out"), *args])


def _said(result: Result) -> str:
    return " ".join(result.output.split())


def test_live_when_no_credentials_then_exit_2_naming_every_missing_variable(
    tmp_path: Path,
) -> None:
    result = _live(tmp_path, "--env", "prod")

    assert result.exit_code == 2
    assert "MissingCredentialsError" in result.output
    assert "not set: BYBIT_API_KEY, BYBIT_API_SECRET" in _said(result)
    assert not (tmp_path / "out").exists()


def test_live_when_one_credential_missing_then_only_that_one_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BYBIT_API_KEY", BYBIT["BYBIT_API_KEY"])

    result = _live(tmp_path, "--env", "prod")
    assert result.exit_code == 2
    assert "not set: BYBIT_API_SECRET" in _said(result)
    assert "PLANTEDKEY123" not in result.output


def test_live_when_everything_present_then_refused_for_want_of_the_venue_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in BYBIT.items():
        monkeypatch.setenv(name, value)

    result = _live(tmp_path, "--env", "prod")
    said = _said(result)
    assert result.exit_code == 2, result.output
    assert "the bybit venue adapter is not available in this version" in said
    assert "field: execution.venue" in said
    assert "PLANTED" not in result.output
    assert not (tmp_path / "out").exists()  # no outputs, no log, no store


def test_live_when_ibkr_then_no_secret_needed_and_refused_for_want_of_its_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__VENUE", "ibkr")

    result = _live(tmp_path, "--env", "prod")
    assert result.exit_code == 2
    assert "the ibkr venue adapter is not available in this version" in _said(result)


def test_live_when_env_is_a_backtest_env_then_refused_naming_kind(tmp_path: Path) -> None:
    result = _live(tmp_path, "--env", "dev")

    assert result.exit_code == 2
    assert "env 'dev' is a backtest env, not a live one" in _said(result)
    assert "field: kind" in _said(result)


def test_live_when_live_env_names_the_simulator_then_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__VENUE", "simulator")

    result = _live(tmp_path, "--env", "prod")
    assert result.exit_code == 2
    assert "its execution.venue is the simulator" in _said(result)


def test_live_when_config_variable_unreadable_then_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_POLICIES__RISK", "notjson")

    result = _live(tmp_path, "--env", "prod")
    assert result.exit_code == 2
    assert "VT_POLICIES__RISK must hold a JSON object" in _said(result)


def test_live_when_output_directory_is_a_file_then_refused_before_the_strategies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in BYBIT.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "out").write_text("a file", encoding="utf-8")

    result = _live(tmp_path, "--env", "prod")
    assert result.exit_code == 2
    assert "output.directory names an existing file" in _said(result)


class _AdapterPresent:
    """Stands for a container of a later version, whose venue adapter exists."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    def strategy_label(self) -> object:
        self.asked.append("strategies")
        return "my_strategy_a@1.0.0"

    def execution(self) -> object:
        self.asked.append("execution")
        return object()


def test_start_live_when_an_adapter_exists_then_still_refused_never_pretending_to_trade(
    tmp_path: Path,
) -> None:
    settings: AppSettings = load_settings("prod", output={"directory": tmp_path / "out"})
    parts = _AdapterPresent()

    with pytest.raises(ConfigError, match="the live loop is not available in this version"):
        start_live(settings, BYBIT, build=lambda _: parts)
    assert parts.asked == ["strategies", "execution"]


def test_live_module_when_run_without_credentials_then_no_traceback(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_") and k not in BYBIT}
    result = subprocess.run(
        [sys.executable, "-m", "cli.live", "--env", "prod", "--out", str(tmp_path / "o")],
        cwd=ROOT, env={**env, "COLUMNS": "200"}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "BYBIT_API_KEY, BYBIT_API_SECRET" in result.stderr
    assert "Traceback" not in result.stderr
