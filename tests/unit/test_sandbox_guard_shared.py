"""Every guard in the process shares one audit hook, yet each keeps its own switch: arming
or disarming one guard never arms or disarms another, and dropped guards stop being asked.

The I/O attempted reads a path that does not exist, so nothing on disk is touched.
"""

from __future__ import annotations

import gc
import threading

import pytest

from vibetrading_V2.core.errors import SandboxViolationError
from vibetrading_V2.strategy.guard import RuntimeGuard, installed_hook_count, live_guard_count

MISSING = "/nonexistent-vibetrading-dir/shared.csv"


def _read_missing() -> None:
    with open(MISSING, encoding="utf-8") as handle:
        handle.read()


def test_guards_when_many_built_then_one_audit_hook_in_the_process() -> None:
    guards = [RuntimeGuard() for _ in range(25)]
    assert installed_hook_count() == 1
    assert len({id(guard) for guard in guards}) == 25


def test_guards_when_dropped_then_the_hook_stops_asking_them() -> None:
    gc.collect()
    before = live_guard_count()
    guards = [RuntimeGuard() for _ in range(10)]
    assert live_guard_count() == before + 10
    del guards
    gc.collect()
    assert live_guard_count() == before


def test_two_guards_when_one_disarms_then_the_other_stays_armed() -> None:
    first, second = RuntimeGuard(), RuntimeGuard()
    try:
        first.active = True
        second.active = True
        second.active = False
        with pytest.raises(SandboxViolationError):
            _read_missing()
    finally:
        first.active = second.active = False
    assert (first.violation_count, second.violation_count) == (1, 0)


def test_two_guards_when_only_one_armed_then_only_it_counts_the_violation() -> None:
    armed, idle = RuntimeGuard(), RuntimeGuard()
    with pytest.raises(SandboxViolationError):
        armed.run(_read_missing)
    assert (armed.violation_count, idle.violation_count) == (1, 0)
    assert not armed.active and not idle.active


def test_two_guards_when_armed_on_two_threads_then_each_guards_only_its_own() -> None:
    mine, theirs = RuntimeGuard(), RuntimeGuard()
    armed, done = threading.Event(), threading.Event()
    seen: list[type[BaseException]] = []

    def other_engine() -> None:
        with theirs:
            armed.set()
            done.wait(timeout=10)
            try:
                _read_missing()
            except BaseException as exc:
                seen.append(type(exc))

    thread = threading.Thread(target=other_engine)
    thread.start()
    armed.wait(timeout=10)
    try:
        with pytest.raises(FileNotFoundError):  # this thread's guard is idle: plain I/O
            _read_missing()
    finally:
        done.set()
        thread.join(timeout=10)
    assert seen == [SandboxViolationError]
    assert (mine.violation_count, theirs.violation_count) == (0, 1)
