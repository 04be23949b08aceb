"""Schema v5 -> v6 adds the epochs table; a v4 store goes through v5 (the ids step) too."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.fakes import FixedClock, ListAlerts, ListLogger
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.bankroll import Bankroll, TopUpRule
from vibetrading_V2.store.sqlite import SCHEMA_VERSION, SqliteStateStore


def _older_store(path: Path, version: int) -> Path:
    """A store as version ``version`` left it: no epochs table, that user_version."""
    with SqliteStateStore(path, run_id="old-run") as store:
        store.set_control("kept", "yes")
    conn = sqlite3.connect(path)
    try:
        conn.execute("DROP TABLE epochs")
        conn.execute(f"PRAGMA user_version = {version}")
        conn.commit()
    finally:
        conn.close()
    return path


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


@pytest.mark.parametrize("version", [4, 5])
def test_sqlite_store_when_opening_a_store_without_epochs_then_migrated_and_usable(
    tmp_path: Path, version: int,
) -> None:
    path = _older_store(tmp_path / "old.sqlite", version)
    assert "epochs" not in _tables(path)
    with SqliteStateStore(path, run_id="new-run") as store:
        assert store.get_control("kept") == "yes"
        assert store.epochs() == []
        bankroll = Bankroll(TopUpRule(), ledger=Ledger(1_000.0), venue=None, store=store,
                            clock=FixedClock(7), logger=ListLogger(), alerts=ListAlerts(),
                            run_id="new-run")
        bankroll.top_up(ts_ns=1, equity=9.0)
        assert [e.epoch for e in store.epochs()] == [1]
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 7
    finally:
        conn.close()
