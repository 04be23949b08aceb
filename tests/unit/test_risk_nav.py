"""check_nav and the operator controls: every state transition and its recorded reason."""

from __future__ import annotations

import math
from typing import Any

from vibetrading_V2.core.types import TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk import NS_PER_DAY, RiskEngine, RiskReason, StateTransition

ACTIVE, REDUCING, HALTED = TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED
DAY0 = 19_000 * NS_PER_DAY  # midnight UTC of some day
HOUR = NS_PER_DAY // 24


def _engine(**limits: Any) -> RiskEngine:
    return RiskEngine(RiskPolicy(**limits))


def _moves(engine: RiskEngine) -> list[tuple[TradingState, TradingState, RiskReason]]:
    return [(t.from_state, t.to_state, t.reason) for t in engine.drain_transitions()]


def test_engine_when_new_then_active_with_no_peak_and_no_transitions() -> None:
    engine = _engine(max_drawdown=0.1)
    assert engine.state is ACTIVE
    assert engine.peak == -math.inf
    assert not engine.kill_switch_active
    assert engine.drain_transitions() == []


def test_check_nav_when_no_limits_configured_then_always_active() -> None:
    engine = _engine()
    for i, equity in enumerate([100.0, 1.0, 0.0, -50.0, 1e9]):
        assert engine.check_nav(DAY0 + i, equity) is ACTIVE
    assert _moves(engine) == []


def test_check_nav_when_drawdown_reaches_max_drawdown_then_reducing() -> None:
    engine = _engine(max_drawdown=0.1)
    engine.check_nav(DAY0, 1_000.0)
    assert engine.check_nav(DAY0 + 1, 950.0) is ACTIVE
    assert engine.check_nav(DAY0 + 2, 900.0) is REDUCING  # exactly 10 % counts
    [move] = engine.drain_transitions()
    assert move == StateTransition(DAY0 + 2, ACTIVE, REDUCING, RiskReason.MAX_DRAWDOWN, move.detail)
    assert move.detail == (
        "drawdown 10.0 % from the peak 1,000.00 (equity 900.00) >= max_drawdown 10 %"
    )


def test_check_nav_when_drawdown_recovers_then_active_again() -> None:
    engine = _engine(max_drawdown=0.1)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 850.0)
    assert engine.check_nav(DAY0 + 2, 901.0) is ACTIVE
    assert _moves(engine) == [
        (ACTIVE, REDUCING, RiskReason.MAX_DRAWDOWN),
        (REDUCING, ACTIVE, RiskReason.RECOVERED),
    ]


def test_check_nav_when_peak_rises_then_drawdown_measured_from_new_peak() -> None:
    engine = _engine(max_drawdown=0.1)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 2_000.0)
    assert engine.peak == 2_000.0
    assert engine.check_nav(DAY0 + 2, 1_500.0) is REDUCING


def test_check_nav_when_drawdown_reaches_kill_switch_dd_then_halted_and_latched() -> None:
    engine = _engine(max_drawdown=0.1, kill_switch_dd=0.2)
    engine.check_nav(DAY0, 1_000.0)
    assert engine.check_nav(DAY0 + 1, 800.0) is HALTED
    assert engine.kill_switch_active
    assert engine.check_nav(DAY0 + 2, 5_000.0) is HALTED  # recovery does not unlatch
    assert engine.check_nav(DAY0 + 3 * NS_PER_DAY, 5_000.0) is HALTED  # nor a new day
    assert _moves(engine) == [(ACTIVE, HALTED, RiskReason.KILL_SWITCH)]


def test_check_nav_when_kill_and_daily_breached_together_then_halted_wins() -> None:
    engine = _engine(daily_loss_limit=0.05, max_drawdown=0.1, kill_switch_dd=0.2)
    engine.check_nav(DAY0, 1_000.0)
    assert engine.check_nav(DAY0 + 1, 700.0) is HALTED
    assert _moves(engine) == [(ACTIVE, HALTED, RiskReason.KILL_SWITCH)]


def test_check_nav_when_daily_loss_reached_then_reducing_until_next_utc_day() -> None:
    engine = _engine(daily_loss_limit=0.05)
    engine.check_nav(DAY0 + HOUR, 1_000.0)
    assert engine.day_start_equity == 1_000.0
    assert engine.check_nav(DAY0 + 2 * HOUR, 950.0) is REDUCING  # exactly 5 %
    assert engine.check_nav(DAY0 + 3 * HOUR, 1_100.0) is REDUCING  # latched for the day
    assert engine.check_nav(DAY0 + NS_PER_DAY, 1_090.0) is ACTIVE  # next UTC day
    assert engine.day_start_equity == 1_090.0
    assert _moves(engine) == [
        (ACTIVE, REDUCING, RiskReason.DAILY_LOSS),
        (REDUCING, ACTIVE, RiskReason.RECOVERED),
    ]


