"""``AppSettings`` in memory: frozen, strict, and a config hash that ignores where outputs go.

Settings are built directly (no YAML layer), so nothing is read from disk; ``VT_*``
variables of the calling shell are removed first so they cannot leak in.
"""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from pydantic import ValidationError

from cli.settings import AppSettings


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


def settings(**fields: Any) -> AppSettings:
    return AppSettings(**fields)


def test_config_hash_when_computed_then_sixteen_hex_digits() -> None:
    assert re.fullmatch(r"[0-9a-f]{16}", settings().config_hash())


def test_config_hash_when_same_settings_built_twice_then_equal() -> None:
    fields = {"execution": {"initial_cash": 5_000.0}, "strategy": {"params": {"fast": 5}}}
    assert settings(**fields).config_hash() == settings(**fields).config_hash()


def test_config_hash_when_only_output_or_logging_differs_then_equal() -> None:
    base = settings().config_hash()
    assert settings(output={"directory": "/tmp/elsewhere"}).config_hash() == base
    assert settings(logging={"console_level": "off"}).config_hash() == base


def test_config_hash_when_param_order_differs_then_equal() -> None:
    one = settings(strategy={"params": {"fast": 5, "slow": 20}})
    two = settings(strategy={"params": {"slow": 20, "fast": 5}})
    assert one.config_hash() == two.config_hash()


@pytest.mark.parametrize(
    "fields",
    [
        {"execution": {"initial_cash": 5_000.0}},
        {"execution": {"fill_timing": "signal_close"}},
        {"policies": {"risk": {"max_leverage": 2.0}}},
        {"policies": {"cost": {"commission_bps": 3.0}}},
        {"strategy": {"params": {"fast": 5}}},
        {"data": {"start": "2017-05-01"}},
        {"env": "paper"},
    ],
    ids=["cash", "timing", "risk", "cost", "params", "data", "env"],
)
def test_config_hash_when_a_result_shaping_field_differs_then_it_changes(
    fields: dict[str, Any],
) -> None:
    assert settings(**fields).config_hash() != settings().config_hash()


def test_app_settings_when_assigned_then_refused_because_frozen() -> None:
    built = settings()
    with pytest.raises(ValidationError):
        built.env = "prod"


@pytest.mark.parametrize(
    "fields",
    [{"strategi": {}}, {"execution": {"initial_csh": 1.0}}, {"policies": {"risk": {"x": 1}}}],
)
def test_app_settings_when_unknown_key_then_validation_error(fields: dict[str, Any]) -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        settings(**fields)
