"""Where settings are found and what their relative paths mean, from any directory."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from cli.settings import find_config_dir, load_settings
from vibetrading_V2.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


def test_find_config_dir_when_run_from_elsewhere_then_the_projects_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert find_config_dir() == ROOT / "config"


def test_find_config_dir_when_variable_set_then_it_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "config", tmp_path / "config")
    monkeypatch.setenv("VT_CONFIG_DIR", str(tmp_path / "config"))

    assert find_config_dir() == tmp_path / "config"
    assert load_settings("dev").output.directory == tmp_path / "runs" / "latest"


def test_find_config_dir_when_explicit_dir_lacks_base_yaml_then_config_error_names_it(
    tmp_path: Path,
) -> None:
    with pytest.raises(ConfigError, match=r"holds no base\.yaml") as info:
        find_config_dir(tmp_path)
    assert info.value.field == "--config-dir"


def test_load_settings_when_run_from_elsewhere_then_paths_resolve_against_project_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    settings = load_settings("dev")

    assert settings.strategy.directory == ROOT / "strategies"
    assert settings.data.catalog == ROOT / "data" / "curated"
    assert settings.output.directory == ROOT / "runs" / "latest"


def test_config_hash_when_the_project_is_elsewhere_then_unchanged(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "config", tmp_path / "config")

    here = load_settings("dev", ROOT / "config").config_hash()

    assert load_settings("dev", tmp_path / "config").config_hash() == here


def test_load_settings_when_override_path_absolute_then_taken_as_is(tmp_path: Path) -> None:
    settings = load_settings("dev", ROOT / "config", output={"directory": tmp_path / "o"})

    assert settings.output.directory == tmp_path / "o"
