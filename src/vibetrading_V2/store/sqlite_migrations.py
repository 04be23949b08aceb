"""Schema versions of the SQLite state store, and one migration step per older version.

The version is SQLite's ``PRAGMA user_version`` (version 2 and older kept it in a
``schema_version`` table, read here only to migrate). On open, a new file gets the current
schema; an older one is migrated step by step (``_STEPS[v]`` turns version ``v`` into
``v + 1``) inside one transaction, so a failed migration leaves the file as it was; a file
written by a newer build is refused, never guessed at.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from vibetrading_V2.core.errors import StateStoreError, StoreSchemaError
from vibetrading_V2.store.sqlite_schema import (
    DISCREPANCIES_TABLE,
    EPOCHS_TABLE,
    FILL_COLUMNS,
    INTENT_COLUMNS,
    ORDER_COLUMNS,
    SCHEMA_STATEMENTS,
    SCHEMA_VERSION,
)

__all__ = ["MIGRATED_RUN_ID", "ensure_schema", "stored_version"]

MIGRATED_RUN_ID = "schema-v2"
"""The run id of rows written before version 3, which named no run."""

Identity = tuple[str, str, str]  # run id, account, venue


def stored_version(conn: sqlite3.Connection, path: str) -> int | None:
    """The file's schema version; ``None`` for a file with no tables yet."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version:
        return version
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    tables.discard("sqlite_sequence")
    if not tables:
        return None
    if "schema_version" not in tables:
        raise StateStoreError(
            "the file is a SQLite database but not a vibetrading state store "
            f"(tables: {', '.join(sorted(tables))})",
            path=path,
            hint="point the state store at a new file or at one this framework created",
        )
    found = [int(r[0]) for r in conn.execute("SELECT version FROM schema_version")]
    if len(found) != 1:
        raise _unsupported(f"unreadable state store schema version {found}", path)
    return found[0]


def ensure_schema(conn: sqlite3.Connection, path: str, identity: Identity) -> int | None:
    """Create or migrate the schema to ``SCHEMA_VERSION``; return the version found.

    ``identity`` (run id, account, venue) stamps the rows of a version-2 file, which named
    none: such a file held one account's rows, and its first opener claims them.
    """
    version = stored_version(conn, path)
    if version == SCHEMA_VERSION:
        return version
    _check_supported(version, path)
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = stored_version(conn, path)  # another process may have done it meanwhile
        if version != SCHEMA_VERSION:
            _check_supported(version, path)
            if version is None:
                for statement in SCHEMA_STATEMENTS:
                    conn.execute(statement)
            else:
                for step in range(version, SCHEMA_VERSION):
                    _STEPS[step](conn, identity)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return version


def _check_supported(version: int | None, path: str) -> None:
    if version is None or version in _STEPS:
        return
    if version > SCHEMA_VERSION:
        raise _unsupported(
            f"the state store was written by a newer build (schema version {version}; this "
            f"build reads versions {min(_STEPS)} to {SCHEMA_VERSION})",
            path,
            hint="run the newer build that wrote it, or start from a new state file",
        )
    raise _unsupported(
        f"unsupported state store schema version {version} (this build migrates versions "
        f"{min(_STEPS)} to {SCHEMA_VERSION})",
        path,
    )


def _unsupported(message: str, path: str, hint: str | None = None) -> StoreSchemaError:
    return StoreSchemaError(
        message,
        path=path,
        field="schema_version",
        hint=hint or "use a build that matches the file, or start from a new state file",
    )


_V3_INTENT_COLUMNS = INTENT_COLUMNS.removesuffix(", exit_offsets")
_V3_ORDER_COLUMNS = ORDER_COLUMNS.removesuffix(", exit_offsets")

# (table, its columns in version 2, which version 3 keeps and extends by the identity)
_V2_TABLES = (
    ("intents", f"seq, {_V3_INTENT_COLUMNS}"),
    ("orders", f"first_seq, {_V3_ORDER_COLUMNS}"),
    ("order_history", f"seq, {_V3_ORDER_COLUMNS}"),
    ("fills", f"seq, {FILL_COLUMNS}"),
    ("vetoes", "seq, ts_ns, strategy_id, symbol, reasons, recorded_ns"),
    ("controls", "key, value, recorded_ns"),
)


