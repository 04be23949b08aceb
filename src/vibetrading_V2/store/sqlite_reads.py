"""The read side of ``SqliteStateStore``: what reports, reconciliation and tests query.

A mixin, kept apart so the store's write and life-cycle code reads in one module. Every
accessor returns fresh core objects in recording order, as ``InMemoryStateStore`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vibetrading_V2.core.types import Fill, Order, Position
from vibetrading_V2.store.records import RECORDED_TABLES, IntentRecord, VetoRecord, unknown_table
from vibetrading_V2.store.sqlite_schema import (
    FILL_COLUMNS,
    INTENT_COLUMNS,
    ORDER_COLUMNS,
    fill_from_row,
    intent_from_row,
    order_from_row,
    veto_from_row,
)

__all__ = ["SqliteReads"]

_ROW_ORDER = {"controls": "key"}  # the other tables: seq, their write order


class SqliteReads:
    """Why: the store's queries, apart from its writes; needs ``_query`` and the identity."""

    _account: str
    _venue: str

    def _query(self, action: str, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

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
                f"SELECT {ORDER_COLUMNS} FROM order_history WHERE client_order_id = ? ORDER BY seq",
                (client_order_id,),
            )
        return [order_from_row(r) for r in rows]

    def fills(self) -> list[Fill]:
        rows = self._query("fills", f"SELECT {FILL_COLUMNS} FROM fills ORDER BY seq")
        return [fill_from_row(r) for r in rows]

    def has_fill(self, execution_id: str) -> bool:
        rows = self._query(
            "has_fill",
            "SELECT 1 FROM fills WHERE venue = ? AND account = ? AND execution_id = ?",
            (self._venue, self._account, execution_id),
        )
        return bool(rows)

    def positions(self) -> list[Position]:
        """The latest recorded position of each symbol, by symbol."""
        rows = self._query(
            "positions",
            "SELECT symbol, quantity, average_price, realized_pnl FROM positions ORDER BY symbol",
        )
        return [Position(*r) for r in rows]

    def vetoes(self) -> list[VetoRecord]:
        rows = self._query(
            "vetoes", "SELECT ts_ns, strategy_id, symbol, reasons FROM vetoes ORDER BY seq"
        )
        return [veto_from_row(r) for r in rows]

    def controls(self) -> dict[str, str]:
        rows = self._query("controls", "SELECT key, value FROM controls ORDER BY key")
        return {str(k): str(v) for k, v in rows}

    def pragmas(self) -> dict[str, object]:
        """The connection's journal mode, synchronous level (2: FULL) and schema version."""
        names = ("journal_mode", "synchronous", "user_version")
        return {n: self._query("pragmas", f"PRAGMA {n}")[0][0] for n in names}

    def newest_market_ns(self) -> int | None:
        """The newest market time of a recorded intent, order change or fill (``None``:
        nothing recorded): how far a run got, when it could not say so itself."""
        rows = self._query(
            "newest_market_ns",
            "SELECT MAX(t) FROM (SELECT MAX(ts_ns) AS t FROM intents UNION ALL "
            "SELECT MAX(updated_ns) FROM orders UNION ALL SELECT MAX(ts_ns) FROM fills)",
        )
        return None if rows[0][0] is None else int(rows[0][0])

    def resume_after_ns(self, checkpoint_ns: int | None) -> int | None:
        """The market time a restarted session trades on after (``None``: a new session):
        its last checkpoint, or just before the newest time recorded when it has none (the
        bar of that record was not finished: no checkpoint says so).

        A bar time is checkpointed when it is done, so a record newer than the checkpoint
        belongs to a bar the killed run was still trading (its resting orders matched, its
        strategies not yet called, say): that bar is traded again. What it did is not done
        twice: an intent handled again finds its client id, and the simulated venue takes
        back the orders and fills recorded since the checkpoint (``runner.rebuild``).
        """
        if checkpoint_ns is None:
            newest = self.newest_market_ns()
            return None if newest is None else newest - 1
        return checkpoint_ns

    def recorded_ns(self, table: str) -> list[int]:
        """When each row of ``table`` was written, on the run's clock, in the row order of
        its accessor (``order_history`` for every order row, ``controls`` by key)."""
        if table not in RECORDED_TABLES:
            raise unknown_table(table)
        order = _ROW_ORDER.get(table, "seq")
        rows = self._query("recorded_ns", f"SELECT recorded_ns FROM {table} ORDER BY {order}")
        return [int(r[0]) for r in rows]
