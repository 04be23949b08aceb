"""The SQLite state store's schema (version 7) and its row <-> core type mappings.

Kept apart from the connection handling in ``sqlite.py`` so the table layout can be read
in one place. A change to any table means a new ``SCHEMA_VERSION`` and a migration step in
``sqlite_migrations.py``. The version is SQLite's ``PRAGMA user_version``.

Every row of a run table ends with ``IDENTITY_COLUMNS`` (run id, account, venue): which
run wrote it for which account at which venue. Fills are unique per (venue, account,
execution id).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from vibetrading_V2.core.types import (
    Direction,
    ExitOffsets,
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from vibetrading_V2.store.records import IntentRecord, VetoRecord

__all__ = [
    "DISCREPANCIES_TABLE",
    "EPOCHS_TABLE",
    "FILL_COLUMNS",
    "IDENTITY_COLUMNS",
    "INTENT_COLUMNS",
    "ORDER_COLUMNS",
    "SCHEMA_STATEMENTS",
    "SCHEMA_VERSION",
    "fill_from_row",
    "fill_row",
    "intent_from_row",
    "intent_row",
    "offsets_of",
    "offsets_text",
    "order_from_row",
    "order_row",
    "veto_from_row",
]

SCHEMA_VERSION = 7
# 2: reference_price of orders, recorded_ns of every row
# 3: user_version instead of a schema_version table; run id, account and venue on every
#    row; fills unique per (venue, account, execution id); positions, runs and
#    control_log tables
# 4: exit_offsets of intents and orders (JSON); the strategy ids of each run; the
#    simulated venue's working orders (venue_orders)
# 5: client_ids: each client order id issued (its prefix and counter) and the intent and
#    strategy it was issued for
# 6: a paper session's top-up epochs (epochs)
# 7: each epoch's place among the fills (fills_before: the fills recorded before it);
#    reconciliation's discrepancies, each with its resolution (discrepancies)

IDENTITY_COLUMNS = "run_id, account, venue"
_IDENTITY_DDL = "run_id TEXT NOT NULL, account TEXT NOT NULL, venue TEXT NOT NULL"

ORDER_COLUMNS = (
    "client_order_id, symbol, side, quantity, order_type, limit_price, stop_price, "
    "time_in_force, reduce_only, strategy_id, stop_loss, take_profit, oco_group, created_ns, "
    "status, filled_quantity, average_price, venue_order_id, reason, updated_ns, "
    "reference_price, recorded_ns, exit_offsets"
)
INTENT_COLUMNS = (
    "ts_ns, strategy_id, symbol, direction, quantity, notional, weight, confidence, "
    "stop_loss, take_profit, rationale, recorded_ns, exit_offsets"
)
FILL_COLUMNS = (
    "execution_id, client_order_id, symbol, side, quantity, price, fee, ts_ns, strategy_id, "
    "liquidity, recorded_ns"
)

_ORDER_DDL = """
    client_order_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
    quantity REAL NOT NULL, order_type TEXT NOT NULL, limit_price REAL, stop_price REAL,
    time_in_force TEXT NOT NULL, reduce_only INTEGER NOT NULL, strategy_id TEXT NOT NULL,
    stop_loss REAL, take_profit REAL, oco_group TEXT, created_ns INTEGER NOT NULL,
    status TEXT NOT NULL, filled_quantity REAL NOT NULL, average_price REAL,
    venue_order_id TEXT, reason TEXT, updated_ns INTEGER NOT NULL, reference_price REAL,
    recorded_ns INTEGER NOT NULL, exit_offsets TEXT
"""

EPOCHS_TABLE = f"""CREATE TABLE epochs (
    epoch INTEGER PRIMARY KEY, ts_ns INTEGER NOT NULL, wall_ns INTEGER NOT NULL,
    equity_before REAL NOT NULL, deposit REAL NOT NULL, recorded_ns INTEGER NOT NULL,
    {_IDENTITY_DDL}, fills_before INTEGER NOT NULL DEFAULT 0)"""
"""A paper session's top-ups: each starts an epoch (``store.sqlite_epochs``)."""

