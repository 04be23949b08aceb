"""Exposure the account has asked for but not yet got: open and in-flight orders.

The risk gate checks a new order against the position it would leave. Counting only held
positions lets a strategy stack orders that have not filled yet (one per bar until the
first fills) past every limit; so the gate also counts what is working at the venue
(``open_orders``) and what was sent with no answer yet (``InFlightOrders``), as if it
filled. Reduce-only orders (protective stops, targets) never add exposure and are left
out; so are the orders the new one replaces (the same strategy's in the same symbol,
cancelled when it goes out). An order that would shrink a position is not credited: it
may never fill.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from vibetrading_V2.core.order_ports import PositionBook
from vibetrading_V2.core.types import Order, OrderRequest, Side

__all__ = ["NO_PENDING", "InFlightOrders", "PendingExposure", "PositionBook", "pending_exposure"]

_BUY: Final = Side.BUY


class PendingExposure:
    """What working orders would add: signed quantity in one symbol, notional elsewhere.

    Why it exists: the gate's limits take the position "as if pending orders filled".
    A plain (compiled) class, read only by convention: one is made for every order sent
    while others work, and a frozen dataclass or a named tuple costs several times more.
    """

    __slots__ = ("other_gross", "quantity")

    def __init__(self, quantity: float = 0.0, other_gross: float = 0.0) -> None:
        self.quantity = quantity  # signed, in the symbol the new order is for
        self.other_gross = other_gross  # the growth of |position| * price of every other symbol

    def __repr__(self) -> str:
        return f"PendingExposure(quantity={self.quantity!r}, other_gross={self.other_gross!r})"


NO_PENDING = PendingExposure()


class InFlightOrders:
    """Orders sent whose answer has not come back (a venue's timeout leaves them so).

    Why it exists: between "sent" and "acknowledged" an order is at neither the venue's
    open orders nor the positions, yet it may fill; the gate must count it.
    """

    def __init__(self) -> None:
        self._requests: dict[str, OrderRequest] = {}

    def sent(self, request: OrderRequest) -> None:
        self._requests[request.client_order_id] = request

    def answered(self, client_order_id: str) -> None:
        self._requests.pop(client_order_id, None)

    def requests(self) -> list[OrderRequest]:
        return list(self._requests.values())

    def __len__(self) -> int:
        return len(self._requests)


def pending_exposure(
    open_orders: Sequence[Order],
    in_flight: Iterable[OrderRequest],
    *,
    strategy_id: str,
    symbol: str,
    book: PositionBook,
) -> PendingExposure:
    """The exposure open and in-flight orders would add, for a new order of ``symbol``.

    ``strategy_id``'s own orders in ``symbol`` are skipped: the new order replaces them.
    """
    if not open_orders and not in_flight:
        return NO_PENDING
    signed: dict[str, float] = {}
    prices: dict[str, float] = {}
    for order in open_orders:
        request = order.request
        _count(signed, prices, request, request.quantity - order.filled_quantity, symbol,
               strategy_id)
    for request in in_flight:
        _count(signed, prices, request, request.quantity, symbol, strategy_id)
    other = 0.0
    for name, quantity in signed.items():
        if name == symbol:
            continue
        held = book.net_quantity(name)
        price = book.last_price(name) or prices.get(name, 0.0)
        other += max(0.0, abs(held + quantity) - abs(held)) * price
    return PendingExposure(signed.get(symbol, 0.0), other)


def _count(signed: dict[str, float], prices: dict[str, float], request: OrderRequest,
           quantity: float, symbol: str, strategy_id: str) -> None:
    """Add what ``request`` still asks for (``quantity``) to its symbol's signed total and
    keep its symbol's first price, unless it adds no exposure or is replaced."""
    if request.reduce_only or quantity <= 0.0:
        return
    name = request.symbol
    if name == symbol and request.strategy_id == strategy_id:
        return
    step = quantity if request.side is _BUY else -quantity
    signed[name] = signed.get(name, 0.0) + step
    price = request.limit_price or request.stop_price or request.reference_price
    if price is not None and name not in prices:
        prices[name] = price
