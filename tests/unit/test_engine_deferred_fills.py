"""A venue whose fills arrive events after the submit: every one is booked when it arrives.

``LaterVenue`` sees no bars; its fills come "from its own thread": each read of
``update_count`` (the engine's one look per event) counts as time passing, and an order's
fill is queued ``delay`` looks after its submit. The engine must book it on that event,
not only right after its next order.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes import InMemoryMetrics, InMemoryStateStore, ListAlerts, ListLogger, ManualClock
from tests.unit.engine_helpers import INITIAL_CASH, T0, ListFeed, Scripted, bars, chunks, meta
from vibetrading_V2.core.ports import Clock, Execution, ExecutionUpdates
from vibetrading_V2.core.types import (
    AccountSnapshot,
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    Position,
)
from vibetrading_V2.execution.deferred_gateway import DeferredGateway
from vibetrading_V2.execution.update_log import UpdateLog
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.engine import EngineRun, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.strategy.base import BarView
from vibetrading_V2.strategy.guard import RuntimeGuard

PRICE = 100.0


class LaterVenue(Execution):
    """Accepts market orders; fills each one ``delay`` looks at ``update_count`` later."""

    def __init__(self, delay: int) -> None:
        self._delay = delay
        self._looks = 0
        self._orders: dict[str, Order] = {}
        self._due: dict[str, int] = {}
        self._log = UpdateLog()

    def start(self) -> None: ...

    def close(self) -> None: ...

    def submit(self, request: OrderRequest) -> Order:
        self._due[request.client_order_id] = self._looks + self._delay
        return self._set(Order(request, OrderStatus.NEW, updated_ns=request.created_ns))

    def cancel(self, client_order_id: str) -> Order:
        del self._due[client_order_id]
        order = self._orders[client_order_id]
        return self._set(Order(order.request, OrderStatus.CANCELLED, updated_ns=T0))

    def amend(self, client_order_id: str, *, quantity: float | None = None,
              limit_price: float | None = None, stop_price: float | None = None) -> Order:
        raise NotImplementedError

    def cancel_all(self, symbol: str | None = None) -> list[Order]:
        return [self.cancel(cid) for cid in list(self._due)]

    def order(self, client_order_id: str) -> Order | None:
        return self._orders.get(client_order_id)

    def orders(self) -> list[Order]:
        return list(self._orders.values())

    def open_orders(self) -> list[Order]:
        return [self._orders[cid] for cid in self._due]

    def positions(self) -> list[Position]:
        return []

    def account(self) -> AccountSnapshot:
        return AccountSnapshot(INITIAL_CASH, INITIAL_CASH, 0.0, "USD", ())

    def updates(self, cursor: int) -> ExecutionUpdates:
        log = self._log
        return ExecutionUpdates(log.count, log.fills_since(cursor),
                                [self._orders[c] for c in log.changed_since(cursor)])

    @property
    def update_count(self) -> int:
        self._looks += 1
        for cid in [c for c, due in self._due.items() if self._looks > due]:
            del self._due[cid]
            request = self._orders[cid].request
            self._set(Order(request, OrderStatus.FILLED, request.quantity, PRICE,
                            updated_ns=request.created_ns))
            self._log.filled(Fill(f"{cid}:1", cid, request.symbol, request.side,
                                  request.quantity, PRICE, 0.0, request.created_ns,
                                  request.strategy_id, "taker"))
        return self._log.count

    def _set(self, order: Order) -> Order:
        self._orders[order.client_order_id] = order
        self._log.order_changed(order.client_order_id)
        return order


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _run(guard: RuntimeGuard, venue: Execution, clock: Clock, strategy: Scripted,
         batch_rows: int) -> tuple[EngineRun, Ledger]:
    info = meta()
    ledger, risk, store = Ledger(INITIAL_CASH), RiskEngine(RiskPolicy()), InMemoryStateStore()
    metrics, logger = InMemoryMetrics(), ListLogger()
    pipeline = OrderPipeline(strategy_id=info.strategy_id, universe=info.universe,
                             execution=venue, store=store, ledger=ledger,
                             sizer=Sizer(SizingPolicy()), risk=risk, metrics=metrics,
                             logger=logger)
    engine = TradingEngine(slots=[StrategySlot(strategy, info, pipeline)], execution=venue,
                           ledger=ledger, risk=risk, store=store, logger=logger,
                           metrics=metrics, alerts=ListAlerts(), guard=guard, clock=clock)
    run = engine.run(ListFeed(*chunks(bars("AAA", [PRICE] * 12), batch_rows)))
    return run, ledger


def _long_once(bar: BarView) -> Intent:
    return Intent.long(bar.symbol, quantity=1.0)


@pytest.mark.parametrize("delay", [1, 3])
@pytest.mark.parametrize(("clock", "batch_rows"), [
    (SimulatedClock(), 12),  # a backtest: one batch, the fast driver
    (ManualClock(T0), 1),  # paper: bar by bar through the event step, a wall clock
])
def test_engine_when_venue_fills_events_later_then_the_fill_is_booked_on_arrival(
    guard: RuntimeGuard, delay: int, clock: Clock, batch_rows: int,
) -> None:
    strategy = Scripted(_long_once)
    venue = LaterVenue(delay)

    run, ledger = _run(guard, venue, clock, strategy, batch_rows)

    assert [f.client_order_id for f in run.fills] == run.client_order_ids  # one order, booked
    assert len(run.fills) == 1
    # the engine looks at least once per row: the fill is booked on the row it came, which
    # for the longer delay is a later row than the submit's (row 0)
    assert (run.fill_rows[0] > 0) is (delay == 3) and run.fill_rows[0] < delay
    assert ledger.position("AAA").quantity == pytest.approx(1.0)
    assert strategy.fills == run.fills  # the strategy heard of it
    assert strategy.seen[-1][4] == pytest.approx(1.0)  # and its bars show the position
    assert venue.open_orders() == []


@pytest.mark.parametrize("delay", [0, 2, 4])
@pytest.mark.parametrize(("clock", "batch_rows"), [
    (SimulatedClock(), 12),
    (ManualClock(T0), 1),
])
def test_engine_when_deferred_gateway_fills_bars_later_then_every_fill_is_booked(
    guard: RuntimeGuard, delay: int, clock: Clock, batch_rows: int,
) -> None:
    """The ports' fake venue: an order fills ``delay`` observed bars after its submit."""
    strategy = Scripted(lambda bar: Intent.long(bar.symbol, quantity=1.0) if bar.index < 6
                        else Intent.flat(bar.symbol))
    gateway = DeferredGateway(delay=delay, initial_cash=INITIAL_CASH)

    run, ledger = _run(guard, gateway, clock, strategy, batch_rows)

    assert [f.client_order_id for f in run.fills] == run.client_order_ids  # each one booked
    assert len(run.fills) == 2
    assert run.fill_rows[0] == delay + 1  # the bar its fill came on (bar 0 sent it)
    assert ledger.position("AAA").quantity == pytest.approx(0.0)
    assert strategy.fills == run.fills
    assert gateway.open_orders() == []
