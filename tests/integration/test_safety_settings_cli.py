"""The ``safety:`` settings as a user sets them, and ``cli.paper --dry-run`` end to end."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.containers import build_container
from cli.settings import load_settings
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.execution.dry_run import DryRunGateway

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


def test_safety_when_a_time_zone_is_misspelt_in_a_variable_then_config_error_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VT_SAFETY__TIME_ZONE", "america/new_york")
    with pytest.raises(ConfigError) as caught:
        load_settings("dev")
    assert caught.value.field == "safety.time_zone"
    assert "did you mean 'America/New_York'" in caught.value.message
    assert "VT_SAFETY__TIME_ZONE" in str(caught.value.hint)


def test_safety_when_left_at_its_defaults_then_the_config_hash_is_unchanged() -> None:
    default = load_settings("dev")
    assert default.safety.day_boundary == "00:00" and default.safety.time_zone == "UTC"
    moved = load_settings("dev", safety={"day_boundary": "17:00"})
    assert moved.config_hash() != default.config_hash()


def test_prod_when_loaded_then_orders_are_throttled_and_the_container_gates_on_its_clock(
) -> None:
    settings = load_settings("prod")
    assert settings.safety.max_submits_per_second == 10
    risk = build_container(load_settings("paper", safety={"max_submits_per_second": 3})).risk()
    assert risk.safety.max_submits_per_second == 3


def test_container_when_dry_run_then_the_execution_is_a_shadow_of_the_simulator() -> None:
    container = build_container(load_settings("paper", safety={"dry_run": True}))
    assert isinstance(container.execution(), DryRunGateway)
    assert not isinstance(build_container(load_settings("paper")).execution(), DryRunGateway)


def test_paper_when_dry_run_then_orders_are_written_and_no_trade_happens(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    out = tmp_path / "shadow"
    done = subprocess.run(
        [sys.executable, "-m", "cli.paper", "--env", "paper", "--speed", "0", "--max-bars",
         "1500", "--dry-run", "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode in (0, 3), done.stderr  # 3: ran, but traded nothing
    with (out / "orders.csv").open(encoding="utf-8") as handle:
        orders = list(csv.DictReader(handle))
    assert orders, "the orders the run would have sent are written"
    assert {row["status"] for row in orders} <= {"new", "cancelled"}
    with (out / "trades.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == []
    events = [json.loads(line)["event"]
              for line in (out / "run.log.jsonl").read_text(encoding="utf-8").splitlines()]
    assert events.count("order_not_sent") == len(orders)