def _v2_to_v3(conn: sqlite3.Connection, identity: Identity) -> None:
    """Rows gain run id, account and venue; fills become unique per (venue, account, id).

    The tables are made at the current layout (``SCHEMA_STATEMENTS``): the later steps
    add only the columns still missing.
    """
    _, account, venue = identity
    conn.execute("DROP INDEX IF EXISTS order_history_by_id")
    for table, _columns in _V2_TABLES:
        conn.execute(f"ALTER TABLE {table} RENAME TO {table}_v2")
    for statement in SCHEMA_STATEMENTS:
        conn.execute(statement)
    for table, columns in _V2_TABLES:
        conn.execute(
            f"INSERT INTO {table} ({columns}, run_id, account, venue) "
            f"SELECT {columns}, ?, ?, ? FROM {table}_v2",
            (MIGRATED_RUN_ID, account, venue),
        )
        conn.execute(f"DROP TABLE {table}_v2")
    conn.execute("DROP TABLE schema_version")


# (table, column, its type) added by version 4
_V4_COLUMNS = (
    ("intents", "exit_offsets", "TEXT"),
    ("orders", "exit_offsets", "TEXT"),
    ("order_history", "exit_offsets", "TEXT"),
    ("runs", "strategy_ids", "TEXT"),
)


def _v3_to_v4(conn: sqlite3.Connection, identity: Identity) -> None:
    """Intents and orders keep their exit offsets; a run names its strategies (NULL: an
    older run, whose strategies are not known); a simulated venue keeps its working orders."""
    [venue_orders] = [s for s in SCHEMA_STATEMENTS if "TABLE venue_orders" in s]
    conn.execute(venue_orders.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
    for table, column, kind in _V4_COLUMNS:
        present = {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            conn.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _v4_to_v5(conn: sqlite3.Connection, identity: Identity) -> None:
    """The client id map (``client_ids``). The orders of a version-4 store keep their ids
    (``<strategy>-<symbol>-<time>-<rank>``, with ``@`` and ``.``): no new id can equal
    one, as new ids have neither."""
    for statement in SCHEMA_STATEMENTS:
        if "client_ids" in statement:
            conn.execute(statement.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS")
                         .replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS"))


def _v5_to_v6(conn: sqlite3.Connection, identity: Identity) -> None:
    """v5 -> v6: add the epochs table (a paper session's top-ups; none before)."""
    conn.execute(EPOCHS_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))


# a version-6 epoch's place among the fills: after those of an earlier market time, and
# after those of its own time recorded no later than it (the order a run books them in)
_V7_FILLS_BEFORE = """UPDATE epochs SET fills_before = (
    SELECT COUNT(*) FROM fills WHERE fills.ts_ns < epochs.ts_ns
    OR (fills.ts_ns = epochs.ts_ns AND fills.recorded_ns <= epochs.recorded_ns))"""


def _v6_to_v7(conn: sqlite3.Connection, identity: Identity) -> None:
    """v6 -> v7: each epoch keeps its place among the fills (``fills_before``), so a
    restart books its deposit where the run did; an older epoch's place is taken from
    the market and recorded times. Reconciliation's discrepancies get a table (none were
    kept before: they were only logged)."""
    conn.execute(DISCREPANCIES_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS"))
    present = {row[1] for row in conn.execute("PRAGMA table_info(epochs)")}
    if "fills_before" not in present:
        conn.execute("ALTER TABLE epochs ADD COLUMN fills_before INTEGER NOT NULL DEFAULT 0")
        conn.execute(_V7_FILLS_BEFORE)


_STEPS: dict[int, Callable[[sqlite3.Connection, Identity], None]] = {
    2: _v2_to_v3,
    3: _v3_to_v4,
    4: _v4_to_v5,
    5: _v5_to_v6,
    6: _v6_to_v7,
}
