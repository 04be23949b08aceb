"""``VT_*`` variables that cannot be read, or do not fit the env, are ConfigErrors naming them.

Each test writes its own config directory; the calling shell's ``VT_*`` variables are
removed first. The last test runs the real command: no traceback, exit code 2.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.settings import load_settings
from cli.settings_errors import settings_source_error
from vibetrading_V2.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
ENVS = {"base": "execution:\n  initial_cash: 1000\n", "dev": "kind: backtest\n",
        "paper": "kind: paper\n", "prod": "kind: live\nexecution:\n  venue: bybit\n"}


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "config"
    directory.mkdir()
    for name, text in ENVS.items():
        (directory / f"{name}.yaml").write_text(text, encoding="utf-8")
    return directory


def _refusal(config_dir: Path, env: str = "dev") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        load_settings(env, config_dir)
    return info.value


def test_vt_section_when_not_json_then_config_error_names_the_variable_and_its_keys(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_POLICIES__RISK", "notjson")

    error = _refusal(config_dir)
    assert error.field == "VT_POLICIES__RISK"
    assert "must hold a JSON object" in error.message
    assert "VT_POLICIES__RISK__<KEY>=VALUE" in str(error.hint) and "max_leverage" in str(error.hint)


def test_vt_list_when_not_json_then_config_error_shows_a_json_list(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_DATA__SYMBOLS", "EURUSD")

    error = _refusal(config_dir)
    assert error.field == "VT_DATA__SYMBOLS" and "JSON list" in error.message
    assert "VT_DATA__SYMBOLS='[" in str(error.hint)


def test_vt_section_when_json_of_the_wrong_shape_then_the_setting_names_its_variable(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_POLICIES__RISK", "[1]")

    error = _refusal(config_dir)
    assert "policies.risk (set by VT_POLICIES__RISK)" in error.message
    assert "VT_POLICIES__RISK" in str(error.hint)


def test_vt_scalar_when_invalid_then_the_hint_names_the_variable(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__INITIAL_CASH", "lots")

    error = _refusal(config_dir)
    assert error.field == "execution.initial_cash"
    assert "fix or unset VT_EXECUTION__INITIAL_CASH" in str(error.hint)


def test_vt_section_when_json_object_then_it_is_read(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_POLICIES__RISK", '{"max_leverage": 2}')
    monkeypatch.setenv("VT_STRATEGY__PARAMS__FAST", "12")  # keys of a mapping are free

    settings = load_settings("dev", config_dir)
    assert settings.policies.risk.max_leverage == 2.0
    assert settings.strategy.params == {"fast": "12"}


def test_vt_kind_when_it_does_not_fit_the_env_then_refused_naming_the_env_that_fits(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_KIND", "live")

    error = _refusal(config_dir)
    assert error.field == "VT_KIND" and "a backtest env" in error.message
    assert "--env prod" in str(error.hint)


def test_vt_kind_when_it_repeats_the_envs_kind_then_accepted(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_KIND", "paper")

    assert load_settings("paper", config_dir).kind == "paper"


def test_vt_kind_when_the_env_takes_its_kind_from_base_then_compared_with_base(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (config_dir / "base.yaml").write_text("kind: paper\n", encoding="utf-8")
    (config_dir / "dev.yaml").write_text("state:\n  backend: memory\n", encoding="utf-8")
    monkeypatch.setenv("VT_KIND", "backtest")

    error = _refusal(config_dir)
    assert "a paper env" in error.message


def test_vt_nested_key_when_unknown_then_refused_with_the_close_match(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__INITAL_CASH", "5")

    error = _refusal(config_dir)
    assert error.field == "VT_EXECUTION__INITAL_CASH"
    assert "did you mean VT_EXECUTION__INITIAL_CASH?" in error.message


def test_backtest_cli_when_vt_section_not_json_then_exit_2_naming_it_without_traceback(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env.update({"VT_POLICIES__RISK": "notjson", "COLUMNS": "200"})
    result = subprocess.run(
        [sys.executable, "-m", "cli.backtest", "--env", "dev", "--out", str(tmp_path / "o")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "VT_POLICIES__RISK" in result.stderr and "ConfigError" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "o").exists()


def test_vt_strategies_when_not_json_then_the_hint_names_the_entry_keys(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_STRATEGIES", "my_strategy_a")

    error = _refusal(config_dir)
    assert error.field == "VT_STRATEGIES"
    assert "JSON list of objects with keys ['name', 'params']" in str(error.hint)


def test_settings_source_error_when_pydantic_settings_fails_then_names_the_variables() -> None:
    error = settings_source_error(ValueError("cannot decode"), {"VT_DATA__END": "x"},
                                  [Path("config/base.yaml")])
    assert error.field == "VT_DATA__END" and "cannot decode" in error.message
