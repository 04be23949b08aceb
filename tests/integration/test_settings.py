"""``load_settings``: base.yaml < <env>.yaml < VT_* variables < explicit overrides, strictly.

Each test writes its own config directory under ``tmp_path``; ``VT_*`` variables of the
calling shell are removed first, and tests set the ones they need with ``monkeypatch``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli.settings import available_envs, load_settings
from vibetrading_V2.core.errors import ConfigError

BASE = """\
execution:
  initial_cash: 1000
  fill_timing: signal_close
policies:
  risk:
    daily_loss_limit: 0.1
  cost:
    commission_bps: 2.0
output:
  directory: runs/base
"""
DEV = """\
kind: backtest
execution:
  initial_cash: 2000
policies:
  risk:
    max_leverage: 2.0
"""
PAPER = """\
kind: paper
output:
  directory: runs/paper
"""


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "config"
    directory.mkdir()
    for name, text in {"base": BASE, "dev": DEV, "paper": PAPER, "sandbox": "x: 1\n"}.items():
        (directory / f"{name}.yaml").write_text(text, encoding="utf-8")
    return directory


def test_load_settings_when_only_yaml_then_env_file_overrides_base_deeply(
    config_dir: Path,
) -> None:
    settings = load_settings("dev", config_dir)

    assert settings.env == "dev" and settings.kind == "backtest"
    assert settings.execution.initial_cash == 2000.0  # dev.yaml wins
    assert settings.execution.fill_timing == "signal_close"  # base.yaml sibling kept
    assert settings.policies.risk.max_leverage == 2.0  # dev.yaml
    assert settings.policies.risk.daily_loss_limit == 0.1  # base.yaml, same section
    assert settings.policies.cost.commission_bps == 2.0
    assert settings.policies.risk.max_drawdown is None  # model default


def test_load_settings_when_vt_variable_set_then_it_beats_the_yaml(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__INITIAL_CASH", "3000")
    monkeypatch.setenv("VT_POLICIES__RISK__MAX_DRAWDOWN", "0.3")

    settings = load_settings("dev", config_dir)

    assert settings.execution.initial_cash == 3000.0
    assert settings.execution.fill_timing == "signal_close"
    assert settings.policies.risk.max_drawdown == 0.3
    assert settings.policies.risk.max_leverage == 2.0
    assert settings.policies.risk.daily_loss_limit == 0.1


def test_load_settings_when_explicit_override_then_it_beats_vt_variables(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__INITIAL_CASH", "3000")

    settings = load_settings("dev", config_dir, execution={"initial_cash": 4000.0})

    assert settings.execution.initial_cash == 4000.0
    assert settings.execution.fill_timing == "signal_close"  # a partial override merges


def test_load_settings_when_vt_env_names_another_env_then_refused_not_ignored(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_ENV", "paper")

    with pytest.raises(ConfigError) as info:
        load_settings("dev", config_dir)
    assert info.value.field == "VT_ENV" and "--env paper" in str(info.value.hint)


def test_load_settings_when_env_unknown_then_config_error_lists_valid_envs(
    config_dir: Path,
) -> None:
    with pytest.raises(ConfigError, match="unknown environment 'staging'") as info:
        load_settings("staging", config_dir)
    assert info.value.field == "--env"
    assert info.value.hint == "use one of ['dev', 'paper']"  # never base or sandbox


def test_available_envs_when_listing_then_base_and_sandbox_are_not_envs(
    config_dir: Path,
) -> None:
    assert available_envs(config_dir) == ["dev", "paper"]


def test_load_settings_when_yaml_key_unknown_then_config_error_names_it_and_valid_keys(
    config_dir: Path,
) -> None:
    (config_dir / "dev.yaml").write_text("execution:\n  initial_csh: 5\n", encoding="utf-8")

    with pytest.raises(ConfigError) as info:
        load_settings("dev", config_dir)
    error = info.value
    assert error.field == "execution.initial_csh"
    assert "execution.initial_csh: Extra inputs are not permitted" in error.message
    assert "valid keys: [" in error.message and "'initial_cash'" in error.message
    assert str(config_dir / "dev.yaml") in (error.path or "")


def test_load_settings_when_top_level_yaml_key_unknown_then_valid_sections_listed(
    config_dir: Path,
) -> None:
    (config_dir / "dev.yaml").write_text("strategi:\n  name: x\n", encoding="utf-8")

    with pytest.raises(ConfigError) as info:
        load_settings("dev", config_dir)
    assert info.value.field == "strategi"
    assert "'strategy'" in info.value.message and "'policies'" in info.value.message


def test_load_settings_when_yaml_value_invalid_then_config_error_names_the_field(
    config_dir: Path,
) -> None:
    (config_dir / "dev.yaml").write_text("execution:\n  initial_cash: -1\n", encoding="utf-8")

    with pytest.raises(ConfigError) as info:
        load_settings("dev", config_dir)
    assert info.value.field == "execution.initial_cash"
    assert "greater than 0" in info.value.message


def test_load_settings_when_yaml_is_malformed_then_config_error_with_line(
    config_dir: Path,
) -> None:
    (config_dir / "dev.yaml").write_text("kind: backtest\nexecution: [\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="not valid YAML") as info:
        load_settings("dev", config_dir)
    assert info.value.path == str(config_dir / "dev.yaml")
    assert info.value.line is not None


def test_load_settings_when_yaml_is_not_a_mapping_then_config_error(config_dir: Path) -> None:
    (config_dir / "dev.yaml").write_text("- a\n- b\n", encoding="utf-8")

    with pytest.raises(ConfigError, match="mapping at the top level"):
        load_settings("dev", config_dir)


def test_load_settings_when_base_yaml_missing_then_config_error(config_dir: Path) -> None:
    (config_dir / "base.yaml").unlink()

    with pytest.raises(ConfigError, match="is missing"):
        load_settings("dev", config_dir)


def test_load_settings_when_nested_vt_key_misspelt_then_config_error(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_POLICIES__RISK__MAX_LEVRAGE", "2")

    with pytest.raises(ConfigError) as info:
        load_settings("dev", config_dir)
    assert info.value.field == "VT_POLICIES__RISK__MAX_LEVRAGE"
    assert "did you mean VT_POLICIES__RISK__MAX_LEVERAGE?" in info.value.message


def test_load_settings_when_vt_value_invalid_then_config_error(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VT_EXECUTION__FILL_TIMING", "tomorrow")

    with pytest.raises(ConfigError) as info:
        load_settings("dev", config_dir)
    assert info.value.field == "execution.fill_timing"


@pytest.mark.parametrize("name", ["VT_EXECUTON__INITIAL_CASH", "VT_KIN"])
def test_load_settings_when_vt_section_misspelt_then_config_error(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, "5")

    with pytest.raises(ConfigError):
        load_settings("dev", config_dir)


def test_config_hash_when_only_output_directory_differs_then_equal(config_dir: Path) -> None:
    one = load_settings("dev", config_dir, output={"directory": "a"})
    two = load_settings("dev", config_dir, output={"directory": "b"},
                        logging={"console_level": "off"})

    assert one.config_hash() == two.config_hash()


def test_config_hash_when_loaded_twice_then_stable(config_dir: Path) -> None:
    assert load_settings("dev", config_dir).config_hash() == load_settings(
        "dev", config_dir
    ).config_hash()


def test_config_hash_when_a_layer_changes_a_result_field_then_it_differs(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = load_settings("dev", config_dir).config_hash()
    monkeypatch.setenv("VT_POLICIES__COST__SLIPPAGE_BPS", "1.5")

    assert load_settings("dev", config_dir).config_hash() != before