DISCREPANCIES_TABLE = f"""CREATE TABLE discrepancies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, ts_ns INTEGER NOT NULL, kind TEXT NOT NULL,
    subject TEXT NOT NULL, resolution TEXT NOT NULL, blocks INTEGER NOT NULL,
    recorded_ns INTEGER NOT NULL, {_IDENTITY_DDL})"""
"""Reconciliation's differences with the venue, each with its resolution
(``store.sqlite_discrepancies``)."""

SCHEMA_STATEMENTS = (
    f"""CREATE TABLE intents (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, ts_ns INTEGER NOT NULL,
        strategy_id TEXT NOT NULL, symbol TEXT NOT NULL, direction TEXT NOT NULL,
        quantity REAL, notional REAL, weight REAL, confidence REAL NOT NULL, stop_loss REAL,
        take_profit REAL, rationale TEXT NOT NULL, recorded_ns INTEGER NOT NULL,
        exit_offsets TEXT, {_IDENTITY_DDL})""",
    f"""CREATE TABLE orders (
        first_seq INTEGER NOT NULL, {_ORDER_DDL}, {_IDENTITY_DDL},
        PRIMARY KEY (client_order_id))""",
    f"""CREATE TABLE order_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, {_ORDER_DDL}, {_IDENTITY_DDL})""",
    "CREATE INDEX order_history_by_id ON order_history (client_order_id, seq)",
    f"""CREATE TABLE fills (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, execution_id TEXT NOT NULL,
        client_order_id TEXT NOT NULL, symbol TEXT NOT NULL, side TEXT NOT NULL,
        quantity REAL NOT NULL, price REAL NOT NULL, fee REAL NOT NULL,
        ts_ns INTEGER NOT NULL, strategy_id TEXT NOT NULL, liquidity TEXT NOT NULL,
        recorded_ns INTEGER NOT NULL, {_IDENTITY_DDL},
        UNIQUE (venue, account, execution_id))""",
    f"""CREATE TABLE vetoes (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, ts_ns INTEGER NOT NULL,
        strategy_id TEXT NOT NULL, symbol TEXT NOT NULL, reasons TEXT NOT NULL,
        recorded_ns INTEGER NOT NULL, {_IDENTITY_DDL})""",
    f"""CREATE TABLE controls (
        key TEXT PRIMARY KEY, value TEXT NOT NULL, recorded_ns INTEGER NOT NULL,
        {_IDENTITY_DDL})""",
    f"""CREATE TABLE positions (
        symbol TEXT PRIMARY KEY, quantity REAL NOT NULL, average_price REAL NOT NULL,
        realized_pnl REAL NOT NULL, recorded_ns INTEGER NOT NULL, {_IDENTITY_DDL})""",
    f"""CREATE TABLE venue_orders (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, {_ORDER_DDL}, {_IDENTITY_DDL})""",
    """CREATE TABLE runs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL, venue TEXT NOT NULL, opened_wall_ns INTEGER NOT NULL,
        adopted_from TEXT, strategy_ids TEXT)""",
    f"""CREATE TABLE client_ids (
        seq INTEGER PRIMARY KEY, prefix TEXT NOT NULL, client_order_id TEXT NOT NULL UNIQUE,
        strategy_id TEXT NOT NULL, symbol TEXT NOT NULL, intent_ts_ns INTEGER NOT NULL,
        intent_seq INTEGER, recorded_ns INTEGER NOT NULL, {_IDENTITY_DDL})""",
    "CREATE INDEX client_ids_by_intent ON client_ids (strategy_id, symbol, intent_ts_ns)",
    """CREATE TABLE control_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, active INTEGER NOT NULL,
        action TEXT NOT NULL, reason TEXT NOT NULL, who TEXT NOT NULL,
        wall_ns INTEGER NOT NULL, account TEXT NOT NULL, venue TEXT NOT NULL)""",
    EPOCHS_TABLE,
    DISCREPANCIES_TABLE,
)


