"""``StaticVenue``: an ``AccountView`` fake whose state a test writes directly.

Reconciliation reads a venue; this one answers with exactly the orders, positions, cash
and fills the test put there, and raises ``TransientVenueError`` on every read while
``failing`` is set. It keeps its fills as the venue's history: ``updates(cursor)`` returns
those after ``cursor`` (``duplicate`` lists one again, as a venue's backfill may).
"""

from __future__ import annotations

from vibetrading_V2.core.errors import TransientVenueError
from vibetrading_V2.core.order_ports import ExecutionUpdates
from vibetrading_V2.core.types import AccountSnapshot, Fill, Order, Position

__all__ = ["StaticVenue"]


class StaticVenue:
    """A venue account frozen in the state a test wrote (an ``AccountView``)."""

    def __init__(self, *, cash: float = 0.0) -> None:
        self.cash = cash
        self.known: dict[str, Order] = {}  # every order the venue knows, by client id
        self.held: dict[str, Position] = {}
        self.history: list[Fill] = []
        self.failing = False
        self.reads = 0

    def put(self, order: Order) -> None:
        self.known[order.client_order_id] = order

    def hold(self, symbol: str, quantity: float, average_price: float = 100.0) -> None:
        self.held[symbol] = Position(symbol, quantity, average_price)

    def fill(self, fill: Fill) -> None:
        self.history.append(fill)

    def _read(self) -> None:
        self.reads += 1
        if self.failing:
            raise TransientVenueError("connection refused", venue="static")

    def order(self, client_order_id: str) -> Order | None:
        self._read()
        return self.known.get(client_order_id)

    def orders(self) -> list[Order]:
        self._read()
        return list(self.known.values())

    def open_orders(self) -> list[Order]:
        self._read()
        return [o for o in self.known.values() if not o.status.is_terminal]

    def positions(self) -> list[Position]:
        self._read()
        return [p for p in self.held.values() if p.quantity != 0.0]

    def account(self) -> AccountSnapshot:
        self._read()
        return AccountSnapshot(self.cash, self.cash, positions=tuple(self.positions()))

    def updates(self, cursor: int) -> ExecutionUpdates:
        self._read()
        return ExecutionUpdates(len(self.history), self.history[cursor:], [])

    @property
    def update_count(self) -> int:
        return len(self.history)
