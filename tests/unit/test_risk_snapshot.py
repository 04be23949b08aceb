"""The risk state survives a restart: snapshot, JSON round trip, restore, bad stored data."""

from __future__ import annotations

import math

import pytest

from tests.fakes import InMemoryStateStore
from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk import NS_PER_DAY, RiskEngine, RiskReason, RiskSnapshot

POLICY = RiskPolicy(daily_loss_limit=0.05, max_drawdown=0.1, kill_switch_dd=0.2)
DAY0 = 19_500 * NS_PER_DAY


def _resume(snapshot: RiskSnapshot) -> RiskEngine:
    engine = RiskEngine(POLICY)
    engine.restore(
        snapshot.state,
        snapshot.peak,
        snapshot.day_start_equity,
        snapshot.day,
        daily_breached=snapshot.daily_breached,
    )
    return engine


def test_snapshot_when_fresh_engine_then_json_round_trips_with_nulls() -> None:
    snapshot = RiskEngine(POLICY).snapshot()
    assert snapshot == RiskSnapshot(TradingState.ACTIVE, -math.inf, -math.inf, None, False)
    text = snapshot.to_json()
    assert '"peak":null' in text
    assert RiskSnapshot.from_json(text) == snapshot


def test_restore_when_halted_snapshot_then_kill_switch_latched_after_restart() -> None:
    engine = RiskEngine(POLICY)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 790.0)
    store = InMemoryStateStore()
    store.set_control("risk_state", engine.snapshot().to_json())

    text = store.get_control("risk_state")
    assert text is not None
    resumed = _resume(RiskSnapshot.from_json(text))
    assert resumed.state is TradingState.HALTED
    assert resumed.kill_switch_active
    assert resumed.check_nav(DAY0 + 2, 2_000.0) is TradingState.HALTED
    assert resumed.drain_transitions() == []  # restore records nothing, nor does a no-op NAV


def test_restore_when_daily_breach_same_day_then_still_reducing_after_recovery() -> None:
    engine = RiskEngine(POLICY)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 940.0)
    resumed = _resume(RiskSnapshot.from_json(engine.snapshot().to_json()))
    assert resumed.state is TradingState.REDUCING
    assert resumed.check_nav(DAY0 + 2, 999.0) is TradingState.REDUCING
    assert resumed.check_nav(DAY0 + NS_PER_DAY, 999.0) is TradingState.ACTIVE


def test_restore_when_peak_restored_then_drawdown_measured_from_it() -> None:
    engine = RiskEngine(POLICY)
    engine.check_nav(DAY0, 2_000.0)
    resumed = _resume(engine.snapshot())
    assert resumed.peak == 2_000.0
    assert resumed.check_nav(DAY0 + 2 * NS_PER_DAY, 1_700.0) is TradingState.REDUCING
    [move] = resumed.drain_transitions()
    assert move.reason is RiskReason.MAX_DRAWDOWN


def test_restore_when_state_is_inconsistent_with_equity_then_next_nav_corrects_it() -> None:
    engine = RiskEngine(POLICY)
    engine.restore(TradingState.REDUCING, 1_000.0, 1_000.0, DAY0 // NS_PER_DAY)
    assert engine.state is TradingState.REDUCING
    assert engine.check_nav(DAY0 + 1, 1_000.0) is TradingState.ACTIVE


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        '{"state":"sleepy","peak":1,"day_start_equity":1,"day":1,"daily_breached":false}',
        '{"state":"active","peak":"x","day_start_equity":1,"day":1,"daily_breached":false}',
        '{"state":"active","peak":NaN,"day_start_equity":1,"day":1,"daily_breached":false}',
        '{"state":"active","peak":1,"day_start_equity":1,"day":1.5,"daily_breached":false}',
        '{"state":"active","peak":1,"day_start_equity":1,"day":1,"daily_breached":"no"}',
    ],
)
def test_from_json_when_stored_text_is_bad_then_state_store_error(text: str) -> None:
    with pytest.raises(StateStoreError) as info:
        RiskSnapshot.from_json(text)
    assert info.value.field == "risk_state"


@pytest.mark.parametrize(
    ("state", "peak", "day_start", "day"),
    [
        ("active", 1.0, 1.0, 1),
        (TradingState.ACTIVE, math.nan, 1.0, 1),
        (TradingState.ACTIVE, math.inf, 1.0, 1),
        (TradingState.ACTIVE, 1.0, math.nan, 1),
        (TradingState.ACTIVE, 1.0, 1.0, 1.5),
        (TradingState.ACTIVE, 1.0, 1.0, True),
    ],
)
def test_restore_when_values_invalid_then_state_store_error(
    state: TradingState, peak: float, day_start: float, day: int
) -> None:
    # the compiled build refuses a wrongly typed argument at the call itself (TypeError)
    with pytest.raises((StateStoreError, TypeError)):
        RiskEngine(POLICY).restore(state, peak, day_start, day)
