"""The state store's transactions: a fill, its order and the risk snapshot land together."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibetrading_V2.core.errors import StateStoreError, StoreDurabilityError, UserInputError
from vibetrading_V2.core.types import (
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    Position,
    Side,
)
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.sqlite import SqliteStateStore

_REQUEST = OrderRequest("c1", "ETH", Side.BUY, 2.0, strategy_id="s1")
_POSITION = Position("ETH", 2.0, 2000.0)


def _fill(execution_id: str = "e1") -> Fill:
    return Fill(execution_id, "c1", "ETH", Side.BUY, 2.0, 2000.0, 0.5, 1, "s1")


def _filled() -> Order:
    return Order(_REQUEST, OrderStatus.FILLED, filled_quantity=2.0, average_price=2000.0)


def _counts(path: Path) -> tuple[int, int, int, int]:
    """Rows a second connection (another process, after a crash) sees."""
    conn = sqlite3.connect(path)
    try:
        fills, orders, positions, controls = (
            int(conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
            for t in ("fills", "orders", "positions", "controls")
        )
        return fills, orders, positions, controls
    finally:
        conn.close()


def _record_event(store: SqliteStateStore | InMemoryStateStore) -> None:
    store.record_fill(_fill())
    store.record_order(_filled())
    store.record_position(_POSITION)
    store.set_control("risk_snapshot:account", '{"peak": 1.0}')


def test_sqlite_transaction_when_open_then_other_connections_see_nothing_until_commit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path) as store:
        store.begin()
        _record_event(store)
        assert _counts(path) == (0, 0, 0, 0)
        store.commit()
        assert _counts(path) == (1, 1, 1, 1)


def test_sqlite_transaction_when_the_block_raises_then_nothing_lands(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path) as store:
        with pytest.raises(RuntimeError), store.transaction():
            _record_event(store)
            raise RuntimeError("crash between the fill and the snapshot")
        assert store.fills() == [] and store.orders() == []
        assert store.record_fill(_fill()) is True  # the dropped fill is not remembered
    assert _counts(path) == (1, 0, 0, 0)


def test_sqlite_transaction_when_closed_before_commit_then_the_event_is_lost_whole(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    store = SqliteStateStore(path).open()
    store.begin()
    _record_event(store)
    store.close()  # the process dies before COMMIT
    assert _counts(path) == (0, 0, 0, 0)
    with SqliteStateStore(path) as reopened:
        reopened.record_fill(_fill())  # outside a transaction: commits alone, at once
        assert _counts(path) == (1, 0, 0, 0)


def test_sqlite_transaction_when_begun_twice_or_committed_without_begin_then_error(
    tmp_path: Path,
) -> None:
    with SqliteStateStore(tmp_path / "state.sqlite") as store:
        with pytest.raises(StateStoreError, match="without an open"):
            store.commit()
        store.begin()
        with pytest.raises(StateStoreError, match="already open"):
            store.begin()
        store.rollback()
        store.rollback()  # a no-op outside a transaction


AnyStore = InMemoryStateStore | SqliteStateStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnyStore]:
    s: AnyStore = (
        InMemoryStateStore() if request.param == "memory"
        else SqliteStateStore(tmp_path / "state.sqlite")
    )
    with s:
        yield s


def test_store_when_a_transaction_commits_then_it_records_as_without_one(
    store: AnyStore,
) -> None:
    with store.transaction():
        _record_event(store)
    assert store.fills() == [_fill()]
    assert store.orders() == [_filled()]
    assert store.get_control("risk_snapshot:account") == '{"peak": 1.0}'
    assert store.positions() == [_POSITION]
    assert store.controls_changed_since(0) == 0  # no operator control was set


def test_store_when_rolled_back_then_only_what_came_before_begin_remains(
    store: AnyStore,
) -> None:
    store.record_order(Order(_REQUEST, OrderStatus.IN_FLIGHT))
    store.set_control("risk_snapshot:account", "before")
    store.record_position(Position("ETH", 1.0, 1990.0))
    assert [o.status for o in store.orders()] == [OrderStatus.IN_FLIGHT]  # folded, then
    store.begin()
    store.record_intent(1, "s1", Intent.long("ETH"))
    store.record_veto(1, "s1", "BTC", ["x"])
    _record_event(store)
    store.set_control("trading_state:account", "halted")
    store.rollback()
    assert store.intents() == [] and store.vetoes() == [] and store.fills() == []
    assert store.orders() == [Order(_REQUEST, OrderStatus.IN_FLIGHT)]
    assert len(store.order_history()) == 1 and len(store.recorded_ns("order_history")) == 1
    assert store.controls() == {"risk_snapshot:account": "before"}
    assert store.positions() == [Position("ETH", 1.0, 1990.0)]
    assert not store.has_fill("e1")
    assert store.record_fill(_fill()) is True
    with pytest.raises(StateStoreError, match="without an open"):
        store.commit()


def test_sqlite_store_when_opened_then_wal_and_synchronous_full(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "state.sqlite") as store:
        pragmas = store.pragmas()
    assert pragmas["journal_mode"] == "wal"
    assert pragmas["synchronous"] == 2  # FULL


def test_sqlite_store_when_file_system_cannot_do_wal_then_durability_error(
    tmp_path: Path,
) -> None:
    # SQLite's dot-file locking layer has no shared memory, as on some network shares
    path = tmp_path / "state.sqlite"
    with pytest.raises(StoreDurabilityError) as info:
        SqliteStateStore(path, vfs="unix-dotfile").open()
    assert isinstance(info.value, UserInputError)
    assert "WAL" in info.value.message and info.value.path == str(path)
