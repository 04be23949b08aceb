"""Schema versions: an older store is migrated on open, a newer one is refused."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from vibetrading_V2.core.errors import StateStoreError, StoreSchemaError, UserInputError
from vibetrading_V2.core.types import Fill, OrderStatus, Side
from vibetrading_V2.store.sqlite import SCHEMA_VERSION, SqliteStateStore
from vibetrading_V2.store.sqlite_migrations import MIGRATED_RUN_ID

_V2_FIXTURE = Path(__file__).parents[1] / "fixtures" / "store" / "schema_v2.sql"


def _v2_store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_V2_FIXTURE.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return path


def test_sqlite_store_when_opening_a_version_2_store_then_its_rows_survive_migration(
    tmp_path: Path,
) -> None:
    path = _v2_store(tmp_path / "old.sqlite")
    with SqliteStateStore(path, run_id="r3", account="acc1", venue="simulator") as store:
        assert store.pragmas()["user_version"] == SCHEMA_VERSION == 7  # through 3, 4, 5, 6
        assert [(i.strategy_id, i.intent.symbol) for i in store.intents()] == [("s1", "ETH")]
        [order] = store.orders()
        assert (order.client_order_id, order.status, order.filled_quantity) == (
            "c1", OrderStatus.FILLED, 2.0,
        )
        assert order.request.reference_price == 2000.0
        assert [o.status for o in store.order_history("c1")] == [
            OrderStatus.IN_FLIGHT, OrderStatus.FILLED,
        ]
        assert [f.execution_id for f in store.fills()] == ["e1"]
        assert store.vetoes()[0].reasons == ("max_positions",)
        assert store.get_control("risk_snapshot:account") == '{"peak": 10500.0}'
        assert store.recorded_ns("fills") == [1_700_000_000_000_004_000]
        # the migrated store works as a new one: dedupe, new rows after the old ones
        assert store.has_fill("e1")
        again = Fill("e1", "c1", "ETH", Side.BUY, 2.0, 2001.5, 0.5, 1, "s1")
        assert store.record_fill(again) is False
        assert store.record_fill(Fill("e2", "c1", "ETH", Side.BUY, 1.0, 2001.5, 0.5, 2, "s1"))
        assert [f.execution_id for f in store.fills()] == ["e1", "e2"]
    conn = sqlite3.connect(path)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        assert "schema_version" not in tables and not any(t.endswith("_v2") for t in tables)
        assert conn.execute("SELECT DISTINCT run_id, account FROM intents").fetchall() == [
            (MIGRATED_RUN_ID, "acc1")
        ]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_sqlite_store_when_store_is_from_a_newer_build_then_refused_clearly(
    tmp_path: Path,
) -> None:
    path = tmp_path / "new.sqlite"
    with SqliteStateStore(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreSchemaError) as info:
        SqliteStateStore(path).open()
    assert isinstance(info.value, UserInputError)
    assert "newer build" in info.value.message and str(SCHEMA_VERSION + 1) in info.value.message
    assert info.value.field == "schema_version"


def test_sqlite_store_when_migration_fails_then_the_old_store_is_left_as_it_was(
    tmp_path: Path,
) -> None:
    path = _v2_store(tmp_path / "old.sqlite")
    conn = sqlite3.connect(path)
    with conn:  # a stray table the 2 -> 3 step wants to create: the step fails half way
        conn.execute("CREATE TABLE runs (x)")
    conn.close()
    with pytest.raises(StateStoreError, match="already exists"):
        SqliteStateStore(path).open()
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(2,)]
        assert conn.execute("SELECT COUNT(*) FROM fills").fetchone()[0] == 1
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    finally:
        conn.close()
