"""Timers fire at fixed multiples of their period on the clock, once per check."""

from __future__ import annotations

import pytest

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.runner.timers import NEVER_NS, TimerFired, TimerSchedule

MINUTE = 60 * 1_000_000_000
HOUR = 60 * MINUTE


def test_timer_when_started_mid_period_then_first_due_at_next_multiple() -> None:
    timers = TimerSchedule()
    timers.every("heartbeat", MINUTE)
    timers.start(90 * 1_000_000_000)
    assert timers.next_due_ns() == 2 * MINUTE


def test_timer_when_checked_before_due_then_nothing_fires() -> None:
    timers = TimerSchedule()
    timers.every("heartbeat", MINUTE)
    timers.start(0)
    assert timers.due(MINUTE - 1) == []


def test_timer_when_several_periods_passed_then_fires_once_at_latest_time() -> None:
    timers = TimerSchedule()
    timers.every("heartbeat", MINUTE)
    timers.start(0)
    assert timers.due(3 * MINUTE + 5) == [TimerFired("heartbeat", 3 * MINUTE, missed=2)]
    assert timers.next_due_ns() == 4 * MINUTE


def test_timers_when_both_due_then_fire_in_time_order() -> None:
    timers = TimerSchedule()
    timers.every("eod", 24 * HOUR, offset_ns=22 * HOUR)
    timers.every("hourly", HOUR, offset_ns=10 * MINUTE)
    timers.start(21 * HOUR + 1)
    fired = timers.due(22 * HOUR + 5 * MINUTE)
    assert [(f.name, f.scheduled_ns) for f in fired] == [
        ("hourly", 21 * HOUR + 10 * MINUTE), ("eod", 22 * HOUR)]


def test_timers_when_due_at_same_time_then_fire_in_order_added() -> None:
    timers = TimerSchedule()
    timers.every("eod", 24 * HOUR, offset_ns=22 * HOUR)
    timers.every("hourly", HOUR)
    timers.start(21 * HOUR + 1)
    assert [f.name for f in timers.due(22 * HOUR)] == ["eod", "hourly"]


def test_schedule_when_not_started_then_first_check_starts_it() -> None:
    timers = TimerSchedule()
    timers.every("heartbeat", MINUTE)
    assert timers.next_due_ns() == NEVER_NS
    assert timers.due(10 * MINUTE) == []
    assert timers.next_due_ns() == 11 * MINUTE


def test_timer_when_period_not_positive_then_config_error() -> None:
    with pytest.raises(ConfigError, match="period"):
        TimerSchedule().every("x", 0)


def test_timer_when_name_added_twice_then_config_error() -> None:
    timers = TimerSchedule()
    timers.every("x", MINUTE)
    with pytest.raises(ConfigError, match="twice"):
        timers.every("x", MINUTE)
