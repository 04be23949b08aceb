"""The arming rule of bracket stops is a cost-model setting: validated, hashed only when set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cli.settings import load_settings
from vibetrading_V2.core.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


def test_bracket_arming_when_not_set_then_entry_bar_and_the_hash_is_as_before() -> None:
    settings = load_settings("dev", ROOT / "config")
    assert settings.execution.bracket_arming == "entry_bar"
    explicit = load_settings("dev", ROOT / "config",
                             execution={"bracket_arming": "entry_bar"})
    assert explicit.config_hash() == settings.config_hash()


def test_bracket_arming_when_next_bar_from_the_environment_then_set_and_hashed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = load_settings("dev", ROOT / "config")
    monkeypatch.setenv("VT_EXECUTION__BRACKET_ARMING", "next_bar")
    settings = load_settings("dev", ROOT / "config")
    assert settings.execution.bracket_arming == "next_bar"
    assert settings.config_hash() != default.config_hash()


def test_bracket_arming_when_unknown_then_a_config_error_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VT_EXECUTION__BRACKET_ARMING", "later")
    with pytest.raises(ConfigError) as raised:
        load_settings("dev", ROOT / "config")
    assert "bracket_arming" in str(raised.value)
