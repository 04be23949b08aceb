"""The crash test of issue 13: a paper session SIGKILLed at 50 seeded commit points.

Every start is ``cli.paper --env paper --speed 0 --max-bars 80 --strategy
tests/crash/sma_stop_strategy.py --state S --out DIR`` (a child forked after the imports,
``benchmarks/crash_test.py``; the strategy rests a stop under each entry and cancels it at
the exit, so every commit point is reached); each kill is followed by the same
command until it completes, and every completed session must hold the orders, fills,
positions and equity of one uninterrupted run: none lost, none duplicated, the store intact.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from benchmarks.crash_test import CrashFigures, run_crash_test
from cli.paper import _arm_crash_test
from cli.settings import load_settings
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.store.crash_points import (
    CRASH_ENV_VAR,
    POINTS,
    CrashingStore,
    arm,
    crash_at_from_env,
)
from vibetrading_V2.store.run_store import session_store
from vibetrading_V2.store.sqlite import SqliteStateStore

KILLS = 50


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> CrashFigures:
    return run_crash_test(tmp_path_factory.mktemp("crash"), kills=KILLS, seed=2026, bars=80)


def test_crash_test_when_killed_50_times_then_nothing_is_lost_nor_duplicated(
    figures: CrashFigures,
) -> None:
    assert figures.kills == figures.restarts == KILLS
    assert figures.lost == 0 and figures.duplicated == 0
    assert figures.fills_compared > 0 and figures.orders_compared > 0


def test_crash_test_when_killed_then_each_session_ends_as_the_uninterrupted_run(
    figures: CrashFigures,
) -> None:
    assert figures.mismatches == []  # orders/trades/equity.csv, final equity, orders, fills


def test_crash_test_when_killed_then_the_store_passes_its_integrity_check(
    figures: CrashFigures,
) -> None:
    assert figures.integrity_failures == 0


def test_crash_test_when_seeded_then_it_kills_at_every_commit_point_at_least_once(
    figures: CrashFigures,
) -> None:
    # among them: between intent and send, id and order, fill and commit, and a cancel
    assert sorted(figures.kills_by_point) == sorted(POINTS)
    assert all(n > 0 for n in figures.kills_by_point.values())


def test_kill_hook_when_unset_then_the_session_store_is_the_plain_one(tmp_path: Path) -> None:
    arm(crash_at_from_env({}))
    store = session_store(tmp_path / "S.sqlite")
    try:
        assert type(store) is SqliteStateStore
    finally:
        store.close()


def test_kill_hook_when_armed_then_the_session_store_counts_its_commit_points(
    tmp_path: Path,
) -> None:
    arm(crash_at_from_env({CRASH_ENV_VAR: "fill_received:99"}))
    try:
        store = session_store(tmp_path / "S.sqlite")
        store.close()
    finally:
        arm(None)
    assert isinstance(store, CrashingStore) and store.crash is not None
    assert store.crash.point == "fill_received" and store.crash.count == 99


@pytest.mark.parametrize("value", ["fill_received", "nowhere:1", "fill_received:0",
                                   "fill_received:x"])
def test_kill_hook_when_value_malformed_then_config_error_naming_variable_and_points(
    value: str,
) -> None:
    with pytest.raises(ConfigError) as caught:
        crash_at_from_env({CRASH_ENV_VAR: value})
    assert CRASH_ENV_VAR in str(caught.value) and POINTS[0] in str(caught.value)


def test_kill_hook_when_env_is_prod_then_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(CRASH_ENV_VAR, "fill_received:1")
    for name in [k for k in os.environ if k.startswith("VT_")]:
        monkeypatch.delenv(name)
    with pytest.raises(ConfigError) as caught:
        _arm_crash_test(load_settings("prod"))
    assert CRASH_ENV_VAR in str(caught.value)