def order_row(order: Order, recorded_ns: int) -> tuple[Any, ...]:
    r = order.request
    return (
        r.client_order_id, r.symbol, r.side.value, r.quantity, r.order_type.value,
        r.limit_price, r.stop_price, r.time_in_force.value, int(r.reduce_only), r.strategy_id,
        r.stop_loss, r.take_profit, r.oco_group, r.created_ns, order.status.value,
        order.filled_quantity, order.average_price, order.venue_order_id, order.reason,
        order.updated_ns, r.reference_price, recorded_ns, offsets_text(r.exit_offsets),
    )  # fmt: skip


def order_from_row(row: Sequence[Any]) -> Order:
    request = OrderRequest(
        client_order_id=row[0], symbol=row[1], side=Side(row[2]), quantity=row[3],
        order_type=OrderType(row[4]), limit_price=row[5], stop_price=row[6],
        time_in_force=TimeInForce(row[7]), reduce_only=bool(row[8]), strategy_id=row[9],
        stop_loss=row[10], take_profit=row[11], oco_group=row[12], created_ns=row[13],
        reference_price=row[20], exit_offsets=offsets_of(row[22]),
    )  # fmt: skip
    return Order(
        request=request, status=OrderStatus(row[14]), filled_quantity=row[15],
        average_price=row[16], venue_order_id=row[17], reason=row[18], updated_ns=row[19],
    )  # fmt: skip


def intent_row(ts_ns: int, strategy_id: str, intent: Intent, recorded_ns: int) -> tuple[Any, ...]:
    return (
        ts_ns, strategy_id, intent.symbol, intent.direction.value, intent.quantity,
        intent.notional, intent.weight, intent.confidence, intent.stop_loss,
        intent.take_profit, json.dumps(list(intent.rationale)), recorded_ns,
        offsets_text(intent.exits),
    )  # fmt: skip


def intent_from_row(row: Sequence[Any]) -> IntentRecord:
    intent = Intent(
        symbol=row[2], direction=Direction(row[3]), quantity=row[4], notional=row[5],
        weight=row[6], confidence=row[7], stop_loss=row[8], take_profit=row[9],
        rationale=tuple(json.loads(row[10])), exits=offsets_of(row[12]),
    )  # fmt: skip
    return IntentRecord(row[0], row[1], intent)


_OFFSET_FIELDS = ("stop_distance", "stop_pct", "take_profit_distance", "take_profit_pct")


def offsets_text(offsets: ExitOffsets | None) -> str | None:
    """An intent's or order's exit offsets as JSON (only the fields set), ``None`` if none."""
    if offsets is None:
        return None
    fields = {name: getattr(offsets, name) for name in _OFFSET_FIELDS}
    return json.dumps({k: v for k, v in fields.items() if v is not None}, sort_keys=True)


def offsets_of(text: str | None) -> ExitOffsets | None:
    """The ``ExitOffsets`` of ``offsets_text``'s JSON (``None`` stays ``None``)."""
    return None if text is None else ExitOffsets(**json.loads(text))


def fill_row(fill: Fill, recorded_ns: int) -> tuple[Any, ...]:
    return (
        fill.execution_id, fill.client_order_id, fill.symbol, fill.side.value, fill.quantity,
        fill.price, fill.fee, fill.ts_ns, fill.strategy_id, fill.liquidity, recorded_ns,
    )  # fmt: skip


def fill_from_row(row: Sequence[Any]) -> Fill:
    return Fill(
        execution_id=row[0], client_order_id=row[1], symbol=row[2], side=Side(row[3]),
        quantity=row[4], price=row[5], fee=row[6], ts_ns=row[7], strategy_id=row[8],
        liquidity=row[9],
    )  # fmt: skip


def veto_from_row(row: Sequence[Any]) -> VetoRecord:
    return VetoRecord(row[0], row[1], row[2], tuple(json.loads(row[3])))
