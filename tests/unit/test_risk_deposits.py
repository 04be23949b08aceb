"""A deposit is cash, not trading: the risk gate's levels shift by it, so the drawdown and
the day's loss it measures stay the trading loss (a paper top-up, issue 13 item 5)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk import NS_PER_DAY, RiskEngine, RiskReason, RiskSnapshot

DAY0 = 19_500 * NS_PER_DAY
ACTIVE, REDUCING, HALTED = TradingState.ACTIVE, TradingState.REDUCING, TradingState.HALTED


def _gate(**limits: float | None) -> RiskEngine:
    policy = {"daily_loss_limit": None, "max_drawdown": None, "kill_switch_dd": None}
    policy.update(limits)
    return RiskEngine(RiskPolicy(**policy))


def _reasons(gate: RiskEngine) -> list[RiskReason]:
    return [t.reason for t in gate.drain_transitions()]


def test_daily_loss_when_topped_up_mid_day_then_it_equals_the_trading_loss() -> None:
    gate = _gate(daily_loss_limit=0.05)
    gate.check_nav(DAY0, 1_000.0)
    gate.check_nav(DAY0 + 1, 980.0)  # a 2 % trading loss so far
    gate.book_deposit(1_000.0)
    assert gate.day_start_equity == 2_000.0
    assert gate.check_nav(DAY0 + 2, 1_951.0) is ACTIVE  # 49 lost: 4.9 % of the day's 1,000
    assert gate.check_nav(DAY0 + 3, 1_950.0) is REDUCING  # 50 lost: 5 %
    assert _reasons(gate) == [RiskReason.DAILY_LOSS]


def test_daily_loss_when_the_day_after_a_top_up_starts_then_its_start_holds_the_deposit() -> None:
    gate = _gate(daily_loss_limit=0.05)
    gate.check_nav(DAY0, 10.0)
    gate.book_deposit(1_000.0)
    assert gate.check_nav(DAY0 + NS_PER_DAY, 1_010.0) is ACTIVE
    assert gate.day_start_equity == 1_010.0  # a limit of the cash in the account, not of $10
    assert gate.check_nav(DAY0 + NS_PER_DAY + 1, 960.0) is ACTIVE  # 4.95 %
    assert gate.check_nav(DAY0 + NS_PER_DAY + 2, 959.0) is REDUCING


def test_drawdown_when_topped_up_then_measured_from_the_shifted_peak() -> None:
    gate = _gate(max_drawdown=0.25)
    gate.check_nav(DAY0, 1_000.0)
    gate.check_nav(DAY0 + 1, 800.0)  # 20 % below the peak
    gate.book_deposit(1_000.0)
    assert gate.peak == 2_000.0
    assert gate.check_nav(DAY0 + 2, 1_751.0) is ACTIVE  # 249 below the shifted peak
    assert gate.check_nav(DAY0 + 3, 1_750.0) is REDUCING  # 250: 25 % of the trading peak
    assert gate.check_nav(DAY0 + 4, 2_000.0) is ACTIVE and gate.peak == 2_000.0
    assert gate.check_nav(DAY0 + 5, 2_100.0) is ACTIVE and gate.peak == 2_100.0
    assert gate.check_nav(DAY0 + 6, 1_825.0) is REDUCING  # 25 % of the trading peak 1,100
    assert _reasons(gate) == [RiskReason.MAX_DRAWDOWN, RiskReason.RECOVERED,
                              RiskReason.MAX_DRAWDOWN]


def test_deposit_when_it_would_set_a_new_peak_then_it_does_not() -> None:
    gate = _gate(kill_switch_dd=0.4)
    gate.check_nav(DAY0, 1_000.0)
    gate.check_nav(DAY0 + 1, 700.0)
    gate.book_deposit(1_000.0)
    assert gate.check_nav(DAY0 + 2, 1_700.0) is ACTIVE
    assert gate.peak == 2_000.0
    assert gate.check_nav(DAY0 + 3, 1_600.0) is HALTED  # 400 lost: 40 % of the 1,000 traded


def test_top_up_when_halted_then_still_halted_until_reset_which_takes_the_new_cash_as_peak(
) -> None:
    gate = _gate(kill_switch_dd=0.4)
    gate.check_nav(DAY0, 1_000.0)
    gate.check_nav(DAY0 + 1, 10.0)
    gate.book_deposit(1_000.0)
    assert gate.check_nav(DAY0 + 2, 1_010.0) is HALTED
    gate.reset_kill_switch(DAY0 + 3, "ops")
    assert gate.check_nav(DAY0 + 4, 1_010.0) is ACTIVE and gate.peak == 1_010.0
    assert gate.check_nav(DAY0 + 5, 607.0) is ACTIVE
    assert gate.check_nav(DAY0 + 6, 606.0) is HALTED  # 40 % of 1,010 lost


def test_top_up_when_the_daily_loss_latched_then_reducing_until_the_next_day() -> None:
    gate = _gate(daily_loss_limit=0.05)
    gate.check_nav(DAY0, 1_000.0)
    gate.check_nav(DAY0 + 1, 10.0)
    gate.book_deposit(1_000.0)
    assert gate.check_nav(DAY0 + 2, 2_000.0) is REDUCING  # latched for the day
    assert gate.check_nav(DAY0 + NS_PER_DAY, 1_010.0) is ACTIVE


def test_deposit_when_not_finite_then_refused() -> None:
    with pytest.raises(ValueError, match="finite"):
        _gate().book_deposit(float("nan"))


def test_snapshot_when_a_deposit_was_booked_then_the_shifted_levels_round_trip() -> None:
    gate = _gate(daily_loss_limit=0.05, max_drawdown=0.25)
    gate.check_nav(DAY0, 1_000.0)
    gate.book_deposit(1_000.0)
    snapshot = RiskSnapshot.from_json(gate.snapshot().to_json())
    assert (snapshot.peak, snapshot.day_start_equity) == (2_000.0, 2_000.0)
    assert (snapshot.deposits, snapshot.peak_deposits, snapshot.day_deposits) == (
        1_000.0, 1_000.0, 1_000.0)
    resumed = _gate(daily_loss_limit=0.05, max_drawdown=0.25)
    resumed.restore_snapshot(snapshot)
    assert resumed.snapshot() == gate.snapshot()
    assert resumed.check_nav(DAY0 + 1, 1_951.0) is ACTIVE
    assert resumed.check_nav(DAY0 + 2, 1_950.0) is REDUCING


def test_snapshot_when_no_deposit_then_its_text_is_as_before_deposits_existed() -> None:
    gate = _gate()
    gate.check_nav(DAY0, 1_000.0)
    assert set(json.loads(gate.snapshot().to_json())) == {
        "state", "peak", "day_start_equity", "day", "daily_breached"}
    legacy = '{"daily_breached":false,"day":19500,"day_start_equity":1000.0,' \
        '"peak":1000.0,"state":"active"}'
    assert RiskSnapshot.from_json(legacy).deposits == 0.0


# -- the invariant: a deposit changes no decision ------------------------------------------

# Limits are powers of two and equities whole dollars, so every level is exact in floats and
# the comparison is exact, not "up to rounding".
_limit = st.none() | st.sampled_from([0.5, 0.25, 0.125, 0.0625, 0.75])
_policies = st.builds(RiskPolicy, daily_loss_limit=_limit, max_drawdown=_limit,
                      kill_switch_dd=_limit)
# one bar: trading PnL in dollars, a deposit booked before its NAV check (0: none), an action
_bar = st.tuples(
    st.integers(-400, 400),
    st.sampled_from([0] * 6 + [1_000, 250, 5_000, -100]),
    st.sampled_from([None] * 10 + ["kill", "restart"]),
)


def _restarted(gate: RiskEngine, policy: RiskPolicy) -> RiskEngine:
    resumed = RiskEngine(policy)
    resumed.restore_snapshot(RiskSnapshot.from_json(gate.snapshot().to_json()))
    return resumed


@settings(max_examples=300, deadline=None, database=None)
@given(_policies, st.integers(500, 100_000), st.lists(_bar, min_size=1, max_size=100))
def test_decisions_when_deposits_are_inserted_then_equal_to_those_without_them(
    policy: RiskPolicy, start: int, bars: list[tuple[int, int, str | None]],
) -> None:
    """Within one trading day and without a kill-switch reset (each re-takes a reference from
    the account's equity, deposits and all), the gate fed the equity with deposits (checked
    only outside its NAV band, restarted from its stored snapshot now and then) decides what
    the gate fed the trading equity alone decides, bar for bar."""
    trading_only, funded = RiskEngine(policy), RiskEngine(policy)
    trading, cash_in = float(start), 0.0
    ts = DAY0
    trading_only.check_nav(ts, trading)
    funded.check_nav(ts, trading)
    for pnl, deposit, action in bars:
        ts += 1
        trading = max(trading + pnl, 1.0)
        forced = False
        if deposit and trading + cash_in + deposit > 0.0:
            cash_in += deposit
            funded.book_deposit(float(deposit))
            forced = True
        if action == "kill":
            trading_only.activate_kill_switch(ts, "drill")
            funded.activate_kill_switch(ts, "drill")
        elif action == "restart":
            funded = _restarted(funded, policy)
            forced = True
        equity = trading + cash_in
        low, high, next_day = funded.nav_band
        if forced or not low <= equity <= high or ts >= next_day:
            funded.check_nav(ts, equity)
        assert funded.state is trading_only.check_nav(ts, trading)
        assert _reasons(funded) == _reasons(trading_only)
