"""When a protective stop cannot be placed, the position it guarded is closed at once.

A bracketed entry's stop-loss leg is a reduce-only STOP order the execution places after
the entry fills (a venue's trading-stop, the simulator's bracket leg). If the venue refuses
it (``REJECTED`` in the update stream), the position is open with no stop: nothing may
limit its loss. The engine then, on the same event: raises a critical alert and logs
``protective_stop_failed``; cancels the bracket's other legs; and sends a reduce-only
market order closing the strategy's position in that symbol, through the risk gate (a
reducing order passes in ACTIVE and REDUCING; in HALTED the kill already cancelled all and
the alert says the close was refused). Its client id is the stop's with ``-cl``, so a
replay of the same rejection never closes twice.
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.client_ids import CLOSE_SUFFIX
from vibetrading_V2.core.ports import AlertSink, Clock, Execution, Logger, StateStore
from vibetrading_V2.core.types import Order, OrderRequest, OrderStatus, OrderType, Side
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.portfolio.ledger import Ledger

__all__ = ["ProtectiveStops"]

_REJECTED: Final = OrderStatus.REJECTED
_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT
_STOP: Final = OrderType.STOP


def is_failed_stop(order: Order) -> bool:
    """A protective stop the execution refused: a rejected reduce-only STOP order."""
    request = order.request
    return order.status is _REJECTED and request.order_type is _STOP and request.reduce_only


class ProtectiveStops:
    """Watches the execution's order changes for refused stops and closes what they guarded.

    Why it exists: a position whose stop was refused carries unbounded risk; the safe
    answer is to leave it at once and tell a person, never to go on trading unprotected.
    """

    def __init__(self, *, risk: RiskEngine, execution: Execution, ledger: Ledger,
                 store: StateStore, clock: Clock, logger: Logger, alerts: AlertSink) -> None:
        self._risk = risk
        self._execution = execution
        self._ledger = ledger
        self._store = store
        self._clock = clock
        self._logger = logger
        self._alerts = alerts
        self.closes: list[Order] = []  # the closing orders sent, in order

    def check(self, orders: list[Order]) -> bool:
        """Look at the orders that changed; close the position behind each refused stop.

        ``True`` when a closing order was sent (the execution has something to work).
        """
        sent = False
        for order in orders:
            if is_failed_stop(order) and self._failed(order):
                sent = True
        return sent

    def _failed(self, stop: Order) -> bool:
        request = stop.request
        symbol, sid = request.symbol, request.strategy_id
        held = self._ledger.strategy_quantity(sid, symbol)
        now = self._clock.now_ns()
        detail = (f"{symbol}: stop {request.client_order_id} refused ({stop.reason}); "
                  f"closing {held:g} of {sid}")
        self._logger.error("protective_stop_failed", client_order_id=request.client_order_id,
                           symbol=symbol, strategy=sid, reason=stop.reason, held=held)
        self._cancel_legs(request)
        if held == 0.0:
            self._alert(now, f"{symbol}: stop {request.client_order_id} refused "
                        f"({stop.reason}); no position left to close")
            return False
        close = self._close_request(request, held, now)
        price = self._ledger.last_price(symbol) or request.stop_price or 0.0
        equity, gross = self._ledger.valuation()
        decision = self._risk.check_order(
            symbol=symbol, side=close.side, quantity=close.quantity, price=price,
            position_qty=self._ledger.net_quantity(symbol), equity=equity,
            gross_notional=gross,
        )
        if not decision.approved:
            self._alert(now, f"{detail}: the close was refused by the risk gate "
                        f"({', '.join(decision.details)})")
            return False
        self._alert(now, detail)
        self._send(close)
        return True

    def _close_request(self, stop: OrderRequest, held: float, now: int) -> OrderRequest:
        return OrderRequest(
            client_order_id=f"{stop.client_order_id}{CLOSE_SUFFIX}",
            symbol=stop.symbol,
            side=Side.SELL if held > 0.0 else Side.BUY,
            quantity=abs(held),
            reduce_only=True,
            strategy_id=stop.strategy_id,
            created_ns=now,
            reference_price=self._ledger.last_price(stop.symbol),
        )

    def _cancel_legs(self, stop: OrderRequest) -> None:
        """Cancel the refused stop's siblings (its bracket's take-profit): record each."""
        group = stop.oco_group
        if group is None:
            return
        for order in self._execution.open_orders():
            if order.request.oco_group == group:
                self._store.record_order(self._execution.cancel(order.request.client_order_id))

    def _send(self, request: OrderRequest) -> None:
        """Record, then act: in flight in the store, sent, then its answer recorded."""
        store = self._store
        store.record_order(Order(request, _IN_FLIGHT, updated_ns=request.created_ns))
        in_flight = self._risk.in_flight
        in_flight.sent(request)
        order = self._execution.submit(request)
        in_flight.answered(request.client_order_id)
        store.record_order(order)
        self.closes.append(order)

    def _alert(self, now: int, message: str) -> None:
        self._alerts.alert("critical", "protective_stop_failed", message, {"ts_ns": now})
