"""The NAV band contract: skipping check_nav inside the band never changes what happens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk import NS_PER_DAY, RiskEngine

_fraction = st.none() | st.sampled_from([0.01, 0.03, 0.05, 0.1, 0.2, 0.5, 1.0])
policies = st.builds(
    RiskPolicy, daily_loss_limit=_fraction, max_drawdown=_fraction, kill_switch_dd=_fraction
)
# one step: time advance (ns), equity return, operator action
_step = st.tuples(
    st.sampled_from([1, NS_PER_DAY // 24, NS_PER_DAY // 3, NS_PER_DAY, 3 * NS_PER_DAY]),
    st.floats(-0.08, 0.08) | st.sampled_from([0.0, -0.05, 0.05, -0.2, -0.5, 0.3]),
    st.sampled_from([None] * 12 + ["kill", "reset", "restore"]),
)
paths = st.lists(_step, min_size=1, max_size=120)


def _apply_action(engine: RiskEngine, action: str | None, ts_ns: int) -> None:
    if action == "kill":
        engine.activate_kill_switch(ts_ns, "drill")
    elif action == "reset":
        engine.reset_kill_switch(ts_ns, "ops")
    elif action == "restore":
        snap = engine.snapshot()
        engine.restore(
            snap.state,
            snap.peak,
            snap.day_start_equity,
            snap.day,
            daily_breached=snap.daily_breached,
        )


@settings(max_examples=250, deadline=None, database=None)
@given(policies, st.floats(10.0, 1e6), paths)
def test_check_nav_when_called_only_outside_band_then_same_states_as_every_step(
    policy: RiskPolicy,
    start_equity: float,
    path: list[tuple[int, float, str | None]],
) -> None:
    every, banded = RiskEngine(policy), RiskEngine(policy)
    ts, equity = 1_700_000_000 * 10**9, start_equity
    states_every: list[TradingState] = []
    states_banded: list[TradingState] = []
    skipped = 0
    for step_ns, ret, action in path:
        ts += step_ns
        equity *= 1.0 + ret
        _apply_action(every, action, ts)
        _apply_action(banded, action, ts)
        states_every.append(every.check_nav(ts, equity))
        low, high, next_day_ns = banded.nav_band
        if low <= equity <= high and ts < next_day_ns:
            skipped += 1
        else:
            banded.check_nav(ts, equity)
        states_banded.append(banded.state)
    assert states_banded == states_every
    assert banded.drain_transitions() == every.drain_transitions()
    assert banded.snapshot() == every.snapshot()


@settings(max_examples=100, deadline=None, database=None)
@given(policies, st.floats(10.0, 1e6), paths)
def test_nav_band_when_probed_at_its_edges_then_check_nav_changes_nothing(
    policy: RiskPolicy, start_equity: float, path: list[tuple[int, float, str | None]]
) -> None:
    engine = RiskEngine(policy)
    ts, equity = 0, start_equity
    for step_ns, ret, action in path:
        ts += step_ns
        equity *= 1.0 + ret
        _apply_action(engine, action, ts)
        engine.check_nav(ts, equity)
        engine.drain_transitions()
        low, high, next_day_ns = engine.nav_band
        assert low <= equity <= high  # the equity just checked is inside its own band
        assert next_day_ns > ts
        before = engine.snapshot()
        for probe in (low, high, (low + high) / 2):
            engine.check_nav(next_day_ns - 1, probe)
        assert engine.snapshot() == before
        assert engine.drain_transitions() == []
