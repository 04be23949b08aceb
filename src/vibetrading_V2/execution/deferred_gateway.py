"""``DeferredGateway``: an in-memory ``Execution`` that fills market orders later.

It stands in for a venue in tests. A venue answers ``submit`` with an accepted order and
reports the fill afterwards, on some later event; the engine must book it whenever it
arrives. This gateway does exactly that, deterministically:

* ``submit`` accepts a MARKET order (status NEW) and fills nothing. Other order types and
  brackets are rejected (``unsupported_order_type``, ``unsupported_bracket``): it stands
  in for the arrival of fills, not for the simulator's matching rules.
* Every ``observe_bar`` is one event. An order waits ``delay`` further events after it
  was submitted, then fills in full at the open of the next bar of its symbol it
  observes (newer than the order's ``created_ns``), charged ``fee_rate`` of the notional.
* Fills and order changes are reported through ``updates(cursor)`` only, never as the
  return value of a call; ``observes_bars`` is true while an order is working.
* Times are market times: an order's ``updated_ns`` and a fill's ``ts_ns`` are bar times.
* A submit of a client id it already holds returns that order, or, with
  ``answer_duplicates``, raises ``DuplicateClientOrderIdError`` as Bybit answers it.
* While ``unreachable`` is set, every read of the account (``order``, ``orders``,
  ``open_orders``, ``positions``, ``account``, ``updates``) raises ``TransientVenueError``:
  a venue that cannot be reached, which reconciliation must never read as "flat".
"""

from __future__ import annotations

from dataclasses import dataclass

from vibetrading_V2.core.errors import (
    DuplicateClientOrderIdError,
    ExecutionError,
    TransientVenueError,
)
from vibetrading_V2.core.ports import BarPrices, Execution, ExecutionUpdates
from vibetrading_V2.core.types import (
    AccountSnapshot,
    Fill,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Position,
)
from vibetrading_V2.execution.update_log import UpdateLog

__all__ = ["DeferredGateway"]


@dataclass(slots=True)
class _Held:
    """One symbol's position: signed quantity, average entry price, realised PnL."""

    quantity: float = 0.0
    average_price: float = 0.0
    realized_pnl: float = 0.0

    def apply(self, signed: float, price: float) -> None:
        held = self.quantity
        if held == 0.0 or (held > 0.0) == (signed > 0.0):  # opens or grows
            total = held + signed
            self.average_price = (held * self.average_price + signed * price) / total
            self.quantity = total
            return
        closed = min(abs(signed), abs(held))
        direction = 1.0 if held > 0.0 else -1.0
        self.realized_pnl += closed * (price - self.average_price) * direction
        total = held + signed
        if total == 0.0 or (total > 0.0) != (held > 0.0):  # flat, or flipped
            self.average_price = price if total != 0.0 else 0.0
        self.quantity = total


