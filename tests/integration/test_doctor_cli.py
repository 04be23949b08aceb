"""``python -m cli.doctor --env ENV``: the table, its exit code, and that it writes nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cli.doctor import app

BYBIT = {"BYBIT_API_KEY": "PLANTEDKEY123", "BYBIT_API_SECRET": "PLANTEDSECRET456"}
CHECKS = ("config valid", "strategies load", "credentials present", "directories writable",
          "store intact", "schema version", "data fresh", "venue reachable", "clock skew")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("VT_") or name in BYBIT:
            monkeypatch.delenv(name)
    monkeypatch.setenv("VT_OUTPUT__DIRECTORY", str(tmp_path / "out"))
    monkeypatch.setenv("COLUMNS", "250")


def _doctor(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def test_doctor_when_dev_env_is_ready_then_every_check_listed_and_exit_0(
    tmp_path: Path,
) -> None:
    result = _doctor("--env", "dev")

    assert result.exit_code == 0, result.output
    assert all(check in result.output for check in CHECKS)
    assert "every required check passes" in result.output
    assert not (tmp_path / "out").exists()  # the doctor writes nothing


def test_doctor_when_prod_lacks_credentials_and_adapter_then_exit_1_saying_which(
) -> None:
    result = _doctor("--env", "prod")

    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "not set: BYBIT_API_KEY, BYBIT_API_SECRET" in said
    assert "failed: credentials present" in said
    assert "could not be checked: venue reachable" in said


def test_doctor_when_credentials_set_then_their_values_never_printed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in BYBIT.items():
        monkeypatch.setenv(name, value)

    result = _doctor("--env", "prod")
    assert "set: BYBIT_API_KEY, BYBIT_API_SECRET (values not shown)" in result.output
    assert "PLANTED" not in result.output
    assert result.exit_code == 1  # the venue still cannot be reached: no adapter


def test_doctor_when_a_variable_breaks_the_config_then_exit_1_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VT_KIND", "live")

    result = _doctor("--env", "dev")
    said = " ".join(result.output.split())
    assert result.exit_code == 1
    assert "VT_KIND=live does not fit --env dev" in said
    assert "failed: config valid" in said
