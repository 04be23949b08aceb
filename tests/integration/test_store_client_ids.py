"""Client order ids from a real SQLite file: unique across restarts, a wiped store and two
sessions on one account; the id -> (intent, strategy) map survives; a v4 store migrates."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cli.containers import client_id_seed
from cli.settings import AppSettings, ExecutionSettings, StateSettings
from vibetrading_V2.core.client_ids import id_prefix, is_valid_client_id
from vibetrading_V2.core.types import Intent, Order, OrderStatus
from vibetrading_V2.store.run_store import remove_store_files
from vibetrading_V2.store.sqlite import SCHEMA_VERSION, SqliteStateStore

_V4_FIXTURE = Path(__file__).parents[1] / "fixtures" / "store" / "schema_v4.sql"
T0 = 1_704_067_200_000_000_000
LONG = Intent.long("AAA", quantity=2.0)


def _issue(store: SqliteStateStore, n: int, start: int = 0) -> list[str]:
    """Record and issue ``n`` intents at consecutive times from ``T0 + start``."""
    ids = []
    for k in range(start, start + n):
        intent = Intent.long("AAA", quantity=float(k + 1))
        store.record_intent(T0 + k, "s1@1.0.0", intent)
        ids.append(store.issue_client_id(T0 + k, "s1@1.0.0", intent))
    return ids


def test_client_ids_when_the_store_is_reopened_then_the_counter_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SqliteStateStore(path, run_id="r1", venue="bybit") as first:
        before = _issue(first, 3)
    with SqliteStateStore(path, run_id="r2", venue="bybit") as second:
        after = _issue(second, 3, start=3)
    assert len(set(before + after)) == 6
    assert all(is_valid_client_id(cid) and len(cid) <= 36 for cid in before + after)
    prefix = id_prefix("r1")  # the session's first run named it; the restart keeps it
    assert before + after == [f"{prefix}-{n}" for n in range(1, 7)]


def test_client_ids_when_the_store_is_wiped_then_no_id_is_issued_again(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SqliteStateStore(path, run_id="20261203T180000Z-3f9a1c", venue="bybit") as store:
        seen_by_the_venue = _issue(store, 5)
    remove_store_files(path)
    with SqliteStateStore(path, run_id="20261203T180500Z-77d0e2", venue="bybit") as wiped:
        fresh = _issue(wiped, 5)
    assert not set(seen_by_the_venue) & set(fresh)


def test_client_ids_when_two_sessions_trade_one_account_then_their_ids_differ(
    tmp_path: Path,
) -> None:
    stores = [SqliteStateStore(tmp_path / f"{k}.sqlite", run_id=f"run-{k}", account="acc1",
                               venue="bybit") for k in range(2)]
    issued = []
    for store in stores:
        with store:
            issued.append(set(_issue(store, 20)))
    assert not issued[0] & issued[1]


def test_client_ids_when_reopened_then_each_id_maps_back_to_its_intent_and_strategy(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with SqliteStateStore(path, run_id="r1") as store:
        store.record_intent(T0, "s1@1.0.0", LONG)
        cid = store.issue_client_id(T0, "s1@1.0.0", LONG)
    with SqliteStateStore(path, run_id="r2") as reopened:
        owner = reopened.client_id_owner(cid)
        assert owner is not None
        assert (owner.strategy_id, owner.ts_ns, owner.intent) == ("s1@1.0.0", T0, LONG)
        assert reopened.client_id_for(T0, "s1@1.0.0", LONG) == cid  # handled again: same id
        assert reopened.client_id_for(T0, "s1@1.0.0", Intent.flat("AAA")) is None
        assert reopened.client_id_for(T0, "other@1.0.0", LONG) is None
        assert reopened.client_id_owner("not-issued-here") is None


def test_client_ids_when_seeded_then_a_new_store_repeats_them(tmp_path: Path) -> None:
    """A backtest's store is seeded by its config hash: a rerun sends the same ids."""
    runs = []
    for k in range(2):
        with SqliteStateStore(tmp_path / f"{k}.sqlite", run_id=f"r{k}", id_seed="cfg") as store:
            runs.append(_issue(store, 4))
    assert runs[0] == runs[1] == [f"{id_prefix('cfg')}-{n}" for n in range(1, 5)]


def test_sqlite_store_when_opening_a_version_4_store_then_it_migrates_and_issues_new_ids(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v4.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(_V4_FIXTURE.read_text(encoding="utf-8"))
    conn.close()
    with SqliteStateStore(path, run_id="r5", account="acc1", venue="simulator") as store:
        assert store.pragmas()["user_version"] == SCHEMA_VERSION == 7
        [old] = store.orders()  # the old order keeps its old id
        assert (old.client_order_id, old.status) == ("s1@1.0.0-ETH-1000-0", OrderStatus.FILLED)
        assert [f.execution_id for f in store.fills()] == ["e1"]
        intent = Intent.long("ETH", quantity=1.0)
        store.record_intent(2_000, "s1@1.0.0", intent)
        cid = store.issue_client_id(2_000, "s1@1.0.0", intent)
        assert cid == f"{id_prefix('r5')}-1" and is_valid_client_id(cid)
        store.record_order(Order(old.request, OrderStatus.FILLED, 2.0, 2000.5, "v1", None, 1))
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT client_order_id, strategy_id, intent_ts_ns, run_id, account "
                            "FROM client_ids").fetchall() == [
            (cid, "s1@1.0.0", 2_000, "r5", "acc1")]
    finally:
        conn.close()


def test_id_seed_when_the_venue_is_real_then_the_run_id_else_the_config_hash_less_state() -> None:
    simulated = AppSettings()
    moved = simulated.model_copy(update={"state": StateSettings(path=Path("/elsewhere.sqlite"))})
    real = simulated.model_copy(update={"execution": ExecutionSettings(venue="bybit")})
    assert client_id_seed(simulated, "run-a") == client_id_seed(moved, "run-b") != "run-a"
    assert client_id_seed(real, "run-a") == "run-a"
