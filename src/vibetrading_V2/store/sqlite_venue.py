"""What a simulated venue keeps in a paper session's store, so a restart finds it again.

A real venue keeps its own orders; the paper simulator lives in the run's process. After
each bar time the session writes the simulator's working orders here (``venue_orders``,
replaced as a whole, with the bar time reached, in one transaction), including the
orders the venue made itself (a bracket's stop and target legs), which the run's own
record (``orders``) learns of only when they fill. A restarted session gives them back to
a new simulator (``Simulator.restore_venue``) with the recorded fills.
"""

from __future__ import annotations

from collections.abc import Sequence

from vibetrading_V2.core.types import Order
from vibetrading_V2.store.records import check_order
from vibetrading_V2.store.sqlite_part import SqlitePart
from vibetrading_V2.store.sqlite_schema import ORDER_COLUMNS, order_from_row, order_row

__all__ = ["VENUE_CHECKPOINT_KEY", "SqliteVenueRecord"]

VENUE_CHECKPOINT_KEY = "venue_checkpoint_ns"
"""The control holding the market time of the venue's last checkpoint."""

_INSERT = f"INSERT INTO venue_orders ({ORDER_COLUMNS}, run_id, account, venue) VALUES "


class SqliteVenueRecord(SqlitePart):
    """Why: the simulated venue's working orders, apart from the run's own record; needs
    the store's ``_tx``, ``_query``, ``_identity`` and ``_now``."""

    def checkpoint_venue(
        self, ts_ns: int, orders: Sequence[Order], controls: dict[str, str]
    ) -> None:
        """Replace the venue's working orders by ``orders`` as of market time ``ts_ns`` and
        set ``controls`` (e.g. the bar time reached), together in one transaction."""
        controls = {**controls, VENUE_CHECKPOINT_KEY: str(ts_ns)}
        rows = []
        for order in orders:
            check_order(order)
            rows.append((*order_row(order, self._now()), *self._identity))
        with self._tx("checkpoint_venue") as conn:
            conn.execute("DELETE FROM venue_orders")
            for row in rows:
                conn.execute(f"{_INSERT}({', '.join('?' * len(row))})", row)
            for key, value in controls.items():
                conn.execute(
                    "INSERT INTO controls (key, value, recorded_ns, run_id, account, venue) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET "
                    "value = excluded.value, recorded_ns = excluded.recorded_ns, "
                    "run_id = excluded.run_id",
                    (key, value, self._now(), *self._identity),
                )

    def venue_checkpoint_ns(self) -> int | None:
        """The market time of the venue's last checkpoint (``None``: none yet)."""
        rows = self._query(
            "venue_checkpoint_ns", "SELECT value FROM controls WHERE key = ?",
            (VENUE_CHECKPOINT_KEY,),
        )
        return int(rows[0][0]) if rows else None

    def venue_orders(self) -> list[Order] | None:
        """The simulated venue's working orders at its last checkpoint, in their order
        (``None``: no checkpoint yet)."""
        if self.venue_checkpoint_ns() is None:
            return None
        rows = self._query(
            "venue_orders", f"SELECT {ORDER_COLUMNS} FROM venue_orders ORDER BY seq"
        )
        return [order_from_row(r) for r in rows]
