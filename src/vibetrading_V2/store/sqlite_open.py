"""What opening a SQLite state store checks before anyone trades on it.

The connection must really be in WAL mode with the requested ``synchronous`` level (a file
system without shared memory or POSIX locks silently stays in rollback mode: refused), a
new run's store must be empty, and every row must belong to the opener's account and venue
unless the opener adopts the store knowingly; so must the strategy set its last run
traded. Each opening run is listed in ``runs`` with its strategies.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from vibetrading_V2.core.errors import (
    ForeignAccountError,
    ForeignStateError,
    ForeignStrategiesError,
    StateStoreError,
    StoreDurabilityError,
)

__all__ = [
    "ADOPT_HINT",
    "check_account",
    "check_strategies",
    "connect",
    "make_parent",
    "refuse_foreign_state",
    "register_run",
]

ADOPT_HINT = (
    "give the run a new state file (--state PATH, or state.path), or take this one over "
    "knowingly with --adopt-state (state.adopt)"
)

RUN_TABLES = ("intents", "orders", "fills", "positions", "vetoes", "controls", "client_ids")
# every table whose rows name an account and a venue
_ACCOUNT_TABLES = ("runs", "control_log", *RUN_TABLES, "order_history")


def connect(path: Path, synchronous: str, vfs: str | None) -> sqlite3.Connection:
    """A connection in WAL mode at ``synchronous``; refused where WAL is impossible.

    ``vfs``: SQLite's file-system layer by name (``None``: the platform's default).
    """
    if vfs is None:
        conn = sqlite3.connect(path, isolation_level=None)
    else:
        uri = f"file:{quote(str(path))}?vfs={quote(vfs)}"
        conn = sqlite3.connect(uri, isolation_level=None, uri=True)
    try:
        mode = str(conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]).lower()
        if mode != "wal" and str(path) != ":memory:":
            raise StoreDurabilityError(
                f"the state store's file system cannot run SQLite in WAL mode (it stays in "
                f"{mode!r} mode), so a crash could lose or tear a commit",
                path=str(path),
                field="state.path",
                hint="put the state file on a local disk (not a network share or a file "
                "system without shared memory and POSIX locks)",
            )
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def make_parent(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StateStoreError(
            f"cannot create the state store's directory {path.parent}: {exc}",
            path=str(path),
            hint="point state.path (or --out) at a directory you can write",
        ) from None


def refuse_foreign_state(conn: sqlite3.Connection, path: Path) -> None:
    """A new run's store must be empty: rows here were written by another run."""
    counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in RUN_TABLES}
    held = [f"{table}: {n:,}" for table, n in counts.items() if n]
    if held:
        raise ForeignStateError(
            f"the state store already holds rows written by another run ({', '.join(held)}); "
            "a new run starts from an empty store and never trades on state it did not "
            "write",
            path=str(path),
            field="state.path",
            hint=f"delete {path} (with its -wal and -shm files) or set state.path "
            "(VT_STATE__PATH) to a new file; unset, a backtest keeps a new store of its "
            "own in its --out directory",
        )


def check_account(
    conn: sqlite3.Connection, path: Path, account: str, venue: str, *, adopt: bool
) -> str | None:
    """Refuse a store with another account's or venue's rows, unless ``adopt``.

    Returns the owners adopted (``account@venue``, comma separated), ``None`` if none.
    """
    others: set[str] = set()
    for table in _ACCOUNT_TABLES:
        rows = conn.execute(
            f"SELECT DISTINCT account, venue FROM {table} WHERE account != ? OR venue != ?",
            (account, venue),
        ).fetchall()
        others.update(f"{a}@{v}" for a, v in rows)
    if not others:
        return None
    found = ", ".join(sorted(others))
    if adopt:
        return found
    raise ForeignAccountError(
        f"the state store holds rows of account {found}, not of this run's account "
        f"{account}@{venue}; a run never trades on another account's state",
        path=str(path),
        field="state.path",
        hint=f"point state.path at the store of {account}@{venue}; or {ADOPT_HINT}",
    )


def check_strategies(
    conn: sqlite3.Connection, path: Path, strategy_ids: tuple[str, ...], *, adopt: bool
) -> str | None:
    """Refuse a store whose last run traded another strategy set, unless ``adopt``.

    Returns the set adopted (comma separated), ``None`` if the same or none recorded yet.
    """
    row = conn.execute(
        "SELECT strategy_ids FROM runs WHERE strategy_ids IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    stored = tuple(json.loads(row[0]))
    if sorted(stored) == sorted(strategy_ids):
        return None
    found = ", ".join(sorted(stored)) or "(none)"
    if adopt:
        return found
    missing = sorted(set(stored) - set(strategy_ids))
    extra = sorted(set(strategy_ids) - set(stored))
    raise ForeignStrategiesError(
        f"the state store was written for the strategies {found}, not this run's "
        f"{', '.join(strategy_ids)} (not in this run: {', '.join(missing) or 'none'}; new "
        f"in this run: {', '.join(extra) or 'none'}); a run never trades on another "
        "strategy set's state",
        path=str(path),
        field="strategies",
        hint=f"run the same strategies on it; or {ADOPT_HINT}",
    )


def register_run(
    conn: sqlite3.Connection,
    run_id: str,
    account: str,
    venue: str,
    adopted: str | None,
    strategy_ids: tuple[str, ...] | None = None,
) -> None:
    """List ``run_id`` in ``runs`` (once), with the wall-clock time it first opened and the
    strategies it trades (``None``: a run that did not say)."""
    ids = None if strategy_ids is None else json.dumps(list(strategy_ids))
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT OR IGNORE INTO runs (run_id, account, venue, opened_wall_ns, adopted_from, "
            "strategy_ids) VALUES (?, ?, ?, ?, ?, ?)",
            (run_id, account, venue, time.time_ns(), adopted, ids),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
