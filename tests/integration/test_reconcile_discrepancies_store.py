"""Reconciliation's discrepancies are durable: each in the SQLite store with its resolution,
in one transaction with the orders and fills the pass recorded (issue 13 item 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.control import app
from tests.fakes import ListLogger
from tests.unit.fake_venue import StaticVenue
from tests.unit.reconcile_helpers import GRACE, NOW, fill, request
from vibetrading_V2.core.enums import OrderStatus, Side
from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import Fill, Order
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.reconcile import Reconciler
from vibetrading_V2.store.sqlite import SqliteStateStore

_V6_FIXTURE = Path(__file__).parents[1] / "fixtures" / "store" / "schema_v6.sql"


class _FailingDiscrepancies(SqliteStateStore):
    """A store whose discrepancy write fails (a full disk, say)."""

    def record_discrepancy(self, ts_ns: int, kind: str, subject: str, resolution: str,
                           blocks: bool) -> None:
        raise StateStoreError("disk full", field="discrepancies", hint="free some space")


def _reconciler(store: SqliteStateStore, venue: StaticVenue) -> Reconciler:
    ledger = Ledger(0.0)

    def book(new: Fill) -> bool:
        if not store.record_fill(new):
            return False
        ledger.apply_recorded_fill(new)
        return True

    return Reconciler(venue=venue, record=store, book=ledger, book_fill=book,
                      logger=ListLogger(), grace_ns=GRACE)


def _venue_with_an_external_order_and_a_lost_fill() -> StaticVenue:
    venue = StaticVenue()
    theirs = request("manual-42", side=Side.SELL, quantity=3.0)
    venue.put(Order(theirs, OrderStatus.NEW, 0.0, None, "v-9", None, theirs.created_ns))
    venue.fill(fill("lost:1", request("s1-BTC-9"), 2.0))
    venue.hold("BTC", 2.0)
    return venue


def test_reconcile_when_the_store_is_sqlite_then_each_discrepancy_outlives_the_process(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with SqliteStateStore(path, run_id="run-1") as store:
        reconciler = _reconciler(store, _venue_with_an_external_order_and_a_lost_fill())
        reconciler.run(NOW)
        reconciler.run(NOW + 1)  # the same venue state: nothing new to record
    with SqliteStateStore(path, run_id="run-2") as store:
        kept = store.discrepancies()
        assert store.order("manual-42") is not None and store.has_fill("lost:1")
    found = {(d.kind, d.subject) for d in kept if d.kind != "balance"}
    assert found == {("fill_missing", "lost:1"), ("external_order", "manual-42"),
                     ("position_long", "BTC")}
    assert all(d.ts_ns == NOW and not d.blocks for d in kept)
    external = next(d for d in kept if d.kind == "external_order")
    assert "never cancelled" in external.resolution


def test_reconcile_when_a_discrepancy_cannot_be_recorded_then_its_resolution_is_not_either(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with _FailingDiscrepancies(path, run_id="run-1") as store:
        reconciler = _reconciler(store, _venue_with_an_external_order_and_a_lost_fill())
        with pytest.raises(StateStoreError, match="disk full"):
            reconciler.run(NOW)
    with SqliteStateStore(path, run_id="run-2") as store:
        assert store.order("manual-42") is None and not store.has_fill("lost:1")
        assert store.discrepancies() == []


def test_sqlite_store_when_asked_for_the_last_discrepancies_then_the_newest_oldest_first(
    tmp_path: Path,
) -> None:
    with SqliteStateStore(tmp_path / "s.sqlite", run_id="run-1") as store:
        for k in range(5):
            store.record_discrepancy(k, "balance", "USD", f"cash {k}", blocks=k == 4)
        last = store.discrepancies(last=2)
    assert [(d.ts_ns, d.resolution, d.blocks) for d in last] == [(3, "cash 3", False),
                                                                  (4, "cash 4", True)]


def test_control_status_when_a_pass_recorded_discrepancies_then_it_lists_them_with_resolutions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    path = tmp_path / "paper.sqlite"
    monkeypatch.setenv("VT_STATE__PATH", str(path))
    with SqliteStateStore(path, run_id="run-1", account="account") as store:
        _reconciler(store, _venue_with_an_external_order_and_a_lost_fill()).run(NOW)
    result = CliRunner().invoke(app, ["status", "--env", "paper"])
    assert result.exit_code == 0, result.output
    said = " ".join(result.stdout.split())
    assert "reconciliation discrepancies:" in said
    assert "external_order manual-42: adopted as external" in said
    assert "fill_missing lost:1: booked" in said


def test_sqlite_store_when_opening_a_v6_store_then_discrepancies_can_be_recorded(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.sqlite"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_V6_FIXTURE.read_text(encoding="utf-8"))
    finally:
        conn.close()
    with SqliteStateStore(path, run_id="new-run", account="acc1") as store:
        assert store.pragmas()["user_version"] == 7
        assert store.discrepancies() == []
        store.record_discrepancy(NOW, "balance", "USD", "recorded, blocks nothing", False)
        assert [d.kind for d in store.discrepancies()] == ["balance"]
        assert [f.execution_id for f in store.fills()] == ["e1", "e2", "e3", "e4"]
