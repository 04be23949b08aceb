"""A session's store: version 4 (exit offsets, the runs' strategies), one account and set."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import (
    ForeignAccountError,
    ForeignStateError,
    ForeignStrategiesError,
    UserInputError,
)
from vibetrading_V2.core.exit_offsets import ExitOffsets
from vibetrading_V2.core.types import Direction, Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.store.run_store import run_store, session_store
from vibetrading_V2.store.sqlite import SCHEMA_VERSION, SqliteStateStore

_V3_FIXTURE = Path(__file__).parents[1] / "fixtures" / "store" / "schema_v3.sql"


def _v3_store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_V3_FIXTURE.read_text(encoding="utf-8"))
    finally:
        conn.close()
    return path


def _request(offsets: ExitOffsets | None, cid: str = "c-1") -> OrderRequest:
    return OrderRequest(cid, "AAA", Side.BUY, 2.0, created_ns=5, strategy_id="s1",
                        reference_price=100.0, exit_offsets=offsets)


def test_store_when_a_version_3_store_is_opened_then_migrated_and_its_rows_kept(
    tmp_path: Path,
) -> None:
    path = _v3_store(tmp_path / "v3.sqlite")
    with SqliteStateStore(path, run_id="r4", account="acc1", strategy_ids=("s1",)) as store:
        assert store.pragmas()["user_version"] == SCHEMA_VERSION == 7
        [order] = store.orders()
        assert (order.client_order_id, order.status) == ("c1", OrderStatus.FILLED)
        assert order.request.exit_offsets is None  # older rows had none
        assert [f.execution_id for f in store.fills()] == ["e1"]
        assert store.get_control("strategy_disabled:s1") is not None
        offsets = ExitOffsets(stop_pct=0.02)
        store.record_order(Order(_request(offsets, "c2"), OrderStatus.NEW, updated_ns=6))
        assert store.order("c2").request.exit_offsets == offsets  # type: ignore[union-attr]
    conn = sqlite3.connect(path)
    try:
        runs = conn.execute("SELECT run_id, strategy_ids FROM runs ORDER BY seq").fetchall()
        assert runs == [("r-v3", None), ("r4", '["s1"]')]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


_distances = st.none() | st.floats(min_value=1e-6, max_value=1e6)
_fractions = st.none() | st.floats(min_value=1e-6, max_value=0.99)


@settings(max_examples=25, deadline=None)
@given(stop=_distances, stop_pct=_fractions, target=_distances, target_pct=_fractions)
def test_store_when_orders_and_intents_carry_exit_offsets_then_they_read_back_equal(
    tmp_path_factory: pytest.TempPathFactory, stop: float | None, stop_pct: float | None,
    target: float | None, target_pct: float | None,
) -> None:
    offsets = ExitOffsets(
        stop_distance=stop, stop_pct=None if stop is not None else stop_pct,
        take_profit_distance=target,
        take_profit_pct=None if target is not None else target_pct,
    )
    path = tmp_path_factory.mktemp("offsets") / "s.sqlite"
    with SqliteStateStore(path) as store:
        store.record_order(Order(_request(offsets), OrderStatus.IN_FLIGHT, updated_ns=5))
        intent = Intent("AAA", Direction.LONG, quantity=1.0, exits=offsets)
        store.record_intent(5, "s1", intent)
    with SqliteStateStore(path) as reopened:
        assert reopened.order("c-1").request.exit_offsets == offsets  # type: ignore[union-attr]
        assert reopened.intents()[0].intent == intent


def test_session_store_when_written_for_another_account_then_refused_naming_file_and_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with session_store(path, run_id="r1", account="alice", strategy_ids=("a@1",)) as store:
        store.set_control("k", "v")
    with pytest.raises(ForeignAccountError) as info:
        session_store(path, run_id="r2", account="bob", strategy_ids=("a@1",))
    error = info.value
    assert isinstance(error, UserInputError) and error.path == str(path)
    assert "alice@simulator" in error.message and "bob@simulator" in error.message
    assert "--state" in (error.hint or "") and "--adopt-state" in (error.hint or "")


def test_session_store_when_written_for_another_strategy_set_then_refused_unless_adopted(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    session_store(path, run_id="r1", strategy_ids=("a@1", "b@1")).close()
    session_store(path, run_id="r2", strategy_ids=("b@1", "a@1")).close()  # same set
    with pytest.raises(ForeignStrategiesError) as info:
        session_store(path, run_id="r3", strategy_ids=("a@1", "c@1"))
    error = info.value
    assert isinstance(error, ForeignStateError) and error.path == str(path)
    assert "a@1, b@1" in error.message and "b@1" in error.message and "c@1" in error.message
    assert error.field == "strategies" and "--adopt-state" in (error.hint or "")
    with session_store(path, run_id="r4", strategy_ids=("a@1", "c@1"), adopt=True) as store:
        record = store.last_run()
        assert record is not None and record.adopted_from == "a@1, b@1"
    session_store(path, run_id="r5", strategy_ids=("a@1", "c@1")).close()  # now its set


def test_session_store_when_a_new_session_is_asked_then_the_old_file_is_kept_aside(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with session_store(path, run_id="r1", strategy_ids=("a@1",)) as store:
        store.set_control("k", "v")
    with session_store(path, run_id="r2", strategy_ids=("b@1",), new_session=True) as store:
        assert store.controls() == {}
    [old] = [p for p in tmp_path.iterdir() if ".ended-" in p.name and p.suffix != "-wal"
             and not p.name.endswith(("-wal", "-shm"))]
    with SqliteStateStore(old) as kept:
        assert kept.controls() == {"k": "v"}


def test_run_store_when_not_a_session_then_a_used_file_is_refused_as_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with session_store(path, run_id="r1") as store:
        store.set_control("k", "v")
    with pytest.raises(ForeignStateError):
        run_store(False, tmp_path / "out", path, run_id="r2")
    run_store(True, tmp_path / "out", path, run_id="r3").close()
