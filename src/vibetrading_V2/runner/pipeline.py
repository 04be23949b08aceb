"""The one order pipeline: intent -> strategy gate -> size -> risk gate -> route -> Execution.

The same path runs in every environment. It is entered only when a strategy's intent for a
symbol changes, so its cost does not grow with the number of bars. Record, then act: the
intent and the order (as ``IN_FLIGHT``) are written to the ``StateStore`` before the order
is sent; every veto is recorded with its machine-readable reasons. Client order ids come
from the store (``issue_client_id``): an intent handled again gets its first id back and,
when the venue holds that order, no second one (``order_identity``).

An intent that repeats the last one but for its stop or target amends the resting bracket
legs (``exit_moves``), through the risk gate, unsized. Vetoes, resizes and intents that look
wrong (a stop far from the price) are counted per (stage, reason) in a ``ReasonTally``: the
first few of each logged, the totals once at the end (``log_totals``).
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
from vibetrading_V2.runner.exit_moves import (
    BRACKET_FIXES,
    bracket_problems,
    exit_moves,
    only_exits_differ,
)
from vibetrading_V2.runner.order_identity import handled_order, submit_once
from vibetrading_V2.runner.tally import ReasonTally

__all__ = ["OrderPipeline"]

_MIN_QUANTITY: Final = 1e-12
_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT
_REJECTED: Final = OrderStatus.REJECTED
_BUY: Final = Side.BUY
_SELL: Final = Side.SELL
_FLAT: Final = Direction.FLAT
_LONG: Final = Direction.LONG
_MARKET: Final = OrderType.MARKET
_GATE: Final = "strategy_gate"
_SIZING: Final = "sizing"
_RISK: Final = "risk"
_RISK_CAP: Final = "per_trade_risk_cap"
_LOGGED_FIRST: Final = 3  # events of one reason logged one by one; the rest only counted


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
    ) -> None:
        self.strategy_id = strategy_id
        self._universe = frozenset(universe)
        self._execution = execution
        self._store = store
        # a durable store commits a fill with its order's new state (``SqliteFillEvents``)
        self._record_with_order: Callable[[Fill, Order | None], bool] | None = getattr(
            store, "record_fill_with_order", None)
        self._ledger = ledger
        self._sizer = sizer
        self._risk = risk
        self._metrics = metrics
        self._logger = logger
        self._sent: list[str] = []
        self.vetoes = 0
        self.veto_tally = ReasonTally()
        self.resize_tally = ReasonTally()
        self.note_tally = ReasonTally()  # passed, but looks like a mistake
        self.n_intents = 0
        # counted here in plain ints and reported by ``flush_metrics`` (after each batch):
        # a dictionary of tags per counted event would cost more than the event itself
        self._intents_flushed = 0
        self._n_accepted = 0
        self._n_rejected = 0
        self._n_fills: dict[str, int] = {}
        self._last_intent: dict[str, Intent] = {}  # by symbol: the last that passed the gate

    @property
    def client_order_ids(self) -> list[str]:
        """Every client order id this pipeline sent, in order."""
        return list(self._sent)

    def handle(
        self, ts_ns: int, intent: Intent, price: float, volatility: float | None = None
    ) -> Order | None:
        """Run ``intent`` (seen at a bar closing at ``price``) through the whole pipeline.

        Returns the order sent, or ``None`` when the intent was vetoed (recorded with its
        reasons) or needed no order.
        """
        self._store.record_intent(ts_ns, self.strategy_id, intent)
        self.n_intents += 1
        gate = self._strategy_gate(ts_ns, intent, price)
        if gate:
            self._veto(ts_ns, intent.symbol, _GATE, gate,
                       tuple([BRACKET_FIXES.get(reason, "") for reason in gate]))
            return None
        issued = self._store.client_id_for(ts_ns, self.strategy_id, intent)
        if issued is not None and (
            known := handled_order(self._execution, self._risk.in_flight, issued)
        ) is not None:
            return known  # this intent was handled before: its order stands, never a second
        equity, gross = self._ledger.valuation()
        current = self._ledger.strategy_quantity(self.strategy_id, intent.symbol)
        last = self._last_intent.get(intent.symbol)
        self._last_intent[intent.symbol] = intent
        if (last is not None and current != 0.0
                and (last.stop_loss != intent.stop_loss or last.take_profit != intent.take_profit
                     or last.exits != intent.exits)  # compiled: the usual "no" costs no call
                and only_exits_differ(last, intent)):
            return self._move_exits(ts_ns, intent, price, equity)
        sizer = self._sizer
        try:
            target = sizer.target_quantity(intent, price, equity, volatility)
        except SizingError as exc:  # e.g. no volatility yet: skip this intent, never flatten
            self._veto(ts_ns, intent.symbol, _SIZING, (str(exc.reason),), (str(exc),))
            return None
        if (intent.stop_loss is not None or intent.exits is not None) and sizer.capped_from > 0.0:
            self._resized(ts_ns, intent, price, sizer.capped_from, abs(target))
        delta = target - current
        if abs(delta) < _MIN_QUANTITY:  # already there: keep working orders (stops) alive
            return None
        side = _BUY if delta > 0 else _SELL
        quantity = abs(delta)
        net = self._ledger.net_quantity(intent.symbol)  # the account's, over all strategies
        working = self._execution.open_orders()  # pending exposure, then replaced below
        pending = self._risk.pending(working, strategy_id=self.strategy_id,
                                     symbol=intent.symbol, book=self._ledger)
        decision = self._risk.check_order(
            symbol=intent.symbol, side=side, quantity=quantity, price=price, position_qty=net,
            equity=equity, gross_notional=gross, pending_qty=pending.quantity,
            pending_gross=pending.other_gross)
        if not decision.approved:
            reasons = tuple([str(r) for r in decision.reasons])
            self._veto(ts_ns, intent.symbol, _RISK, reasons, decision.details)
            return None
        self._cancel_working(intent.symbol, working)  # the new target replaces them
        cid = issued or self._store.issue_client_id(ts_ns, self.strategy_id, intent)
        return self._route(self._request(cid, ts_ns, intent, price, target, current, net))

    def _request(self, cid: str, ts_ns: int, intent: Intent, price: float, target: float,
                 current: float, net: float) -> OrderRequest:
        """The market order ``cid`` from this strategy's ``current`` quantity to ``target``."""
        delta = target - current
        quantity = abs(delta)
        grows = abs(target) > abs(current) and intent.direction is not _FLAT
        return OrderRequest(
            client_order_id=cid,
            symbol=intent.symbol,
            side=_BUY if delta > 0 else _SELL,
            quantity=quantity,
            order_type=_MARKET,
            # reduce-only as the venue reads it: it must also reduce the account's net position
            # (another strategy may hold the other side of this one's)
            reduce_only=(not grows and target * current >= 0 and delta * net < 0
                         and quantity <= abs(net) + _MIN_QUANTITY),
            strategy_id=self.strategy_id,
            stop_loss=intent.stop_loss if grows else None,
            take_profit=intent.take_profit if grows else None,
            created_ns=ts_ns,
            reference_price=price,
            exit_offsets=intent.exits if grows else None,
        )

    def _move_exits(self, ts_ns: int, intent: Intent, price: float,
                    equity: float) -> Order | None:
        """Amend the resting stop / target legs to the intent's new levels (cancel a leg
        the intent dropped), each through the risk gate; the last order changed."""
        moves, missing = exit_moves(self._execution, self.strategy_id, intent)
        if missing:
            self._veto(ts_ns, intent.symbol, _GATE, missing, tuple(
                f"{reason.split('_not')[0]} of {intent.symbol} cannot move: no such order "
                "rests (the position was entered without it); go flat, then enter with it"
                for reason in missing))
        changed: Order | None = None
        net = self._ledger.net_quantity(intent.symbol)
        for move in moves:
            request = move.leg.request
            decision = self._risk.check_order(
                symbol=intent.symbol, side=request.side, quantity=move.leg.remaining,
                price=price, position_qty=net, equity=equity,
                gross_notional=self._ledger.gross_notional(), is_cancel=move.level is None)
            if not decision.approved:
                self._veto(ts_ns, intent.symbol, _RISK,
                           tuple([str(r) for r in decision.reasons]), decision.details)
                continue
            cid = move.leg.client_order_id
            if move.level is None:
                changed = self._execution.cancel(cid)
            elif move.is_stop:
                changed = self._execution.amend(cid, stop_price=move.level)
            else:
                changed = self._execution.amend(cid, limit_price=move.level)
            self._store.record_order(changed)
        return changed

    def record_fill(self, fill: Fill) -> bool:
        """Record, then book: the store first (the fill with its order's new state, in one
        transaction when the store is durable), then the ledger. ``False`` for a duplicate."""
        order = self._execution.order(fill.client_order_id)
        joint = self._record_with_order
        if joint is not None:
            if not joint(fill, order):
                return False
        elif not self._store.record_fill(fill):
            return False
        elif order is not None:  # the order's filled state is part of the record too
            self._store.record_order(order)
        self._ledger.apply_recorded_fill(fill)  # the store's check was the dedupe
        sid = fill.strategy_id
        self._n_fills[sid] = self._n_fills.get(sid, 0) + 1
        return True

    def flush_metrics(self) -> None:
        """Report the intents, submits and fills counted since the last flush."""
        metrics = self._metrics
        n_intents = self.n_intents - self._intents_flushed
        if n_intents:
            metrics.incr("strategy_intents_total", n_intents, tags={"strategy": self.strategy_id})
            self._intents_flushed = self.n_intents
        for reason, count in self.veto_tally.unflushed():
            metrics.incr("risk_reject_total", count, tags={"code": reason})
        for reason, count in self.resize_tally.unflushed():
            metrics.incr("intent_resized_total", count, tags={"code": reason})
        if self._n_accepted:
            metrics.incr("order_submit_total", self._n_accepted, tags={"status": "accepted"})
        if self._n_rejected:
            metrics.incr("order_submit_total", self._n_rejected, tags={"status": "rejected"})
        for sid, count in self._n_fills.items():
            metrics.incr("fills_total", count, tags={"strategy": sid})
        self._n_accepted = self._n_rejected = 0
        self._n_fills.clear()

    def log_totals(self) -> None:
        """Log each reason's total once (the first few were logged as they happened)."""
        for kind, tally in (("vetoed", self.veto_tally), ("resized", self.resize_tally),
                            ("suspect", self.note_tally)):
            for row in tally.counts():
                self._logger.info(f"intents_{kind}_total", strategy=self.strategy_id,
                                  stage=row.stage, reason=row.reason, count=row.count,
                                  first_ts_ns=row.first_ts_ns, symbol=row.symbol)

    # -- steps -----------------------------------------------------------------------------

    def _strategy_gate(self, ts_ns: int, intent: Intent, price: float) -> tuple[str, ...]:
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
        if not reasons and i.direction is not _FLAT and (
            i.stop_loss is not None or i.take_profit is not None or i.exits is not None
        ):
            problems, suspects = bracket_problems(i, price)
            for reason, level in suspects:
                self._suspect(ts_ns, i, reason, level, price)
            return problems
        return tuple(reasons)  # () when nothing is wrong: the shared empty tuple

    def _suspect(self, ts_ns: int, intent: Intent, reason: str, level: float,
                 price: float) -> None:
        if self.note_tally.add(_GATE, reason, ts_ns, intent.symbol) == 1:
            field = reason.split("_far")[0]
            self.note_tally.set_detail(_GATE, reason, (
                f"{field} {level:g} is {abs(level - price) / price:.0%} away from the price "
                f"{price:g} of {intent.symbol}; {field} is a price, not a fraction"))

    def _resized(
        self, ts_ns: int, intent: Intent, price: float, asked: float, sized: float
    ) -> None:
        """Sizing capped the intent at its per-trade risk: count it, detail the first."""
        tally = self.resize_tally
        n = tally.add(_SIZING, _RISK_CAP, ts_ns, intent.symbol)
        if n > _LOGGED_FIRST:
            return
        stop = intent.stop_loss
        exits = intent.exits
        if stop is not None:
            where = f"stop_loss {stop:g} is {abs(price - stop):g} from the price {price:g}"
        elif exits is not None and exits.stop_distance is not None:
            where = f"stop_distance {exits.stop_distance:g} from the entry fill"
        else:
            where = f"stop_pct {exits.stop_pct if exits else 0.0:g} of the price {price:g}"
        detail = (
            f"asked {asked:,.6g}, sized {sized:,.6g} ({asked / sized:,.3g}x smaller): {where}, "
            f"and per_trade_risk {self._sizer.policy.per_trade_risk:g} caps the loss at "
            "the stop to that fraction of equity"
        )
        if n == 1:
            tally.set_detail(_SIZING, _RISK_CAP, detail)
        self._logger.info("intent_resized", strategy=self.strategy_id, symbol=intent.symbol,
                          reason=_RISK_CAP, detail=detail, count=n, ts_ns=ts_ns)

    def _cancel_working(self, symbol: str | None, working: list[Order]) -> int:
        """Cancel this strategy's ``working`` orders (of ``symbol``, or all); record each."""
        cancelled = 0
        for order in working:
            request = order.request
            if request.strategy_id == self.strategy_id and symbol in (None, request.symbol):
                self._store.record_order(self._execution.cancel(order.client_order_id))
                cancelled += 1
        return cancelled

    def _route(self, request: OrderRequest) -> Order:
        in_flight = Order(request, _IN_FLIGHT, updated_ns=request.created_ns)
        self._store.record_order(in_flight)
        sent = self._risk.in_flight
        sent.sent(request)  # counted by the exposure checks until answered
        order = submit_once(self._execution, in_flight, self._logger)
        self._sent.append(request.client_order_id)
        if order is in_flight:  # the outcome is unknown: reconciliation will settle it
            return order
        sent.answered(request.client_order_id)
        if order.filled_quantity == 0.0 or self._record_with_order is None:
            # an answer that filled already is recorded with its fill, in one transaction:
            # killed before it, the order is still in flight and is sent again on restart
            self._store.record_order(order)
        if order.status is not _REJECTED:
            self._n_accepted += 1
        else:
            self._n_rejected += 1
            self._logger.warning("order_rejected", client_order_id=request.client_order_id,
                                 reason=order.reason, symbol=request.symbol)
        return order

    def _veto(
        self,
        ts_ns: int,
        symbol: str,
        stage: str,
        reasons: tuple[str, ...],
        details: tuple[str, ...],
    ) -> None:
        """Record and count a veto; log it only while one of its reasons is still new."""
        self.vetoes += 1
        self._store.record_veto(ts_ns, self.strategy_id, symbol, reasons)
        tally = self.veto_tally
        first = _LOGGED_FIRST + 1
        for k in range(len(reasons)):
            n = tally.add(stage, reasons[k], ts_ns, symbol)
            if n == 1 and k < len(details):
                tally.set_detail(stage, reasons[k], details[k])
            first = min(first, n)
        if first <= _LOGGED_FIRST:
            self._logger.info("intent_vetoed", strategy=self.strategy_id, symbol=symbol,
                              stage=stage, reasons=list(reasons), details=list(details),
                              ts_ns=ts_ns)


def _valid_size(value: float | None) -> bool:
    """An optional size or price of an intent: absent, or a finite number >= 0."""
    return value is None or (is_finite(value) and value >= 0.0)
