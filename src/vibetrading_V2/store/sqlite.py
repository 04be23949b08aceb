"""``SqliteStateStore``: the ``StateStore`` port on a SQLite file that survives restarts.

Record, then act: paper and live write every intent, order state, fill, position, veto and
control here before acting. Each record call is one transaction in WAL mode, unless the
caller groups several (``begin``/``commit``, ``record_fill_with_order``).

``open()`` (or entering the context manager; or the first call, lazily) connects, refuses
a file system without WAL (``StoreDurabilityError``), creates or migrates the schema
(``sqlite_migrations``) and refuses rows of another account or venue
(``ForeignAccountError``) unless ``adopt``. After ``close()`` calls raise until ``open()``.
A connection is used from the thread that opened it only. With ``new_run=True`` (every
backtest) the first ``open()`` refuses a file that already holds run rows
(``ForeignStateError``) instead of trading on state another run left behind.

Every row carries ``run_id``, ``account`` and ``venue`` (tables: ``sqlite_schema``). ``ts_ns``,
``created_ns`` and ``updated_ns`` are market times; ``recorded_ns`` is when the row was
written, on the run's clock (the wall clock in paper and live)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.ports import Clock, StateStore
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, Position
from vibetrading_V2.store.operator_controls import (
    ControlRecord,
    RunRecord,
    control_cursor,
    current_controls,
    last_run,
    write_control,
)
from vibetrading_V2.store.records import (
    check_fill,
    check_intent,
    check_no_nan,
    check_order,
)
from vibetrading_V2.store.sqlite_discrepancies import SqliteDiscrepancyRecord
from vibetrading_V2.store.sqlite_epochs import SqliteEpochRecord
from vibetrading_V2.store.sqlite_fill_events import SqliteFillEvents
from vibetrading_V2.store.sqlite_ids import SqliteClientIds
from vibetrading_V2.store.sqlite_migrations import ensure_schema
from vibetrading_V2.store.sqlite_open import (
    check_account,
    check_strategies,
    connect,
    make_parent,
    refuse_foreign_state,
    register_run,
)
from vibetrading_V2.store.sqlite_reads import SqliteReads
from vibetrading_V2.store.sqlite_schema import (
    FILL_COLUMNS,
    IDENTITY_COLUMNS,
    INTENT_COLUMNS,
    ORDER_COLUMNS,
    SCHEMA_VERSION,
    fill_row,
    intent_row,
    order_row,
)
from vibetrading_V2.store.sqlite_venue import SqliteVenueRecord

__all__ = ["SCHEMA_VERSION", "SqliteStateStore"]

_SYNC_MODES = ("OFF", "NORMAL", "FULL", "EXTRA")
_ORDER_UPDATES = ", ".join(
    f"{c.strip()} = excluded.{c.strip()}"
    for c in (ORDER_COLUMNS + ", " + IDENTITY_COLUMNS).split(",")[1:]
)
_ORDER_INSERT = f"{ORDER_COLUMNS}, {IDENTITY_COLUMNS}"
_POSITION_UPDATES = ", ".join(
    f"{c} = excluded.{c}"
    for c in ("quantity", "average_price", "realized_pnl", "recorded_ns", "run_id")
)


def _marks(row: tuple[object, ...]) -> str:
    return ", ".join("?" * len(row))


class SqliteStateStore(SqliteClientIds, StateStore, SqliteReads, SqliteVenueRecord,
                       SqliteEpochRecord, SqliteDiscrepancyRecord, SqliteFillEvents):
    """The durable ``StateStore``: same API and checks as ``InMemoryStateStore``, on disk.

    ``synchronous`` is SQLite's durability knob: ``FULL`` (default) syncs every commit,
    ``NORMAL`` is faster in WAL mode and may lose the last commits on power loss but never
    corrupts the file. Parent directories of ``path`` are created on open. ``new_run``:
    the file must hold no state yet (checked once, on the first open). ``clock``: the
    run's clock, which stamps each row's ``recorded_ns`` (0 without one). ``run_id``,
    ``account``, ``venue``: stamped on every row; a run id is listed in ``runs`` when the
    store opens (``None``: a tool, not a run, e.g. ``cli.control``). ``adopt``: take over a
    store whose rows name another account or venue (or whose last run traded another
    strategy set) instead of refusing it. ``vfs``: SQLite's file-system layer by name
    (``None``: the platform's default). ``strategy_ids``: the run's strategies, checked
    against the last run's and listed in ``runs`` (``None``: not checked). ``id_seed``:
    the seed of the client id prefix when the store has issued none (``SqliteClientIds``).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        synchronous: Literal["OFF", "NORMAL", "FULL", "EXTRA"] = "FULL",
        new_run: bool = False,
        clock: Clock | None = None,
        run_id: str | None = None,
        account: str = "account",
        venue: str = "simulator",
        adopt: bool = False,
        vfs: str | None = None,
        strategy_ids: tuple[str, ...] | None = None,
        id_seed: str | None = None,
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
        self._run_id = run_id
        self._account = account
        self._venue = venue
        self._identity = (run_id or "", account, venue)
        self._adopt = adopt
        self._vfs = vfs
        self._strategy_ids = strategy_ids
        self._id_seed = id_seed
        self._conn: sqlite3.Connection | None = None
        self._closed = False
        self._in_tx = False
        self._must_be_empty = new_run  # until the first open has checked it
        self._checked_request: OrderRequest | None = None  # last request that passed
        self._seen_data_version = -1  # PRAGMA data_version when the cursor was read
        self._seen_control_cursor = 0

    @property
    def path(self) -> Path:
        return self._path

    # --- life cycle ----------------------------------------------------------------------

    def open(self) -> SqliteStateStore:
        """Connect, check WAL, create or migrate the schema, check the account."""
        if self._conn is not None:
            return self
        path = str(self._path)
        with self._translate("open"):
            if path != ":memory:":
                make_parent(self._path)
            conn = connect(self._path, self._synchronous, self._vfs)
            try:
                ensure_schema(conn, path, self._identity)
                if self._must_be_empty:
                    refuse_foreign_state(conn, self._path)
                adopted = check_account(
                    conn, self._path, self._account, self._venue, adopt=self._adopt
                )
                ids = self._strategy_ids
                if ids is not None:
                    adopted = check_strategies(conn, self._path, ids, adopt=self._adopt) or adopted
                if self._run_id is not None:
                    register_run(conn, self._run_id, self._account, self._venue, adopted, ids)
            except BaseException:
                conn.close()
                raise
        self._conn = conn
        self._closed = False
        self._in_tx = False
        self._must_be_empty = False
        self._seen_data_version = -1
        return self

    def close(self) -> None:
        """Close the connection (checkpointing the WAL; an open transaction is dropped)."""
        if self._conn is not None:
            with self._translate("close"):
                self._conn.close()
            self._conn = None
        self._closed = True
        self._in_tx = False

    def __enter__(self) -> SqliteStateStore:
        return self.open()

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def _translate(self, action: str) -> Iterator[None]:
        """The one place where sqlite3 errors become ``StateStoreError``."""
        try:
            yield
        except (sqlite3.Error, OverflowError) as exc:  # overflow: beyond SQLite's 64 bits
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

    # --- transactions --------------------------------------------------------------------

    def begin(self) -> None:
        if self._in_tx:
            raise StateStoreError(
                "a state store transaction is already open",
                path=str(self._path),
                hint="commit or roll back the open transaction first",
            )
        conn = self._connection()
        with self._translate("begin"):
            conn.execute("BEGIN IMMEDIATE")
        self._in_tx = True

    def commit(self) -> None:
        if not self._in_tx:
            raise StateStoreError(
                "commit without an open state store transaction",
                path=str(self._path),
                hint="call begin() first",
            )
        conn = self._connection()
        with self._translate("commit"):
            conn.execute("COMMIT")
        self._in_tx = False

    def rollback(self) -> None:
        if not self._in_tx:
            return
        self._in_tx = False
        conn = self._connection()
        with self._translate("rollback"):
            conn.execute("ROLLBACK")

    @contextmanager
    def _tx(self, action: str) -> Iterator[sqlite3.Connection]:
        """One record call: its own transaction, or part of the caller's open one."""
        conn = self._connection()
        with self._translate(action):
            if self._in_tx:
                yield conn
                return
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
        row = (*intent_row(ts_ns, strategy_id, intent, self._now()), *self._identity)
        with self._tx("record_intent") as conn:
            conn.execute(
                f"INSERT INTO intents ({INTENT_COLUMNS}, {IDENTITY_COLUMNS}) "
                f"VALUES ({_marks(row)})",
                row,
            )

    def record_order(self, order: Order) -> None:
        check_order(order, self._checked_request)
        self._checked_request = order.request
        row = (*order_row(order, self._now()), *self._identity)
        with self._tx("record_order") as conn:
            cur = conn.execute(
                f"INSERT INTO order_history ({_ORDER_INSERT}) VALUES ({_marks(row)})", row
            )
            conn.execute(
                f"INSERT INTO orders (first_seq, {_ORDER_INSERT}) VALUES (?, {_marks(row)}) "
                f"ON CONFLICT (client_order_id) DO UPDATE SET {_ORDER_UPDATES}",
                (cur.lastrowid, *row),
            )

    def record_fill(self, fill: Fill) -> bool:
        check_fill(fill)
        row = (*fill_row(fill, self._now()), *self._identity)
        with self._tx("record_fill") as conn:
            cur = conn.execute(
                f"INSERT OR IGNORE INTO fills ({FILL_COLUMNS}, {IDENTITY_COLUMNS}) "
                f"VALUES ({_marks(row)})",
                row,
            )
            return cur.rowcount == 1

    def record_veto(
        self, ts_ns: int, strategy_id: str, symbol: str, reasons: Sequence[str]
    ) -> None:
        row = (ts_ns, strategy_id, symbol, json.dumps(list(reasons)), self._now())
        with self._tx("record_veto") as conn:
            conn.execute(
                "INSERT INTO vetoes (ts_ns, strategy_id, symbol, reasons, recorded_ns, "
                f"{IDENTITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (*row, *self._identity),
            )

    def record_position(self, position: Position) -> None:
        check_no_nan("position", position)
        p = position
        with self._tx("record_position") as conn:
            conn.execute(
                "INSERT INTO positions (symbol, quantity, average_price, realized_pnl, "
                f"recorded_ns, {IDENTITY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                f"ON CONFLICT (symbol) DO UPDATE SET {_POSITION_UPDATES}",
                (p.symbol, p.quantity, p.average_price, p.realized_pnl, self._now(),
                 *self._identity),
            )

    def set_control(self, key: str, value: str) -> None:
        with self._tx("set_control") as conn:
            conn.execute(
                f"INSERT INTO controls (key, value, recorded_ns, {IDENTITY_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                "value = excluded.value, recorded_ns = excluded.recorded_ns, "
                "run_id = excluded.run_id",
                (key, value, self._now(), *self._identity),
            )

    def get_control(self, key: str) -> str | None:
        rows = self._query("get_control", "SELECT value FROM controls WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    # --- operator controls ---------------------------------------------------------------

    def set_operator_control(self, action: str, *, reason: str, who: str, wall_ns: int) -> None:
        """Record an operator's ``kill``, ``pause`` or ``resume`` (``operator_controls``)."""
        with self._tx("set_operator_control") as conn:
            write_control(
                conn,
                action,
                reason=reason,
                who=who,
                wall_ns=wall_ns,
                account=self._account,
                venue=self._venue,
            )
        self._seen_data_version = -1  # this connection's own writes do not move it

    def operator_controls(self) -> list[ControlRecord]:
        """The latest state of each operator control ever set, by name."""
        conn = self._connection()
        with self._translate("operator_controls"):
            return current_controls(conn)

    def controls_changed_since(self, cursor: int) -> int:
        """The newest control row's ``seq``; one ``PRAGMA data_version`` when unchanged."""
        conn = self._conn
        if conn is None:
            conn = self._connection()
        try:  # polled once per event: no context manager on the way
            version = conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise StateStoreError(
                f"state store controls_changed_since failed: {exc}", path=str(self._path)
            ) from exc
        if version != self._seen_data_version:
            with self._translate("controls_changed_since"):
                self._seen_control_cursor = control_cursor(conn)
            self._seen_data_version = version
        return self._seen_control_cursor

    def last_run(self) -> RunRecord | None:
        """The run that most recently opened this store for the first time."""
        conn = self._connection()
        with self._translate("last_run"):
            return last_run(conn)

    def _now(self) -> int:
        clock = self._clock
        return 0 if clock is None else clock.now_ns()