def test_check_nav_when_loss_is_from_yesterday_then_daily_limit_uses_todays_start() -> None:
    engine = _engine(daily_loss_limit=0.05)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 23 * HOUR, 960.0)  # -4 % yesterday
    engine.check_nav(DAY0 + NS_PER_DAY, 960.0)
    assert engine.check_nav(DAY0 + NS_PER_DAY + HOUR, 920.0) is ACTIVE  # -4.2 % today
    assert engine.check_nav(DAY0 + NS_PER_DAY + 2 * HOUR, 912.0) is REDUCING  # -5 % today


def test_check_nav_when_daily_loss_and_drawdown_then_reason_is_daily_loss() -> None:
    engine = _engine(daily_loss_limit=0.05, max_drawdown=0.05)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 900.0)
    assert _moves(engine) == [(ACTIVE, REDUCING, RiskReason.DAILY_LOSS)]


def test_check_nav_when_equity_not_finite_then_halted_with_invalid_equity() -> None:
    for bad in (math.nan, math.inf, -math.inf):
        engine = _engine()
        engine.check_nav(DAY0, 1_000.0)
        assert engine.check_nav(DAY0 + 1, bad) is HALTED
        assert engine.kill_switch_active
        assert _moves(engine) == [(ACTIVE, HALTED, RiskReason.INVALID_EQUITY)]
        assert engine.peak == 1_000.0


def test_activate_kill_switch_when_called_then_halted_with_operator_reason() -> None:
    engine = _engine()
    assert engine.activate_kill_switch(DAY0, "fat finger") is HALTED
    [move] = engine.drain_transitions()
    assert (move.ts_ns, move.to_state, move.reason) == (DAY0, HALTED, RiskReason.KILL_SWITCH)
    assert "fat finger" in move.detail


def test_activate_kill_switch_when_repeated_then_one_transition_only() -> None:
    engine = _engine()
    engine.activate_kill_switch(DAY0, "a")
    engine.activate_kill_switch(DAY0 + 1, "b")
    assert len(engine.drain_transitions()) == 1


def test_reset_kill_switch_when_halted_then_active_and_actor_recorded() -> None:
    engine = _engine()
    engine.activate_kill_switch(DAY0, "x")
    engine.drain_transitions()
    assert engine.reset_kill_switch(DAY0 + 1, "alice") is ACTIVE
    assert not engine.kill_switch_active
    [move] = engine.drain_transitions()
    assert (move.from_state, move.to_state) == (HALTED, ACTIVE)
    assert move.reason is RiskReason.KILL_SWITCH_RESET and "alice" in move.detail


def test_reset_kill_switch_when_drawdown_tripped_it_then_peak_rebased_and_no_retrip() -> None:
    engine = _engine(kill_switch_dd=0.2)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 700.0)
    engine.reset_kill_switch(DAY0 + 2, "bob")
    assert engine.check_nav(DAY0 + 3, 700.0) is ACTIVE
    assert engine.peak == 700.0
    assert engine.check_nav(DAY0 + 4, 560.0) is HALTED  # 20 % below the new peak


def test_reset_kill_switch_when_daily_loss_breached_same_day_then_reducing() -> None:
    engine = _engine(daily_loss_limit=0.05, kill_switch_dd=0.2)
    engine.check_nav(DAY0, 1_000.0)
    engine.check_nav(DAY0 + 1, 790.0)
    assert engine.reset_kill_switch(DAY0 + 2, "carol") is REDUCING
    assert engine.check_nav(DAY0 + 3, 800.0) is REDUCING
    assert engine.check_nav(DAY0 + NS_PER_DAY, 800.0) is ACTIVE


def test_reset_kill_switch_when_not_halted_then_nothing_happens() -> None:
    engine = _engine()
    assert engine.reset_kill_switch(DAY0, "dave") is ACTIVE
    assert engine.drain_transitions() == []


def test_drain_transitions_when_called_twice_then_second_is_empty() -> None:
    engine = _engine(max_drawdown=0.1)
    engine.check_nav(DAY0, 100.0)
    engine.check_nav(DAY0 + 1, 80.0)
    assert len(engine.drain_transitions()) == 1
    assert engine.drain_transitions() == []


def test_check_nav_when_equity_inside_band_then_nothing_changes() -> None:
    engine = _engine(daily_loss_limit=0.05, max_drawdown=0.1, kill_switch_dd=0.2)
    engine.check_nav(DAY0, 1_000.0)
    low, high, next_day = engine.nav_band
    assert (low, high, next_day) == (math.nextafter(950.0, math.inf), 1_000.0, DAY0 + NS_PER_DAY)
    before = engine.snapshot()
    for equity in (low, high, 975.0):
        engine.check_nav(next_day - 1, equity)
    assert engine.snapshot() == before
    assert len(engine.drain_transitions()) == 0
