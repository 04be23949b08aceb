"""The summary's diagnostics sections, built from real engine runs (issue 10, items 3 and 4).

Before: a strategy raising on every bar was disabled after 11 errors and nothing said so;
a drawdown limit switched trading to REDUCING for the rest of the run with one log line;
a strategy whose symbol had no data was vetoed on every intent, silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.engine_helpers import HOUR, T0, Scripted, bars, make_rig
from vibetrading_V2.core.types import Intent
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.runner.diagnostics import diagnostics_summary, idle_reasons, iso_time
from vibetrading_V2.runner.engine import EngineConfig
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

SECTIONS = {"vetoes", "resizes", "strategy_errors", "trading_state_changes", "warnings",
            "n_vetoes", "n_resizes", "n_strategy_errors", "n_state_changes"}


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _raise_every_bar(bar: BarView) -> StrategyOutput:
    raise ZeroDivisionError(f"no ratio at {bar.index}")


def test_iso_time_when_whole_seconds_then_no_fraction_and_a_z() -> None:
    assert iso_time(T0) == "2024-01-01T00:00:00Z"
    assert iso_time(T0 + 1_500) == "2024-01-01T00:00:00.000001Z"


def test_diagnostics_when_strategy_raises_every_bar_then_first_traceback_and_disabled(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(_raise_every_bar), guard, engine=EngineConfig(error_budget=10))

    summary = diagnostics_summary(rig.run(bars("AAA", [100.0] * 20)))

    errors: Any = summary["strategy_errors"]
    assert errors["count"] == summary["n_strategy_errors"] == 11
    assert errors["disabled"] is True
    assert errors["first_time"] == "2024-01-01T00:00:00Z"
    assert errors["disabled_time"] == iso_time(T0 + 10 * HOUR)
    assert errors["first_error"] == "ZeroDivisionError: no ratio at 0"
    tb = errors["first_traceback"]
    assert tb.startswith("Traceback (most recent call last):")
    assert "_raise_every_bar" in tb and tb.endswith("ZeroDivisionError: no ratio at 0")
    assert "runner/engine.py" not in tb  # starts at the user's code
    [warning] = summary["warnings"]
    assert warning.startswith(f"strategy disabled at {iso_time(T0 + 10 * HOUR)} after 11 errors")
    assert "the 9 bars after it were not traded" in warning
    assert idle_reasons({**summary, "bars": 20, "n_orders": 0}) == [
        "the strategy was disabled after 11 errors"
    ]


def test_diagnostics_when_drawdown_limit_is_hit_then_state_change_and_warning(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        return Intent.long("AAA", quantity=900.0) if bar.index < 4 else Intent.long(
            "AAA", quantity=950.0)

    prices = [100.0, 100.0, 97.0, 94.0, 93.0, 92.0, 91.0, 90.0]
    rig = make_rig(Scripted(decide), guard, risk=RiskPolicy(max_drawdown=0.05))

    summary = diagnostics_summary(rig.run(bars("AAA", prices)))

    assert summary["n_state_changes"] == 1
    assert summary["trading_state_changes"] == [{
        "time": iso_time(T0 + 3 * HOUR), "from": "active", "to": "reducing",
        "reason": "max_drawdown: drawdown 5.4 % from the peak 100,000.00 (equity 94,600.00) "
                  ">= max_drawdown 5 %",
    }]
    warnings: Any = summary["warnings"]
    assert warnings == [
        f"trading REDUCING at {iso_time(T0 + 3 * HOUR)}: max_drawdown: drawdown 5.4 % from the "
        "peak 100,000.00 (equity 94,600.00) >= max_drawdown 5 %; the 4 bars after it (to the "
        "end of the run) saw no new positions"
    ]
    vetoes: Any = summary["vetoes"]
    assert vetoes["total"] == 1
    assert vetoes["by_reason"][0]["reason"] == "reducing_only"
    assert vetoes["by_reason"][0]["stage"] == "risk"


def test_diagnostics_when_the_symbol_has_no_data_then_every_veto_is_explained(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        return Intent.long("EURUSD") if bar.index % 2 else Intent.flat("EURUSD")

    rig = make_rig(Scripted(decide), guard, universe=("EURUSD",))

    summary = diagnostics_summary(rig.run(bars("GOOG", [100.0] * 6)))

    assert summary["vetoes"] == {"total": 6, "by_reason": [{
        "stage": "strategy_gate", "reason": "no_valid_price", "count": 6,
        "first_time": "2024-01-01T00:00:00Z", "symbol": "EURUSD",
    }]}
    [warning] = summary["warnings"]
    assert warning.startswith("every intent was vetoed: 6 vetoes and no order")
    assert "the run's data has no bars of EURUSD (it holds GOOG)" in warning
    assert idle_reasons({**summary, "bars": 6, "n_orders": 0}) == [
        "every intent was vetoed (6 vetoes), no order was sent"
    ]


def test_diagnostics_when_no_bars_then_warned_and_idle(guard: RuntimeGuard) -> None:
    rig = make_rig(Scripted(lambda bar: None), guard)

    summary = diagnostics_summary(rig.run())

    assert summary.keys() == SECTIONS
    assert summary["warnings"] == [
        "the run saw no bars: the data holds nothing between the start and end given, so "
        "nothing was traded"
    ]
    assert idle_reasons({**summary, "bars": 0, "n_orders": 0}) == [
        "the run saw no bars: no data between the start and end given"
    ]


def test_diagnostics_when_the_run_traded_then_no_warning_and_not_idle(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: Intent.long("AAA", quantity=1.0)), guard)

    summary = diagnostics_summary(rig.run(bars("AAA", [100.0] * 4)))

    assert summary["warnings"] == [] and summary["n_vetoes"] == 0
    assert summary["strategy_errors"] == {
        "count": 0, "disabled": False, "disabled_time": None, "first_time": None,
        "first_error": None, "first_traceback": None,
    }
    assert idle_reasons({**summary, "bars": 4, "n_orders": 1}) == []
