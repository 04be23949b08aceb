"""User code failing inside the engine: counted errors, the error budget, the sandbox, features.

Paths used for the I/O attempts do not exist, so nothing on disk is touched even if the
guard regressed (the test would then see ``FileNotFoundError`` and fail).
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import pytest

from tests.unit.engine_helpers import HOUR, SID, T0, Scripted, bars, client_id, make_rig
from vibetrading_V2.core.errors import DataValidationError, SandboxViolationError, StrategyError
from vibetrading_V2.core.types import Intent, Side
from vibetrading_V2.runner.engine import EngineConfig
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

MISSING = "/nonexistent-vibetrading-dir/prices.csv"
PRICES = [100.0] * 6 + [75.0, 75.0]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _enter_then_raise() -> Scripted:
    entry = Intent.long("AAA", quantity=10.0, stop_loss=80.0)

    def decide(bar: BarView) -> StrategyOutput:
        if bar.index == 0:
            return entry
        raise ValueError(f"boom at {bar.index}")

    return Scripted(decide)


def test_engine_when_on_bar_raises_past_the_error_budget_then_strategy_is_disabled(
    guard: RuntimeGuard,
) -> None:
    strategy = _enter_then_raise()
    rig = make_rig(strategy, guard, engine=EngineConfig(error_budget=2))

    run = rig.run(bars("AAA", PRICES))

    assert run.strategy_errors == 3  # bars 1, 2, 3: the third exceeds a budget of 2
    assert run.strategy_disabled
    assert [seen[1] for seen in strategy.seen] == [0, 1, 2, 3]  # never called once disabled
    reason = rig.store.get_control(f"strategy_disabled:{SID}")
    assert reason is not None
    assert "error budget of 2" in reason and "ValueError: boom at 3" in reason
    assert rig.alerts.codes() == ["strategy_disabled"]
    assert rig.alerts.alerts[0].level == "high"
    assert rig.metrics.counter("strategy_errors_total", {"strategy": SID}) == 3
    assert rig.metrics.counter("strategy_circuit_open_total", {"strategy": SID}) == 1
    errors = [c for c in rig.logger.calls if c.event == "strategy_error"]
    assert [c.fields["count"] for c in errors] == [1, 2, 3]
    assert errors[0].fields["error"] == "ValueError: boom at 1"


def test_engine_when_strategy_is_disabled_then_the_loop_still_works_its_orders(
    guard: RuntimeGuard,
) -> None:
    strategy = _enter_then_raise()
    rig = make_rig(strategy, guard, engine=EngineConfig(error_budget=0))

    run = rig.run(bars("AAA", PRICES))

    assert run.strategy_disabled and run.strategy_errors == 1
    assert run.bars == len(PRICES)
    stop_id = f"{client_id(1)}-sl"
    assert [(f.client_order_id, f.side, f.ts_ns) for f in run.fills] == [
        (client_id(1), Side.BUY, T0 + HOUR),
        (stop_id, Side.SELL, T0 + 6 * HOUR),  # the bracket stop still fires after disabling
    ]
    assert rig.ledger.position("AAA").quantity == 0.0
    assert [f.client_order_id for f in strategy.fills] == [client_id(1)]  # no on_fill


def test_engine_when_errors_stay_within_budget_then_strategy_keeps_running(
    guard: RuntimeGuard,
) -> None:
    strategy = _enter_then_raise()
    rig = make_rig(strategy, guard, engine=EngineConfig(error_budget=len(PRICES)))

    run = rig.run(bars("AAA", PRICES))

    assert run.strategy_errors == len(PRICES) - 1
    assert not run.strategy_disabled
    assert rig.store.get_control(f"strategy_disabled:{SID}") is None
    assert rig.alerts.codes() == []


def test_engine_when_on_bar_opens_a_file_then_sandbox_violation_is_counted(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        with open(MISSING, encoding="utf-8") as handle:
            handle.read()
        return None

    before = guard.violation_count
    rig = make_rig(Scripted(decide), guard, engine=EngineConfig(error_budget=100))

    run = rig.run(bars("AAA", PRICES))

    assert run.strategy_errors == len(PRICES)
    assert guard.violation_count - before == len(PRICES)
    assert isinstance(guard.last_violation, SandboxViolationError)
    assert "reading file" in str(guard.last_violation)
    first = next(c for c in rig.logger.calls if c.event == "strategy_error")
    assert first.fields["error"].startswith("SandboxViolationError: ")
    assert not guard.active  # disarmed again after the loop


def test_engine_when_features_opens_a_file_then_strategy_error_from_the_sandbox(
    guard: RuntimeGuard,
) -> None:
    class Snoop(Scripted):
        def features(self, frame: pd.DataFrame) -> pd.DataFrame:
            return pd.read_csv(MISSING)

    rig = make_rig(Snoop(lambda bar: None), guard)

    with pytest.raises(StrategyError, match="features\\(\\) of the strategy raised") as info:
        rig.run(bars("AAA", PRICES))
    assert isinstance(info.value.__cause__, SandboxViolationError)
    assert not guard.active


class _Features(Strategy):
    """Returns whatever ``make`` builds from the frame as its features."""

    def __init__(self, make: object) -> None:
        self._make = make

    def features(self, frame: pd.DataFrame) -> pd.DataFrame | None:
        return self._make(frame)  # type: ignore[operator,no-any-return]

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return None


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda f: f[["close"]].rename(columns={"close": "c"}).iloc[1:], "returned 7 rows"),
        (lambda f: f[["close"]].rename(columns={"close": "c"}).dropna().head(3), "3 rows"),
        (lambda f: pd.DataFrame({"close": f["close"] * 2}, index=f.index), "'close'"),
        (lambda f: pd.DataFrame({0: f["close"]}, index=f.index), "named 0"),
        (lambda f: pd.DataFrame({"_volatility": f["close"]}, index=f.index), "'_volatility'"),
        (lambda f: pd.DataFrame({"word": ["x"] * len(f)}, index=f.index), "not numeric"),
        (lambda f: f["close"].rolling(2).mean(), "must return a pandas DataFrame"),
        (lambda f: 1 / 0, "ZeroDivisionError"),
    ],
    ids=["short", "head", "raw-name", "non-string", "reserved", "text", "series", "raises"],
)
def test_engine_when_features_returns_a_bad_frame_then_strategy_error(
    guard: RuntimeGuard, make: object, pattern: str
) -> None:
    rig = make_rig(_Features(make), guard)

    with pytest.raises(StrategyError, match=pattern) as info:
        rig.run(bars("AAA", PRICES))
    assert info.value.hint


def test_engine_when_a_required_field_is_missing_then_data_validation_error(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: None), guard, required=("close", "vwap"))

    with pytest.raises(DataValidationError, match=r"\['vwap'\]") as info:
        rig.run(bars("AAA", PRICES))
    assert info.value.field == "meta.required_fields"
    assert "AAA" in info.value.message


def test_engine_when_features_provide_the_required_field_then_it_runs(
    guard: RuntimeGuard,
) -> None:
    seen: list[float] = []

    class Vwap(Scripted):
        def features(self, frame: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"vwap": frame["close"] * 2.0}, index=frame.index)

    def decide(bar: BarView) -> StrategyOutput:
        seen.append(bar["vwap"])
        return None

    rig = make_rig(Vwap(decide), guard, required=("close", "vwap"))

    run = rig.run(bars("AAA", PRICES))

    assert run.bars == len(PRICES)
    assert seen == [2.0 * p for p in PRICES]
