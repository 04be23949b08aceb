"""A strategy file importing the indicator module loads through the sandbox and runs guarded."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.strategies import app as strategies_app
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import load_bundle
from vibetrading_V2.strategy.sandbox import SandboxPolicy, load_sandbox_policy

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "strategies" / "uses_indicators.py"


@pytest.fixture(scope="module")
def policy() -> SandboxPolicy:
    return load_sandbox_policy(REPO / "config" / "sandbox.yaml")


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def test_sandbox_policy_when_indicator_module_then_allowed_and_talib_denied(
    policy: SandboxPolicy,
) -> None:
    assert policy.reason_for("vibetrading_V2.strategy.indicators") is None
    assert policy.reason_for("vibetrading_V2.strategy.indicators.exact") is None
    assert "vibetrading_V2.strategy.indicators" in (policy.reason_for("talib") or "")


def test_load_bundle_when_strategy_imports_indicators_then_features_run_under_guard(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    loaded = load_bundle(FIXTURE, policy=policy, guard=guard)
    strategy = loaded.bundle.create()
    frame = pd.read_parquet(REPO / "data" / "curated" / "1h" / "EURUSD.parquet")
    frame = frame.set_index("timestamp")

    features = guard.run(strategy.features, frame)

    assert guard.violation_count == 0
    assert features is not None and features.index.equals(frame.index)
    assert set(features["fast_vs_slow"].dropna().unique()) == {-1.0, 0.0, 1.0}
    assert features["atr"].isna().sum() == 14 and features["rsi"].isna().sum() == 14


def test_strategies_list_when_file_imports_indicators_then_valid(tmp_path: Path) -> None:
    shutil.copy(FIXTURE, tmp_path / FIXTURE.name)

    listed = CliRunner().invoke(
        strategies_app, ["list", "--dir", str(tmp_path)], env={"COLUMNS": "250"}
    )

    assert listed.exit_code == 0, listed.output
    row = next(line for line in listed.output.splitlines() if "uses_indicators" in line)
    assert "valid" in row and "INVALID" not in row
