"""The one order pipeline: intent -> strategy gate -> size -> risk gate -> route -> Execution.

The same path runs in every environment. It is entered only when a strategy's intent for a
symbol changes, so its cost does not grow with the number of bars. Record, then act: the
intent and the order (as ``IN_FLIGHT``) are written to the ``StateStore`` before the order
is sent; every veto is recorded with its machine-readable reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.core.ports import Execution, Logger, MetricsSink, StateStore
from vibetrading_V2.core.types import (
    Direction,
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
)
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer, SizingError
from vibetrading_V2.portfolio.ledger import Ledger

__all__ = ["OrderPipeline"]

_MIN_QUANTITY: Final = 1e-12
_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT
_REJECTED: Final = OrderStatus.REJECTED
_BUY: Final = Side.BUY
_SELL: Final = Side.SELL
_FLAT: Final = Direction.FLAT
_MARKET: Final = OrderType.MARKET


class OrderPipeline:
    """Turns one strategy's intents into orders, through sizing and the risk gate.

    Why it exists: it is the single place where an intent becomes an order, so every
    environment applies the same gate, sizing, risk rules and idempotent client ids.
    """

    def __init__(
        self,
        *,
        strategy_id: str,
        universe: Sequence[str],
        execution: Execution,
        store: StateStore,
        ledger: Ledger,
        sizer: Sizer,
        risk: RiskEngine,
        metrics: MetricsSink,
        logger: Logger,
        price_marker: Callable[[str, int, float], None] | None = None,
    ) -> None:
        self.strategy_id = strategy_id
        self._universe = frozenset(universe)
        self._execution = execution
        self._store = store
        self._ledger = ledger
        self._sizer = sizer
        self._risk = risk
        self._metrics = metrics
        self._logger = logger
        self._price_marker = price_marker
        self._sent: list[str] = []
        # ids are unique while bar times never go back (see _next_client_id); if they did,
        # an id may have been sent twice and ``client_order_ids`` lists it once
        self._ids_may_repeat = False
        self._id_prefix: dict[str, str] = {}  # "<strategy>-<symbol>-" per symbol
        self._seq_ts = -1  # the bar time of the last client id, and its rank in that bar
        self._seq = 0
        self.vetoes = 0
        # counted here in plain ints and reported by ``flush_metrics`` (after each batch):
        # a dictionary of tags per counted event would cost more than the event itself
        self._n_intents = 0
        self._n_accepted = 0
        self._n_rejected = 0
        self._n_fills: dict[str, int] = {}

    @property
    def client_order_ids(self) -> list[str]:
        """Every client order id this pipeline sent, in order."""
        return list(dict.fromkeys(self._sent)) if self._ids_may_repeat else list(self._sent)

    def handle(
        self, ts_ns: int, intent: Intent, price: float, volatility: float | None = None
    ) -> Order | None:
        """Run ``intent`` (seen at a bar closing at ``price``) through the whole pipeline.

        Returns the order sent, or ``None`` when the intent was vetoed (recorded with its
        reasons) or needed no order.
        """
        self._store.record_intent(ts_ns, self.strategy_id, intent)
        self._n_intents += 1
        gate = self._strategy_gate(intent, price)
        if gate:
            self._veto(ts_ns, intent.symbol, gate)
            return None
        equity = self._ledger.equity()
        current = self._ledger.strategy_quantity(self.strategy_id, intent.symbol)
        try:
            target = self._sizer.target_quantity(intent, price, equity, volatility)
        except SizingError as exc:  # e.g. no volatility yet: skip this intent, never flatten
            self._veto(ts_ns, intent.symbol, (str(exc.reason),))
            return None
        delta = target - current
        if abs(delta) < _MIN_QUANTITY:  # already there: keep working orders (stops) alive
            return None
        side = _BUY if delta > 0 else _SELL
        quantity = abs(delta)
        decision = self._risk.check_order(
            symbol=intent.symbol,
            side=side,
            quantity=quantity,
            price=price,
            position_qty=self._ledger.net_quantity(intent.symbol),
            equity=equity,
            gross_notional=self._ledger.gross_notional(),
        )
        if not decision.approved:
            self._veto(ts_ns, intent.symbol, tuple(str(r) for r in decision.reasons))
            return None
        self._cancel_working(intent.symbol)  # the new target replaces any pending order
        grows = abs(target) > abs(current) and intent.direction is not _FLAT
        request = OrderRequest(
            client_order_id=self._next_client_id(ts_ns, intent.symbol),
            symbol=intent.symbol,
            side=side,
            quantity=quantity,
            order_type=_MARKET,
            reduce_only=not grows and target * current >= 0,
            strategy_id=self.strategy_id,
            stop_loss=intent.stop_loss if grows else None,
            take_profit=intent.take_profit if grows else None,
            created_ns=ts_ns,
        )
        return self._route(request, price)

    def cancel_all(self, reason: str) -> int:
        """Cancel every working order of this strategy (used when trading halts)."""
        cancelled = self._cancel_working(None)
        if cancelled:
            self._logger.warning("orders_cancelled", strategy=self.strategy_id, reason=reason,
                                 count=cancelled)
        return cancelled

    def record_fill(self, fill: Fill) -> bool:
        """Record, then book: the store first, then the ledger. ``False`` for a duplicate."""
        if not self._store.record_fill(fill):
            return False
        self._ledger.apply_fill(fill)
        order = self._execution.order(fill.client_order_id)
        if order is not None:  # the order's filled state is part of the record too
            self._store.record_order(order)
        sid = fill.strategy_id
        self._n_fills[sid] = self._n_fills.get(sid, 0) + 1
        return True

    def flush_metrics(self) -> None:
        """Report the intents, submits and fills counted since the last flush."""
        metrics = self._metrics
        if self._n_intents:
            metrics.incr("strategy_intents_total", self._n_intents,
                         tags={"strategy": self.strategy_id})
        if self._n_accepted:
            metrics.incr("order_submit_total", self._n_accepted, tags={"status": "accepted"})
        if self._n_rejected:
            metrics.incr("order_submit_total", self._n_rejected, tags={"status": "rejected"})
        for sid, count in self._n_fills.items():
            metrics.incr("fills_total", count, tags={"strategy": sid})
        self._n_intents = self._n_accepted = self._n_rejected = 0
        self._n_fills.clear()

    # -- steps -----------------------------------------------------------------------------

    def _strategy_gate(self, intent: Intent, price: float) -> tuple[str, ...]:
        i = intent
        reasons: list[str] = []
        if i.symbol not in self._universe:
            reasons.append("symbol_not_in_universe")
        if not 0.0 <= i.confidence <= 1.0:
            reasons.append("confidence_out_of_range")
        if not (is_finite(price) and price > 0.0):
            reasons.append("no_valid_price")
        # one check a field, written out: a table of (name, value) pairs would be built anew
        # on every intent
        if not _valid_size(i.quantity):
            reasons.append("invalid_quantity")
        if not _valid_size(i.notional):
            reasons.append("invalid_notional")
        if not _valid_size(i.weight):
            reasons.append("invalid_weight")
        if not _valid_size(i.stop_loss):
            reasons.append("invalid_stop_loss")
        if not _valid_size(i.take_profit):
            reasons.append("invalid_take_profit")
        return tuple(reasons)  # () when nothing is wrong: the shared empty tuple

    def _cancel_working(self, symbol: str | None) -> int:
        """Cancel this strategy's working orders (of ``symbol``, or all); record each."""
        cancelled = 0
        for order in self._execution.open_orders():
            request = order.request
            if request.strategy_id == self.strategy_id and symbol in (None, request.symbol):
                self._store.record_order(self._execution.cancel(order.client_order_id))
                cancelled += 1
        return cancelled

    def _route(self, request: OrderRequest, price: float) -> Order:
        in_flight = Order(request, _IN_FLIGHT, updated_ns=request.created_ns)
        self._store.record_order(in_flight)
        if self._price_marker is not None:
            self._price_marker(request.symbol, request.created_ns, price)
        order = self._execution.submit(request)
        self._sent.append(request.client_order_id)
        self._store.record_order(order)
        if order.status is not _REJECTED:
            self._n_accepted += 1
        else:
            self._n_rejected += 1
            self._logger.warning("order_rejected", client_order_id=request.client_order_id,
                                 reason=order.reason, symbol=request.symbol)
        return order

    def _veto(self, ts_ns: int, symbol: str, reasons: tuple[str, ...]) -> None:
        self.vetoes += 1
        self._store.record_veto(ts_ns, self.strategy_id, symbol, reasons)
        for reason in reasons:
            self._metrics.incr("risk_reject_total", tags={"code": reason})
        self._logger.info("intent_vetoed", strategy=self.strategy_id, symbol=symbol,
                          reasons=list(reasons), ts_ns=ts_ns)

    def _next_client_id(self, ts_ns: int, symbol: str) -> str:
        """Deterministic id: strategy, symbol, bar time and the order's rank in that bar."""
        if ts_ns < self._seq_ts:
            self._ids_may_repeat = True
        seq = self._seq + 1 if self._seq_ts == ts_ns else 0
        self._seq_ts = ts_ns
        self._seq = seq
        prefix = self._id_prefix.get(symbol)
        if prefix is None:
            prefix = self._id_prefix[symbol] = f"{self.strategy_id}-{symbol}-"
        return f"{prefix}{ts_ns}-{seq}"


def _valid_size(value: float | None) -> bool:
    """An optional size or price of an intent: absent, or a finite number >= 0."""
    return value is None or (is_finite(value) and value >= 0.0)
