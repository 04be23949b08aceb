"""``DryRunGateway``: the shadow mode of ``--dry-run``, an ``Execution`` that sends nothing.

It wraps the run's real execution (the simulator, later a venue) and keeps every order the
pipeline would have sent in its own book instead: accepted (``NEW``), never filled, logged
as ``order_not_sent``, cancelled when the pipeline replaces it. Everything the account
already holds (positions, balances, the venue's own open orders and updates) is read from
the wrapped execution, so the run sees the real account and only its own orders are
shadows. The shadow orders are listed by ``orders`` (hence in ``orders.csv`` and the state
store, recorded by the pipeline like any order) and by ``not_sent``.
"""

from __future__ import annotations

from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.ports import BarPrices, Execution, ExecutionUpdates, Logger
from vibetrading_V2.core.types import AccountSnapshot, Order, OrderRequest, OrderStatus, Position

__all__ = ["DryRunGateway"]

_NEW = OrderStatus.NEW
_CANCELLED = OrderStatus.CANCELLED


class DryRunGateway(Execution):
    """Records the orders a run would send, sends none, and reads the account it wraps.

    Why it exists: before a strategy trades real money, an operator wants to see exactly
    which orders it would send against the real account, with no way for one to go out.
    """

    def __init__(self, inner: Execution, logger: Logger) -> None:
        self._inner = inner
        self._logger = logger
        self._shadow: dict[str, Order] = {}  # every order not sent, in its latest state
        self.not_sent: list[OrderRequest] = []  # every request, in the order it came

    def start(self) -> None:
        self._inner.start()

    def close(self) -> None:
        self._inner.close()

    def submit(self, request: OrderRequest) -> Order:
        known = self._shadow.get(request.client_order_id)
        if known is not None:  # idempotent on the client id, as every gateway is
            return known
        order = Order(request, _NEW, updated_ns=request.created_ns)
        self._shadow[request.client_order_id] = order
        self.not_sent.append(request)
        self._logger.info("order_not_sent", reason="dry_run",
                          client_order_id=request.client_order_id, symbol=request.symbol,
                          side=str(request.side), quantity=request.quantity,
                          order_type=str(request.order_type), strategy=request.strategy_id)
        return order

    def cancel(self, client_order_id: str) -> Order:
        order = self._shadow.get(client_order_id)
        if order is None:
            raise ExecutionError(
                f"cannot cancel {client_order_id!r}: a dry run sends no order to cancel",
                field="client_order_id",
                hint="a dry run only cancels the shadow orders it recorded",
            )
        if order.status is _NEW:
            order = Order(order.request, _CANCELLED, updated_ns=order.updated_ns,
                          reason="dry_run_replaced")
            self._shadow[client_order_id] = order
        return order

    def amend(self, client_order_id: str, *, quantity: float | None = None,
              limit_price: float | None = None, stop_price: float | None = None) -> Order:
        raise ExecutionError(
            f"cannot amend {client_order_id!r} in a dry run: nothing was sent",
            field="client_order_id", hint="run without --dry-run to amend real orders",
        )

    def cancel_all(self, symbol: str | None = None) -> list[Order]:
        ended = [o.request.client_order_id for o in self._working()
                 if symbol is None or o.request.symbol == symbol]
        return [self.cancel(cid) for cid in ended]

    def _working(self) -> list[Order]:
        return [o for o in self._shadow.values() if o.status is _NEW]

    # -- the account: the wrapped execution's, plus the shadow orders ------------------------

    def order(self, client_order_id: str) -> Order | None:
        shadow = self._shadow.get(client_order_id)
        return shadow if shadow is not None else self._inner.order(client_order_id)

    def orders(self) -> list[Order]:
        return [*self._inner.orders(), *self._shadow.values()]

    def open_orders(self) -> list[Order]:
        return [*self._inner.open_orders(), *self._working()]

    def positions(self) -> list[Position]:
        return self._inner.positions()

    def account(self) -> AccountSnapshot:
        return self._inner.account()

    def updates(self, cursor: int) -> ExecutionUpdates:
        return self._inner.updates(cursor)

    @property
    def update_count(self) -> int:
        return self._inner.update_count

    @property
    def observes_bars(self) -> bool:
        return self._inner.observes_bars

    def observe_bar(self, bar: BarPrices) -> bool:
        return self._inner.observe_bar(bar)

    def observes_symbol(self, symbol: str) -> bool:
        return self._inner.observes_symbol(symbol)
