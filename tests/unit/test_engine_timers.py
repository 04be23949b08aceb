"""Timers on the run's clock: in bar time in a backtest, on the (fake) wall clock in paper."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes import LogCall, ManualClock
from tests.unit.engine_helpers import HOUR, T0, Rig, Scripted, bars, chunks, make_rig
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.runner.engine import EngineConfig, TradingEngine
from vibetrading_V2.strategy.guard import RuntimeGuard

DAY = 24 * HOUR
TIMERS = EngineConfig(timers=(("heartbeat", HOUR), ("end_of_day", DAY)),
                      bar_time_timers=("heartbeat", "end_of_day"))


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


Firing = tuple[str, int, int, int]  # name, scheduled time, missed, clock time when fired


def _fired(calls: list[LogCall], level: str | None = None) -> list[Firing]:
    return [(c.fields["timer"], c.fields["scheduled_ns"], c.fields["missed"], c.fields["clock_ns"])
            for c in calls if c.event == "timer_fired" and level in (None, c.level)]


def _backtest(guard: RuntimeGuard, *batches: BarBatch) -> tuple[Rig, list[Firing]]:
    """A backtest with both timers in bar time; every firing with the clock's time then."""
    rig = make_rig(Scripted(lambda bar: None), guard, engine=TIMERS)
    firings: list[Firing] = []
    for name in ("heartbeat", "end_of_day"):
        rig.engine.on_timer(name, lambda f: firings.append(
            (f.name, f.scheduled_ns, f.missed, rig.clock.now_ns())))
    rig.run(*batches)
    return rig, firings


def test_timers_when_backtest_passes_midnight_then_end_of_day_fires_at_that_bar_time(
    guard: RuntimeGuard,
) -> None:
    rig, firings = _backtest(guard, bars("AAA", [100.0] * 30))  # hourly from T0, a midnight

    end_of_day = [f for f in firings if f[0] == "end_of_day"]
    assert end_of_day == [("end_of_day", T0 + DAY, 0, T0 + DAY)]  # the clock stood at the bar
    heartbeats = [f for f in firings if f[0] == "heartbeat"]
    assert [f[1] for f in heartbeats] == [T0 + k * HOUR for k in range(1, 30)]
    assert all(f[3] == f[1] for f in heartbeats)
    assert _fired(rig.logger.calls) == []  # counted, not logged one by one, in a backtest
    totals = {c.fields["timer"]: c.fields["count"] for c in rig.logger.calls
              if c.event == "timers_fired"}
    assert totals == {"heartbeat": 29, "end_of_day": 1}


def test_timers_when_bars_are_sparser_than_the_period_then_one_firing_counts_the_missed(
    guard: RuntimeGuard,
) -> None:
    _, firings = _backtest(guard, bars("AAA", [100.0] * 4, step=3 * HOUR))  # T0 ... T0 + 9h

    assert [(f[1], f[2]) for f in firings] == [(T0 + k * 3 * HOUR, 2) for k in (1, 2, 3)]


def test_timers_when_bars_come_in_batches_then_same_firings(guard: RuntimeGuard) -> None:
    whole = _backtest(guard, bars("AAA", [100.0] * 50))[1]
    chunked = _backtest(guard, *chunks(bars("AAA", [100.0] * 50), 7))[1]
    assert chunked == whole and len(whole) == 49 + 2


def test_timers_when_default_backtest_then_only_end_of_day_runs(guard: RuntimeGuard) -> None:
    rig = make_rig(Scripted(lambda bar: None), guard)
    rig.run(bars("AAA", [100.0] * 50))
    totals = {c.fields["timer"]: c.fields["count"] for c in rig.logger.calls
              if c.event == "timers_fired"}
    assert totals == {"end_of_day": 2}


class _PacedFeed:
    """One-bar batches; the fake wall clock moves ``step`` between two of them."""

    def __init__(self, batches: list[BarBatch], clock: ManualClock, step: int) -> None:
        self._batches, self._clock, self._step = batches, clock, step

    def batches(self) -> Iterator[BarBatch]:
        for batch in self._batches:
            yield batch
            self._clock.advance(self._step)


def test_timers_when_paper_clock_is_the_wall_clock_then_they_fire_in_wall_time(
    guard: RuntimeGuard,
) -> None:
    wall = 1_900_000_000 * 1_000_000_000  # 2030, far from the bars' 2024
    clock = ManualClock(wall)
    rig = make_rig(Scripted(lambda bar: None), guard)
    engine = TradingEngine(
        slots=rig.engine.slots, execution=rig.sim, ledger=rig.ledger, risk=rig.risk,
        store=rig.store, logger=rig.logger, metrics=rig.metrics, alerts=rig.alerts,
        guard=guard, clock=clock, config=TIMERS,
    )

    engine.run(_PacedFeed(chunks(bars("AAA", [100.0] * 10), 1), clock, 30 * 60 * 1_000_000_000))

    heartbeats = _fired(rig.logger.calls, "debug")
    first = (wall // HOUR + 1) * HOUR
    assert [f[1] for f in heartbeats] == [first + k * HOUR for k in range(len(heartbeats))]
    assert len(heartbeats) in (4, 5)  # 4.5 hours of wall time passed over the ten bars
    assert all(f[3] >= f[1] and f[3] - f[1] < HOUR for f in heartbeats)
    assert rig.clock.now_ns() == 0  # the backtest clock was never touched


def test_timers_when_no_bars_then_nothing_fires(guard: RuntimeGuard) -> None:
    rig, firings = _backtest(guard)
    assert rig.runs[0].bars == 0 and firings == []
