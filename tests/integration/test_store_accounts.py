"""Every state-store row names its run, account and venue; another account's store is refused."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from cli.containers import build_container
from cli.settings import load_settings
from vibetrading_V2.core.errors import ForeignAccountError, UserInputError
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.runner.safety import ACCOUNT_ID
from vibetrading_V2.store.sqlite import SqliteStateStore

ROOT = Path(__file__).resolve().parents[2]
_TABLES = ("intents", "orders", "order_history", "fills", "vetoes", "controls")


def _fill(execution_id: str = "e1") -> Fill:
    return Fill(execution_id, "c1", "ETH", Side.BUY, 1.0, 2000.0, 0.5, 1, "s1")


def _write_one_of_each(store: SqliteStateStore) -> None:
    store.record_intent(1, "s1", Intent.long("ETH"))
    store.record_order(Order(OrderRequest("c1", "ETH", Side.BUY, 1.0), OrderStatus.IN_FLIGHT))
    store.record_fill(_fill())
    store.record_veto(2, "s1", "BTC", ["max_positions"])
    store.set_control("trading_state:acc1", "active")


def _identities(path: Path, table: str) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(f"SELECT DISTINCT run_id, account, venue FROM {table}").fetchall()
        return {(str(r), str(a), str(v)) for r, a, v in rows}
    finally:
        conn.close()


def test_sqlite_store_when_rows_written_then_each_names_run_account_and_venue(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path, run_id="r1", account="acc1", venue="bybit") as store:
        _write_one_of_each(store)
        last = store.last_run()
    for table in _TABLES:
        assert _identities(path, table) == {("r1", "acc1", "bybit")}, table
    assert last is not None and (last.run_id, last.account, last.venue) == ("r1", "acc1", "bybit")


def test_sqlite_store_when_store_names_another_account_then_refused_naming_both(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path, run_id="r1", account="acc1") as store:
        _write_one_of_each(store)
    with pytest.raises(ForeignAccountError) as info:
        SqliteStateStore(path, run_id="r2", account="acc2").open()
    error = info.value
    assert isinstance(error, UserInputError)  # exit code 2: the operator fixes the config
    assert "acc1@simulator" in error.message and "acc2@simulator" in error.message
    assert error.hint is not None and "adopt" in error.hint
    assert error.path == str(path)


def test_sqlite_store_when_store_names_another_venue_then_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path, account="acc1", venue="simulator") as store:
        store.record_fill(_fill())
    with pytest.raises(ForeignAccountError, match="acc1@bybit"):
        SqliteStateStore(path, account="acc1", venue="bybit").open()


def test_sqlite_store_when_adopted_then_opens_and_the_run_records_whose_store_it_took(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path, run_id="r1", account="acc1") as store:
        _write_one_of_each(store)
    with SqliteStateStore(path, run_id="r2", account="acc2", adopt=True) as store:
        assert len(store.fills()) == 1
        last = store.last_run()
    assert last is not None and last.run_id == "r2" and last.adopted_from == "acc1@simulator"


def test_sqlite_store_when_same_execution_id_on_two_accounts_then_both_fills_kept(
    tmp_path: Path,
) -> None:
    path = tmp_path / "state.sqlite"
    with SqliteStateStore(path, account="acc1") as store:
        assert store.record_fill(_fill("e1")) is True
    with SqliteStateStore(path, account="acc2", adopt=True) as store:
        assert store.has_fill("e1") is False
        assert store.record_fill(_fill("e1")) is True  # keyed by (venue, account, id)
        assert store.record_fill(_fill("e1")) is False
        assert store.has_fill("e1") is True
        assert len(store.fills()) == 2


def test_sqlite_store_when_reopened_by_the_same_run_then_listed_once(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    for _ in range(2):
        with SqliteStateStore(path, run_id="r1", account="acc1"):
            pass
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT run_id FROM runs").fetchall() == [("r1",)]
    finally:
        conn.close()


def test_container_when_state_is_sqlite_then_the_store_names_the_run_account_and_venue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [n for n in os.environ if n.startswith("VT_")]:
        monkeypatch.delenv(name)
    settings = load_settings(
        "paper", ROOT / "config", output={"directory": str(tmp_path / "out")},
        logging={"console_level": "off"},
    )
    container = build_container(settings)
    store = container.state_store()
    assert isinstance(store, SqliteStateStore)
    last = store.last_run()
    store.close()
    assert last is not None
    assert (last.run_id, last.account, last.venue) == (container.run_id(), ACCOUNT_ID, "simulator")
