"""``SqliteStateStore``: the ``StateStore`` port on a SQLite file that survives restarts.

Record, then act: paper and live write every intent, order state, fill, veto and control
here before acting, so after a crash the file says what may have happened. Each record
call is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``) in WAL mode.

Life cycle: the constructor only remembers the path. ``open()`` (or entering the context
manager) connects, creates the schema on first use and checks ``schema_version``. A store
that was never opened opens itself lazily on its first call, so the runner can use it
through the port alone. After ``close()`` calls raise ``StateStoreError`` until ``open()``
is called again. A connection is used from the thread that opened it only.

A store made with ``new_run=True`` belongs to one run that starts from nothing (every
backtest): its first ``open()`` refuses a file that already holds intents, orders, fills,
vetoes or controls with a ``ForeignStateError`` naming the file, instead of trading on state
another run left behind.

Schema (version 2)::

    schema_version(version)                 one row
    intents(seq PK, ts_ns, strategy_id, symbol, direction, quantity, notional, weight,
            confidence, stop_loss, take_profit, rationale JSON, recorded_ns)
    orders(client_order_id PK, first_seq, <order columns>)            latest state
    order_history(seq PK, <order columns>)                            every recorded state
    fills(seq PK, execution_id UNIQUE, client_order_id, symbol, side, quantity, price,
          fee, ts_ns, strategy_id, liquidity, recorded_ns)
    vetoes(seq PK, ts_ns, strategy_id, symbol, reasons JSON, recorded_ns)
    controls(key PK, value, recorded_ns)

Two times, never mixed: ``ts_ns``, ``created_ns`` and ``updated_ns`` are market times (the
bar or fill they answer); ``recorded_ns`` is when the row was written, on the run's clock
(the wall clock in paper and live).

``<order columns>`` are client_order_id, symbol, side, quantity, order_type, limit_price,
stop_price, time_in_force, reduce_only, strategy_id, stop_loss, take_profit, oco_group,
created_ns, status, filled_quantity, average_price, venue_order_id, reason, updated_ns,
reference_price, recorded_ns.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from vibetrading_V2.core.errors import ForeignStateError, StateStoreError
from vibetrading_V2.core.ports import Clock, StateStore
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest
from vibetrading_V2.store.records import (
    RECORDED_TABLES,
    IntentRecord,
    VetoRecord,
    check_fill,
    check_intent,
    check_order,
    unknown_table,
)
from vibetrading_V2.store.sqlite_schema import (
    FILL_COLUMNS,
    INTENT_COLUMNS,
    ORDER_COLUMNS,
    SCHEMA_STATEMENTS,
    SCHEMA_VERSION,
    fill_from_row,
    fill_row,
    intent_from_row,
    intent_row,
    order_from_row,
    order_row,
    veto_from_row,
)

__all__ = ["SCHEMA_VERSION", "SqliteStateStore"]

_SYNC_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
_RUN_TABLES = ("intents", "orders", "fills", "vetoes", "controls")
_ROW_ORDER = {"controls": "key"}  # the other tables: seq, their write order
_ORDER_UPDATES = ", ".join(
    f"{c.strip()} = excluded.{c.strip()}" for c in ORDER_COLUMNS.split(",")[1:]
)


def _marks(row: tuple[object, ...]) -> str:
    return ", ".join("?" * len(row))


class SqliteStateStore(StateStore):
    """The durable ``StateStore``: same API and checks as ``InMemoryStateStore``, on disk.

    ``synchronous`` is SQLite's durability knob: ``FULL`` (default) syncs every commit,
    ``NORMAL`` is faster in WAL mode and may lose the last commits on power loss but never
    corrupts the file. Parent directories of ``path`` are created on open. ``new_run``:
    the file must hold no state yet (checked once, on the first open). ``clock``: the
    run's clock, which stamps each row's ``recorded_ns`` (0 without one).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "FULL",
        new_run: bool = False,
        clock: Clock | None = None,
    ) -> None:
        if synchronous not in _SYNC_MODES:
            raise StateStoreError(
                f"unknown synchronous mode {synchronous!r}",
                field="synchronous",
                hint=f"use one of {', '.join(_SYNC_MODES)}",
            )
        self._path = Path(path)
        self._synchronous = synchronous
        self._clock = clock
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._must_be_empty = new_run  # until the first open has checked it
        self._checked_request: OrderRequest | None = None  # last request that passed

    @property
    def path(self) -> Path:
        return self._path

    # --- life cycle ----------------------------------------------------------------------

    def open(self) -> SqliteStateStore:
        """Connect, create or check the schema; a no-op when already open."""
        if self._conn is not None:
            return self
        with self._translate("open"):
            if str(self._path) != ":memory:":
                self._make_parent()
            conn = sqlite3.connect(self._path, isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA synchronous={self._synchronous}")
                conn.execute("PRAGMA foreign_keys=ON")
                self._ensure_schema(conn)
                if self._must_be_empty:
                    self._refuse_foreign_state(conn)
            except BaseException:
                conn.close()
                raise
        self._conn = conn
        self._closed = False
        self._must_be_empty = False
        return self

    def close(self) -> None:
        """Close the connection (checkpointing the WAL); idempotent."""
        if self._conn is not None:
            with self._translate("close"):
                self._conn.close()
            self._conn = None
        self._closed = True

    def __enter__(self) -> SqliteStateStore:
        return self.open()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _ensure_schema(self, conn: sqlite3.Connection) -> None:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        tables.discard("sqlite_sequence")
        if not tables:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in SCHEMA_STATEMENTS:
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return
        if "schema_version" not in tables:
            raise StateStoreError(
                "the file is a SQLite database but not a vibetrading state store "
                f"(tables: {', '.join(sorted(tables))})",
                path=str(self._path),
                hint="point the state store at a new file or at one this framework created",
            )
        rows = conn.execute("SELECT version FROM schema_version").fetchall()
        found = [r[0] for r in rows]
        if found != [SCHEMA_VERSION]:
            raise StateStoreError(
                f"unsupported state store schema version {found} (this build reads "
                f"[{SCHEMA_VERSION}])",
                path=str(self._path),
                field="schema_version",
                hint="use a build that matches the file, or start from a new state file",
            )

    def _make_parent(self) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StateStoreError(
                f"cannot create the state store's directory {self._path.parent}: {exc}",
                path=str(self._path),
                hint="point state.path (or --out) at a directory you can write",
            ) from None

    def _refuse_foreign_state(self, conn: sqlite3.Connection) -> None:
        """A new run's store must be empty: rows here were written by another run."""
        counts = {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in _RUN_TABLES}
        held = [f"{table}: {n:,}" for table, n in counts.items() if n]
        if held:
            raise ForeignStateError(
                f"the state store already holds rows written by another run ({', '.join(held)}); "
                "a new run starts from an empty store and never trades on state it did not "
                "write",
                path=str(self._path),
                field="state.path",
                hint=f"delete {self._path} (with its -wal and -shm files) or set state.path "
                "(VT_STATE__PATH) to a new file; unset, a backtest keeps a new store of its "
                "own in its --out directory",
            )

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        """The one place where sqlite3 errors become ``StateStoreError``."""
        try:
            yield
        except sqlite3.Error as exc:
            raise StateStoreError(
                f"state store {action} failed: {exc}", path=str(self._path)
            ) from exc
        except OverflowError as exc:  # an int beyond SQLite's 64-bit range
            raise StateStoreError(
                f"state store {action} failed: {exc}", path=str(self._path)
            ) from exc

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            if self._closed:
                raise StateStoreError(
                    "the state store is closed",
                    path=str(self._path),
                    hint="call open() before using it again",
                )
            self.open()
        conn = self._conn
        if conn is None:  # pragma: no cover - open() either sets it or raises
            raise StateStoreError("the state store failed to open", path=str(self._path))
        return conn

    @contextmanager
    def _tx(self, action: str) -> Iterator[sqlite3.Connection]:
        conn = self._connection()
        with self._translate(action):
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def _query(self, action: str, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        conn = self._connection()
        with self._translate(action):
            return conn.execute(sql, params).fetchall()

    # --- the StateStore port -------------------------------------------------------------

    def record_intent(self, ts_ns: int, strategy_id: str, intent: Intent) -> None:
        check_intent(intent)
        row = intent_row(ts_ns, strategy_id, intent, self._now())
        with self._tx("record_intent") as conn:
            conn.execute(
                f"INSERT INTO intents ({INTENT_COLUMNS}) VALUES ({_marks(row)})", row
            )

    def record_order(self, order: Order) -> None:
        check_order(order, self._checked_request)
        self._checked_request = order.request
        row = order_row(order, self._now())
        with self._tx("record_order") as conn:
            cur = conn.execute(
                f"INSERT INTO order_history ({ORDER_COLUMNS}) VALUES ({_marks(row)})", row
            )
            conn.execute(
                f"INSERT INTO orders (first_seq, {ORDER_COLUMNS}) VALUES (?, {_marks(row)}) "
                f"ON CONFLICT (client_order_id) DO UPDATE SET {_ORDER_UPDATES}",
                (cur.lastrowid, *row),
            )

    def record_fill(self, fill: Fill) -> bool:
        check_fill(fill)
        row = fill_row(fill, self._now())
        with self._tx("record_fill") as conn:
            cur = conn.execute(
                f"INSERT OR IGNORE INTO fills ({FILL_COLUMNS}) VALUES ({_marks(row)})", row
            )
            return cur.rowcount == 1

    def record_veto(
        self, ts_ns: int, strategy_id: str, symbol: str, reasons: Sequence[str]
    ) -> None:
        with self._tx("record_veto") as conn:
            conn.execute(
                "INSERT INTO vetoes (ts_ns, strategy_id, symbol, reasons, recorded_ns) "
                "VALUES (?, ?, ?, ?, ?)",
                (ts_ns, strategy_id, symbol, json.dumps(list(reasons)), self._now()),
            )

    def set_control(self, key: str, value: str) -> None:
        with self._tx("set_control") as conn:
            conn.execute(
                "INSERT INTO controls (key, value, recorded_ns) VALUES (?, ?, ?) ON CONFLICT "
                "(key) DO UPDATE SET value = excluded.value, recorded_ns = excluded.recorded_ns",
                (key, value, self._now()),
            )

    def get_control(self, key: str) -> str | None:
        rows = self._query("get_control", "SELECT value FROM controls WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    # --- read accessors for reports, reconciliation and tests ----------------------------

    def intents(self) -> list[IntentRecord]:
        rows = self._query("intents", f"SELECT {INTENT_COLUMNS} FROM intents ORDER BY seq")
        return [intent_from_row(r) for r in rows]

    def orders(self) -> list[Order]:
        rows = self._query("orders", f"SELECT {ORDER_COLUMNS} FROM orders ORDER BY first_seq")
        return [order_from_row(r) for r in rows]

    def order(self, client_order_id: str) -> Order | None:
        rows = self._query(
            "order",
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE client_order_id = ?",
            (client_order_id,),
        )
        return order_from_row(rows[0]) if rows else None

    def open_orders(self) -> list[Order]:
        return [o for o in self.orders() if not o.status.is_terminal]

    def order_history(self, client_order_id: str | None = None) -> list[Order]:
        if client_order_id is None:
            rows = self._query(
                "order_history", f"SELECT {ORDER_COLUMNS} FROM order_history ORDER BY seq"
            )
        else:
            rows = self._query(
                "order_history",
                f"SELECT {ORDER_COLUMNS} FROM order_history WHERE client_order_id = ? "
                "ORDER BY seq",
                (client_order_id,),
            )
        return [order_from_row(r) for r in rows]

    def fills(self) -> list[Fill]:
        rows = self._query("fills", f"SELECT {FILL_COLUMNS} FROM fills ORDER BY seq")
        return [fill_from_row(r) for r in rows]

    def has_fill(self, execution_id: str) -> bool:
        rows = self._query(
            "has_fill", "SELECT 1 FROM fills WHERE execution_id = ?", (execution_id,)
        )
        return bool(rows)

    def vetoes(self) -> list[VetoRecord]:
        rows = self._query(
            "vetoes", "SELECT ts_ns, strategy_id, symbol, reasons FROM vetoes ORDER BY seq"
        )
        return [veto_from_row(r) for r in rows]

    def controls(self) -> dict[str, str]:
        rows = self._query("controls", "SELECT key, value FROM controls ORDER BY key")
        return {str(k): str(v) for k, v in rows}

    def recorded_ns(self, table: str) -> list[int]:
        """When each row of ``table`` was written, on the run's clock, in the row order of
        its accessor (``order_history`` for every order row, ``controls`` by key)."""
        if table not in RECORDED_TABLES:
            raise unknown_table(table)
        order = _ROW_ORDER.get(table, "seq")
        rows = self._query("recorded_ns", f"SELECT recorded_ns FROM {table} ORDER BY {order}")
        return [int(r[0]) for r in rows]

    def _now(self) -> int:
        clock = self._clock
        return 0 if clock is None else clock.now_ns()
