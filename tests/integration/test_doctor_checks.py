"""Each check of ``cli.doctor``: one way to pass and one way to fail (or only inform).

The checks run on the project's own config (``config/``) with the output and state
directories moved under ``tmp_path``; ``now_ns`` is given, never read from the machine.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from cli.containers import build_container
from cli.doctor_checks import (
    CLOSED_MARKET_NS,
    check_clock,
    check_config,
    check_credentials,
    check_data,
    check_directories,
    check_schema,
    check_store,
    check_strategies,
    check_venue,
)
from cli.settings import AppSettings, load_settings
from vibetrading_V2.store.sqlite import SqliteStateStore
from vibetrading_V2.store.sqlite_schema import SCHEMA_VERSION

V2_SCHEMA = Path(__file__).parents[1] / "fixtures" / "store" / "schema_v2.sql"
BYBIT = {"BYBIT_API_KEY": "PLANTEDKEY123", "BYBIT_API_SECRET": "PLANTEDSECRET456"}
HOUR_NS = 3_600 * 10**9
NOW_NS = 1_800_000_000 * 10**9


@pytest.fixture(autouse=True)
def _no_vt_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("VT_"):
            monkeypatch.delenv(key)


def _settings(tmp_path: Path, env: str = "dev", **overrides: Any) -> AppSettings:
    return load_settings(env, output={"directory": tmp_path / "out"}, **overrides)


def _store_at(tmp_path: Path) -> tuple[AppSettings, Path]:
    path = tmp_path / "state" / "s.sqlite"
    return _settings(tmp_path, "paper", state={"backend": "sqlite", "path": path}), path


def test_check_config_when_env_loads_then_pass_naming_kind_and_venue() -> None:
    result, settings = check_config("prod", None)
    assert result.status == "pass" and "kind live, venue bybit" in result.detail
    assert settings is not None


def test_check_config_when_env_unknown_then_fail_with_the_fix() -> None:
    result, settings = check_config("nope", None)
    assert result.status == "fail" and settings is None
    assert "unknown environment 'nope'" in result.detail and "fix: use one of" in result.detail


def test_check_config_when_live_env_names_the_simulator_then_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VT_EXECUTION__VENUE", "simulator")
    result, _ = check_config("prod", None)
    assert result.status == "fail" and "execution.venue is the simulator" in result.detail


def test_check_strategies_when_they_load_then_pass_naming_them(tmp_path: Path) -> None:
    result = check_strategies(build_container(_settings(tmp_path)))
    assert result.status == "pass" and "my_strategy_a@" in result.detail


def test_check_strategies_when_a_file_is_missing_then_fail(tmp_path: Path) -> None:
    container = build_container(_settings(tmp_path, strategy={"name": "no_such_strategy"}))
    result = check_strategies(container)
    assert result.status == "fail" and "StrategyNotFoundError" in result.detail


def test_check_credentials_when_the_venue_needs_none_then_not_needed(tmp_path: Path) -> None:
    result = check_credentials(_settings(tmp_path), {})
    assert result.status == "pass" and result.detail.startswith("not needed")


def test_check_credentials_when_bybit_secrets_unset_then_fail_naming_both(
    tmp_path: Path,
) -> None:
    result = check_credentials(_settings(tmp_path, "prod"), {})
    assert result.status == "fail" and "BYBIT_API_KEY, BYBIT_API_SECRET" in result.detail


def test_check_credentials_when_bybit_secrets_set_then_pass_without_their_values(
    tmp_path: Path,
) -> None:
    result = check_credentials(_settings(tmp_path, "prod"), BYBIT)
    assert result.status == "pass" and "PLANTED" not in result.detail


def test_check_directories_when_writable_then_pass_listing_what_each_holds(
    tmp_path: Path,
) -> None:
    settings, _ = _store_at(tmp_path)
    result = check_directories(settings)
    assert result.status == "pass"
    assert "(outputs, log)" in result.detail and "(state)" in result.detail
    assert not (tmp_path / "out").exists()  # checked, not created


def test_check_directories_when_the_output_directory_is_a_file_then_fail(
    tmp_path: Path,
) -> None:
    (tmp_path / "out").write_text("x", encoding="utf-8")
    result = check_directories(_settings(tmp_path))
    assert result.status == "fail" and "names an existing file" in result.detail


def test_check_store_when_state_in_memory_then_pass_with_no_store(tmp_path: Path) -> None:
    result = check_store(_settings(tmp_path))
    assert result.status == "pass" and "in memory" in result.detail


def test_check_store_when_file_not_created_yet_then_pass_with_a_note(tmp_path: Path) -> None:
    settings, _ = _store_at(tmp_path)
    result = check_store(settings)
    assert result.status == "pass" and "no store yet" in result.detail


def test_check_store_when_a_run_wrote_it_then_integrity_ok(tmp_path: Path) -> None:
    settings, path = _store_at(tmp_path)
    with SqliteStateStore(path, run_id="r1", account="account"):
        pass
    result = check_store(settings)
    assert result.status == "pass" and "integrity_check ok" in result.detail


def test_check_store_when_file_is_not_a_database_then_fail(tmp_path: Path) -> None:
    settings, path = _store_at(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"not a database, " * 512)
    result = check_store(settings)
    assert result.status == "fail" and "cannot be read" in result.detail


def test_check_store_when_an_index_page_is_zeroed_then_fail(tmp_path: Path) -> None:
    settings, path = _store_at(tmp_path)
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.executescript("CREATE TABLE t(a TEXT); CREATE INDEX t_a ON t(a);")
        conn.executemany("INSERT INTO t VALUES (?)", [(f"row {i:05d}",) for i in range(2000)])
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name='t_a'").fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page_size:root * page_size] = bytes(page_size)
    path.write_bytes(bytes(data))
    assert check_store(settings).status == "fail"


def test_check_schema_when_current_then_pass(tmp_path: Path) -> None:
    settings, path = _store_at(tmp_path)
    with SqliteStateStore(path, run_id="r1", account="account"):
        pass
    result = check_schema(settings)
    assert result.status == "pass" and f"v{SCHEMA_VERSION} (this build's)" in result.detail


def test_check_schema_when_previous_version_then_pass_saying_it_migrates(
    tmp_path: Path,
) -> None:
    settings, path = _store_at(tmp_path)
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.executescript(V2_SCHEMA.read_text(encoding="utf-8"))
    conn.close()
    result = check_schema(settings)
    assert result.status == "pass" and f"v2: migrated to v{SCHEMA_VERSION}" in result.detail


def test_check_schema_when_written_by_a_newer_build_then_fail(tmp_path: Path) -> None:
    settings, path = _store_at(tmp_path)
    with SqliteStateStore(path, run_id="r1", account="account"):
        pass
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    result = check_schema(settings)
    assert result.status == "fail" and "newer build" in result.detail


def test_check_schema_when_some_other_sqlite_file_then_fail(tmp_path: Path) -> None:
    settings, path = _store_at(tmp_path)
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE recipes(name TEXT)")
    conn.close()
    result = check_schema(settings)
    assert result.status == "fail" and "not a vibetrading state store" in result.detail


def _newest_bar_ns(settings: AppSettings) -> int:
    return int(build_container(settings).catalog().load_arrays("EURUSD", "1h").ts_ns[-1])


def test_check_data_when_backtest_history_is_old_then_only_informs(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    result = check_data(settings, build_container(settings), NOW_NS)
    assert (result.status, result.required) == ("info", False)
    assert "EURUSD 1h: newest bar 2018-02-07T15:00:00Z" in result.detail
    assert not result.blocks


def test_check_data_when_live_and_within_a_weekend_of_the_newest_bar_then_pass(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, "prod")
    now = _newest_bar_ns(settings) + CLOSED_MARKET_NS
    result = check_data(settings, build_container(settings), now)
    assert (result.status, result.required) == ("pass", True)


def test_check_data_when_live_and_older_than_allowed_then_fail(tmp_path: Path) -> None:
    settings = _settings(tmp_path, "prod")
    now = _newest_bar_ns(settings) + CLOSED_MARKET_NS + 3 * HOUR_NS
    result = check_data(settings, build_container(settings), now)
    assert result.status == "fail" and result.blocks


def test_check_data_when_the_catalog_is_missing_then_fail(tmp_path: Path) -> None:
    settings = _settings(tmp_path, data={"catalog": tmp_path / "nowhere", "user_catalog": None})
    result = check_data(settings, build_container(settings), NOW_NS)
    assert result.status == "fail" and "DataValidationError" in result.detail


def test_check_data_when_strategies_did_not_load_then_skipped(tmp_path: Path) -> None:
    result = check_data(_settings(tmp_path), None, NOW_NS)
    assert result.status == "skip" and result.blocks


def test_check_venue_when_simulator_then_pass(tmp_path: Path) -> None:
    settings = _settings(tmp_path)
    assert check_venue(settings, build_container(settings)).status == "pass"


def test_check_venue_when_live_on_bybit_then_skipped_for_want_of_an_adapter_and_blocks(
    tmp_path: Path,
) -> None:
    settings = _settings(tmp_path, "prod")
    result = check_venue(settings, build_container(settings))
    assert result.status == "skip" and result.blocks
    assert "no bybit adapter in this version" in result.detail


def test_check_clock_when_backtest_then_not_needed(tmp_path: Path) -> None:
    result = check_clock(_settings(tmp_path), NOW_NS)
    assert result.status == "pass" and not result.required


def test_check_clock_when_live_without_adapter_then_informs_with_the_local_time(
    tmp_path: Path,
) -> None:
    result = check_clock(_settings(tmp_path, "prod"), NOW_NS + 123)
    assert (result.status, result.required) == ("info", False)
    assert "local clock 2027-01-15T08:00:00Z" in result.detail
