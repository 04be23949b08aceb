"""SqliteStateStore specifics: life cycle, durability across reopen, schema checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.unit.engine_helpers import Scripted, bars, make_rig
from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.store.sqlite import SCHEMA_VERSION, SqliteStateStore
from vibetrading_V2.strategy.guard import RuntimeGuard


def _fill(execution_id: str) -> Fill:
    return Fill(execution_id, "c1", "ETH", Side.BUY, 1.0, 2000.0, 0.5, 1, "s1")


def test_sqlite_store_when_constructed_then_no_file_created(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.sqlite"
    SqliteStateStore(path)
    assert not path.exists()


def test_sqlite_store_when_used_without_open_then_opens_lazily(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "state.sqlite"
    store = SqliteStateStore(path)
    store.set_control("k", "v")
    store.close()
    assert path.exists()


def test_sqlite_store_when_opened_then_wal_mode_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path):
        pass
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_sqlite_store_when_duplicate_fill_after_reopen_then_still_deduplicated(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path) as store:
        assert store.record_fill(_fill("e1"))
    with SqliteStateStore(path) as store:
        assert store.record_fill(_fill("e1")) is False
        assert store.record_fill(_fill("e2")) is True
        assert [f.execution_id for f in store.fills()] == ["e1", "e2"]


def test_sqlite_store_when_reopened_then_controls_orders_vetoes_survive(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    order = Order(OrderRequest("c1", "ETH", Side.SELL, 2.0), OrderStatus.IN_FLIGHT)
    with SqliteStateStore(path) as store:
        store.set_control("trading_state", "halted")
        store.record_order(order)
        store.record_veto(7, "s1", "ETH", ["kill_switch"])
    with SqliteStateStore(path) as store:
        assert store.get_control("trading_state") == "halted"
        assert store.open_orders() == [order]
        assert store.vetoes()[0].reasons == ("kill_switch",)


def test_sqlite_store_when_unknown_schema_version_then_state_store_error(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path):
        pass
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StateStoreError) as info:
        SqliteStateStore(path).open()
    assert info.value.field == "schema_version"
    assert info.value.path == str(path)
    assert "99" in info.value.message


def test_sqlite_store_when_foreign_database_then_state_store_error(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("CREATE TABLE prices (x REAL)")
    conn.close()
    with pytest.raises(StateStoreError, match="not a vibetrading state store"):
        SqliteStateStore(path).open()


def test_sqlite_store_when_file_is_not_sqlite_then_state_store_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateStoreError) as info:
        SqliteStateStore(path).open()
    assert info.value.path == str(path)


def test_sqlite_store_when_closed_then_calls_raise_until_reopened(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "state.sqlite")
    store.open()
    store.close()
    store.close()
    with pytest.raises(StateStoreError, match="closed"):
        store.get_control("k")
    store.open()
    store.set_control("k", "v")
    assert store.get_control("k") == "v"
    store.close()


def test_sqlite_store_when_unknown_synchronous_mode_then_state_store_error(
    tmp_path: Path,
) -> None:
    with pytest.raises(StateStoreError) as info:
        SqliteStateStore(tmp_path / "s.sqlite", synchronous="SOMETIMES")  # type: ignore[arg-type]
    assert info.value.field == "synchronous"


def test_sqlite_store_when_timestamp_beyond_64_bits_then_state_store_error(
    tmp_path: Path,
) -> None:
    with SqliteStateStore(tmp_path / "s.sqlite") as store:
        with pytest.raises(StateStoreError):
            store.record_veto(2**64, "s1", "ETH", ["x"])
        assert store.vetoes() == []


def test_sqlite_store_when_the_compiled_engine_records_into_it_then_it_holds_what_memory_does(
    tmp_path: Path,
) -> None:
    # the order ports are compiled base classes; this store subclasses them in plain Python
    def strategy() -> Scripted:
        return Scripted(lambda bar: Intent.long("AAA") if bar.index % 4 < 2 else Intent.flat("AAA"))

    prices = [100.0 + i for i in range(12)]
    memory = make_rig(strategy(), RuntimeGuard())
    memory.run(bars("AAA", prices))
    with SqliteStateStore(tmp_path / "state.sqlite", id_seed="memory") as store:
        sqlite = make_rig(strategy(), RuntimeGuard(), store=store)
        sqlite.run(bars("AAA", prices))

        assert [f.execution_id for f in store.fills()] == [
            f.execution_id for f in memory.store.fills()
        ]
        assert [(o.client_order_id, o.status) for o in store.orders()] == [
            (o.client_order_id, o.status) for o in memory.store.orders()
        ]
        assert len(store.intents()) == len(memory.store.intents()) == 6  # one per change