class DeferredGateway(Execution):
    """A fake venue for tests: orders accepted now, filled ``delay`` events later.

    Why it exists: the engine must book a fill that arrives on a later event than the
    submit, as a real venue's does; the simulator fills on the very next bar or at once.
    """

    def __init__(
        self, *, delay: int = 0, initial_cash: float = 0.0, fee_rate: float = 0.0,
        currency: str = "USD", answer_duplicates: bool = False,
    ) -> None:
        if delay < 0:
            raise ExecutionError(f"delay must be >= 0, got {delay}", field="delay",
                                 hint="the number of events an order waits before it fills")
        self._delay = delay
        self._fee_rate = fee_rate
        self._currency = currency
        self._cash = initial_cash
        self._orders: dict[str, Order] = {}  # every order, in submission order
        self._due: dict[str, int] = {}  # working order -> the event count it waits for
        self._held: dict[str, _Held] = {}
        self._last: dict[str, float] = {}  # the last close of each symbol
        self._log = UpdateLog()
        self._events = 0
        self._market_ns = 0  # the newest bar time observed
        self.started = False
        self.closed = False
        self.unreachable = False
        self.answer_duplicates = answer_duplicates

    # -- the OrderGateway port -------------------------------------------------------------

    def start(self) -> None:
        self.started = True

    def close(self) -> None:
        self.closed = True

    def submit(self, request: OrderRequest) -> Order:
        known = self._orders.get(request.client_order_id)
        if known is not None and self.answer_duplicates:
            raise DuplicateClientOrderIdError(
                f"order {request.client_order_id!r} exists already", venue="deferred",
                client_order_id=request.client_order_id, reason="duplicate_client_order_id")
        if known is not None:  # idempotent on the client id
            return known
        if request.reference_price is not None and request.symbol not in self._last:
            self._last[request.symbol] = request.reference_price
        now = max(self._market_ns, request.created_ns)
        venue_id = f"deferred-{len(self._orders) + 1}"
        reason = _problem(request)
        if reason is not None:
            return self._set(Order(request, OrderStatus.REJECTED, 0.0, None, venue_id, reason,
                                   now))
        self._due[request.client_order_id] = self._events + self._delay
        return self._set(Order(request, OrderStatus.NEW, 0.0, None, venue_id, None, now))

    def cancel(self, client_order_id: str) -> Order:
        order = self._working(client_order_id, "cancel")
        del self._due[client_order_id]
        return self._set(Order(order.request, OrderStatus.CANCELLED, 0.0, None,
                               order.venue_order_id, None, self._market_ns))

    def amend(
        self,
        client_order_id: str,
        *,
        quantity: float | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> Order:
        order = self._working(client_order_id, "amend")
        if limit_price is not None or stop_price is not None:
            raise ExecutionError(
                f"cannot amend order {client_order_id!r}: a market order has no price",
                field="limit_price" if limit_price is not None else "stop_price",
                hint="amend only the quantity of a market order",
            )
        if quantity is None:
            return order
        r = order.request
        request = OrderRequest(
            r.client_order_id, r.symbol, r.side, quantity, r.order_type,
            strategy_id=r.strategy_id, reduce_only=r.reduce_only, created_ns=r.created_ns,
            reference_price=r.reference_price,
        )  # fmt: skip
        return self._set(Order(request, OrderStatus.NEW, 0.0, None, order.venue_order_id, None,
                               self._market_ns))

    def cancel_all(self, symbol: str | None = None) -> list[Order]:
        orders = self._orders
        ids = [c for c in self._due if symbol is None or orders[c].request.symbol == symbol]
        return [self.cancel(cid) for cid in ids]

    @property
    def observes_bars(self) -> bool:
        return bool(self._due)

    def observe_bar(self, bar: BarPrices) -> bool:
        self._events += 1
        symbol, ts_ns = bar.symbol, bar.ts_ns
        self._market_ns = max(self._market_ns, ts_ns)
        orders = self._orders
        ready = [
            cid for cid, due in self._due.items()
            if self._events > due and orders[cid].request.symbol == symbol
            and ts_ns > orders[cid].request.created_ns
        ]  # fmt: skip
        for cid in ready:
            self._fill(orders[cid], bar.open, ts_ns)
        self._last[symbol] = bar.close
        return bool(self._due)

    # -- the AccountView port --------------------------------------------------------------

    def order(self, client_order_id: str) -> Order | None:
        self._reachable()
        return self._orders.get(client_order_id)

    def orders(self) -> list[Order]:
        self._reachable()
        return list(self._orders.values())

    def open_orders(self) -> list[Order]:
        self._reachable()
        return [self._orders[cid] for cid in self._due]

    def positions(self) -> list[Position]:
        self._reachable()
        return [
            Position(symbol, h.quantity, h.average_price, h.realized_pnl)
            for symbol, h in self._held.items() if h.quantity != 0.0
        ]  # fmt: skip

    def account(self) -> AccountSnapshot:
        self._reachable()
        value = sum(h.quantity * self._last.get(s, h.average_price)
                    for s, h in self._held.items())
        return AccountSnapshot(self._cash, self._cash + value, 0.0, self._currency,
                               tuple(self.positions()))

    def updates(self, cursor: int) -> ExecutionUpdates:
        self._reachable()
        log = self._log
        if not 0 <= cursor <= log.count:
            raise ExecutionError(
                f"cannot read updates after cursor {cursor}: the gateway has {log.count}",
                field="cursor", hint="pass 0, or the cursor of a previous ``updates``",
            )
        orders = [self._orders[cid] for cid in log.changed_since(cursor)]
        return ExecutionUpdates(log.count, log.fills_since(cursor), orders)

    @property
    def update_count(self) -> int:
        return self._log.count

    # -- internals -------------------------------------------------------------------------

    def _reachable(self) -> None:
        if self.unreachable:
            raise TransientVenueError("the venue cannot be reached", venue="deferred",
                                      hint="set unreachable to False")

    def _set(self, order: Order) -> Order:
        self._orders[order.client_order_id] = order
        self._log.order_changed(order.client_order_id)
        return order

    def _working(self, client_order_id: str, action: str) -> Order:
        order = self._orders.get(client_order_id)
        if order is None or client_order_id not in self._due:
            state = "no such order" if order is None else f"it is already {order.status}"
            raise ExecutionError(
                f"cannot {action} order {client_order_id!r}: {state}",
                field="client_order_id", hint="only a working (NEW) order can be changed",
            )
        return order

    def _fill(self, order: Order, price: float, ts_ns: int) -> None:
        request = order.request
        quantity = request.quantity
        fee = abs(quantity * price) * self._fee_rate
        signed = quantity * request.side.sign
        self._cash -= signed * price + fee
        self._held.setdefault(request.symbol, _Held()).apply(signed, price)
        del self._due[request.client_order_id]
        self._orders[request.client_order_id] = Order(
            request, OrderStatus.FILLED, quantity, price, order.venue_order_id, None, ts_ns
        )
        self._log.filled(Fill(
            f"{request.client_order_id}:1", request.client_order_id, request.symbol,
            request.side, quantity, price, fee, ts_ns, request.strategy_id, "taker",
        ))


def _problem(request: OrderRequest) -> str | None:
    """Why the gateway rejects ``request``, or ``None``."""
    if not request.quantity > 0.0:
        return "invalid_quantity"
    if request.order_type is not OrderType.MARKET:
        return "unsupported_order_type"
    if request.stop_loss is not None or request.take_profit is not None:
        return "unsupported_bracket"
    return None
