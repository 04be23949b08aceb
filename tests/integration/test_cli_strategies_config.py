"""``cli.strategies`` (list, new) and ``cli.config show``, run through typer's CliRunner."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.config import app as config_app
from cli.strategies import app as strategies_app

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("COLUMNS", "250")


def test_strategies_new_when_name_is_fresh_then_list_shows_it_valid(tmp_path: Path) -> None:
    runner = CliRunner()
    created = runner.invoke(strategies_app, ["new", "breakout_x", "--dir", str(tmp_path)])
    assert created.exit_code == 0, created.output
    assert (tmp_path / "breakout_x.py").is_file()

    listed = runner.invoke(strategies_app, ["list", "--dir", str(tmp_path)])

    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if "breakout_x" in line)
    assert "0.1.0" in row and "EURUSD" in row and "1h" in row
    assert "valid" in row and "INVALID" not in row
    assert "lookback=50 [2, 1000]" in listed.output


def test_strategies_new_when_file_exists_then_exit_2_and_file_untouched(tmp_path: Path) -> None:
    (tmp_path / "mine.py").write_text("# my work\n", encoding="utf-8")

    result = CliRunner().invoke(strategies_app, ["new", "mine", "--dir", str(tmp_path)])

    assert result.exit_code == 2
    assert "already exists" in result.output and "Traceback" not in result.output
    assert (tmp_path / "mine.py").read_text(encoding="utf-8") == "# my work\n"


def test_strategies_new_when_name_not_an_identifier_then_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(strategies_app, ["new", "my-strat", "--dir", str(tmp_path)])

    assert result.exit_code == 2 and "identifier" in result.output
    assert not list(tmp_path.iterdir())


def test_strategies_list_when_project_config_then_bundled_strategy_with_param_ranges() -> None:
    result = CliRunner().invoke(strategies_app, ["list"])

    assert result.exit_code == 0, result.output
    assert "my_strategy_a" in result.output and "fast=10 [2, 200]" in result.output


def test_strategies_list_when_a_file_is_broken_then_row_says_invalid(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def get_bundle(:\n", encoding="utf-8")

    result = CliRunner().invoke(strategies_app, ["list", "--dir", str(tmp_path)])

    row = next(line for line in result.output.splitlines() if "broken.py" in line)
    assert "INVALID: StrategySyntaxError" in row


def test_config_show_when_vt_variable_set_then_its_source_is_named() -> None:
    result = CliRunner().invoke(
        config_app, ["show", "--env", "paper"], env={"VT_EXECUTION__INITIAL_CASH": "5000"}
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    cash = next(line for line in lines if "execution.initial_cash" in line)
    assert "5000.0" in cash and "env var VT_EXECUTION__INITIAL_CASH" in cash
    kind = next(line for line in lines if "│ kind" in line)
    assert "paper" in kind and "config/paper.yaml" in kind
    venue = next(line for line in lines if "execution.venue" in line)
    assert "config/base.yaml" in venue
    currency = next(line for line in lines if "execution.currency" in line)
    assert "default" in currency
    assert str(ROOT / "runs") in result.output  # paths resolved against the project root


def test_config_show_when_env_unknown_then_exit_2_listing_choices() -> None:
    result = CliRunner().invoke(config_app, ["show", "--env", "staging"])

    assert result.exit_code == 2 and "unknown environment" in result.output
    assert "Traceback" not in result.output
