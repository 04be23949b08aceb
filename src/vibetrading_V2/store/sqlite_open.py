"""What opening a SQLite state store checks before anyone trades on it.

The connection must really be in WAL mode with the requested ``synchronous`` level (a file
system without shared memory or POSIX locks silently stays in rollback mode: refused), a
new run's store must be empty, and every row must belong to the opener's account and venue
unless the opener adopts the store knowingly. Each opening run is listed in ``runs``.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from urllib.parse import quote

from vibetrading_V2.core.errors import (
    ForeignAccountError,
    ForeignStateError,
    StateStoreError,
    StoreDurabilityError,
)

__all__ = ["check_account", "connect", "make_parent", "refuse_foreign_state", "register_run"]

RUN_TABLES = ("intents", "orders", "fills", "positions", "vetoes", "controls")
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
        hint=f"point state.path at the store of {account}@{venue} (or a new file), or open "
        "this one with the adopt flag to take it over knowingly",
    )


def register_run(
    conn: sqlite3.Connection, run_id: str, account: str, venue: str, adopted: str | None
) -> None:
    """List ``run_id`` in ``runs`` (once), with the wall-clock time it first opened."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT OR IGNORE INTO runs (run_id, account, venue, opened_wall_ns, adopted_from) "
            "VALUES (?, ?, ?, ?, ?)",
            (run_id, account, venue, time.time_ns(), adopted),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
