"""One intent, one order: the pipeline never sends a second order for an intent it handled,
and reads a venue's "duplicate id" or missing answer as "query it", never "send again"."""

from __future__ import annotations

from pathlib import Path

from tests.fakes import InMemoryMetrics, InMemoryStateStore, ListLogger
from tests.unit.engine_helpers import INITIAL_CASH, T0, client_id, meta
from vibetrading_V2.core.errors import OrderOutcomeUnknownError
from vibetrading_V2.core.ports import StateStore
from vibetrading_V2.core.types import Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.execution.deferred_gateway import DeferredGateway
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.store.sqlite import SqliteStateStore

PRICE = 100.0
LONG = Intent.long("AAA", quantity=2.0)


class CountingGateway(DeferredGateway):
    """The fake venue, counting every submit it is handed."""

    def __init__(self, *, answer_duplicates: bool = False) -> None:
        super().__init__(initial_cash=INITIAL_CASH, answer_duplicates=answer_duplicates)
        self.submits: list[str] = []

    def submit(self, request: OrderRequest) -> Order:
        self.submits.append(request.client_order_id)
        return super().submit(request)


class SilentGateway(CountingGateway):
    """A venue whose every answer to a submit is lost (and that never got the order)."""

    def submit(self, request: OrderRequest) -> Order:
        self.submits.append(request.client_order_id)
        raise OrderOutcomeUnknownError("no answer", venue="silent",
                                       client_order_id=request.client_order_id)


def _pipeline(venue: DeferredGateway, store: StateStore,
              logger: ListLogger | None = None) -> tuple[OrderPipeline, RiskEngine]:
    risk = RiskEngine(RiskPolicy())
    pipeline = OrderPipeline(strategy_id=meta().strategy_id, universe=("AAA",),
                             execution=venue, store=store, ledger=Ledger(INITIAL_CASH),
                             sizer=Sizer(SizingPolicy()), risk=risk, metrics=InMemoryMetrics(),
                             logger=logger or ListLogger())
    return pipeline, risk


def test_pipeline_when_the_same_intent_is_submitted_twice_then_one_order_exists() -> None:
    venue, store = CountingGateway(), InMemoryStateStore()
    pipeline, _ = _pipeline(venue, store)

    first = pipeline.handle(T0, LONG, PRICE)
    again = pipeline.handle(T0, LONG, PRICE)  # not filled yet: the order still works

    assert first is not None and again is not None
    assert again.client_order_id == first.client_order_id == client_id(1)
    assert venue.submits == [client_id(1)]
    assert [o.status for o in venue.orders()] == [OrderStatus.NEW]  # not cancelled
    assert [o.client_order_id for o in store.orders()] == [client_id(1)]
    assert pipeline.client_order_ids == [client_id(1)]


def test_pipeline_when_the_same_intent_comes_after_a_restart_then_no_second_order(
    tmp_path: Path,
) -> None:
    venue = CountingGateway()  # the venue outlives the process
    path = tmp_path / "s.sqlite"
    with SqliteStateStore(path, run_id="r1", venue="bybit") as store:
        sent = _pipeline(venue, store)[0].handle(T0, LONG, PRICE)
    with SqliteStateStore(path, run_id="r2", venue="bybit") as reopened:
        again = _pipeline(venue, reopened)[0].handle(T0, LONG, PRICE)  # the bar traded again
        other = _pipeline(venue, reopened)[0].handle(T0 + 1, Intent.short("AAA"), PRICE)

    assert sent is not None and again is not None and other is not None
    assert again.client_order_id == sent.client_order_id
    assert venue.submits == [sent.client_order_id, other.client_order_id]
    assert other.client_order_id != sent.client_order_id


def test_pipeline_when_the_venue_answers_duplicate_id_then_it_queries_and_never_resends() -> None:
    venue = CountingGateway(answer_duplicates=True)
    # an earlier send under this id got through (another process's; its answer was lost)
    request = OrderRequest(client_id(1), "AAA", Side.BUY, 2.0, strategy_id="other@1.0.0",
                           created_ns=T0, reference_price=PRICE)
    existing = venue.submit(request)
    logger = ListLogger()
    store = InMemoryStateStore()  # the same seed: it issues that id again
    pipeline, risk = _pipeline(venue, store, logger)

    order = pipeline.handle(T0, LONG, PRICE)

    assert order == existing and order is not None and order.status is OrderStatus.NEW
    assert venue.submits == [client_id(1), client_id(1)]  # sent once more, refused, queried
    assert len(venue.orders()) == 1
    assert [o.status for o in store.order_history(client_id(1))] == [
        OrderStatus.IN_FLIGHT, OrderStatus.NEW]
    assert risk.in_flight.requests() == []
    assert logger.events("warning") == ["order_outcome_unknown"]


def test_pipeline_when_a_submit_gets_no_answer_then_the_order_stays_in_flight_unsent() -> None:
    venue, store = SilentGateway(), InMemoryStateStore()
    pipeline, risk = _pipeline(venue, store)

    order = pipeline.handle(T0, LONG, PRICE)
    again = pipeline.handle(T0, LONG, PRICE)

    assert order is not None and order.status is OrderStatus.IN_FLIGHT
    assert venue.submits == [client_id(1)]  # handled again: the venue is asked, not sent to
    assert again is not None and again.client_order_id == client_id(1)
    assert again.status is OrderStatus.IN_FLIGHT
    assert [o.status for o in store.order_history(client_id(1))] == [OrderStatus.IN_FLIGHT]
    assert [r.client_order_id for r in risk.in_flight.requests()] == [client_id(1)]

