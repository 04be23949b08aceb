"""A local record (in-memory store + ledger) beside a ``StaticVenue``, and a reconciler on both."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.fakes import InMemoryStateStore, ListLogger
from tests.unit.fake_venue import StaticVenue
from vibetrading_V2.core.enums import OrderStatus, Side
from vibetrading_V2.core.types import NS_PER_SECOND, Fill, Order, OrderRequest
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.reconcile import Reconciler

NOW = 1_000_000 * NS_PER_SECOND
GRACE = 60 * NS_PER_SECOND
PRICE = 100.0


def request(cid: str, *, symbol: str = "BTC", side: Side = Side.BUY, quantity: float = 2.0,
            age_ns: int = 10 * NS_PER_SECOND) -> OrderRequest:
    return OrderRequest(cid, symbol, side, quantity, strategy_id="s1",
                        created_ns=NOW - age_ns)


def fill(execution_id: str, req: OrderRequest, quantity: float, price: float = PRICE) -> Fill:
    return Fill(execution_id, req.client_order_id, req.symbol, req.side, quantity, price, 0.0,
                NOW - NS_PER_SECOND, req.strategy_id)


@dataclass
class Rig:
    """Why: every test reconciles one local record against one venue."""

    store: InMemoryStateStore = field(default_factory=InMemoryStateStore)
    ledger: Ledger = field(default_factory=lambda: Ledger(0.0))
    venue: StaticVenue = field(default_factory=StaticVenue)
    logger: ListLogger = field(default_factory=ListLogger)
    cancelling: set[str] = field(default_factory=set)
    blocks: list[str | None] = field(default_factory=list)
    reconciler: Reconciler = field(init=False)

    def __post_init__(self) -> None:
        self.reconciler = Reconciler(
            venue=self.venue, record=self.store, book=self.ledger, book_fill=self.book_fill,
            logger=self.logger, grace_ns=GRACE, cancel_requested=lambda: self.cancelling,
            on_block=self.blocks.append)

    def book_fill(self, new: Fill) -> bool:
        """Record, then book (the pipeline's order)."""
        if not self.store.record_fill(new):
            return False
        self.ledger.apply_recorded_fill(new)
        return True

    def local(self, req: OrderRequest, status: OrderStatus, filled: float = 0.0) -> None:
        """The local record of ``req`` up to ``status``, with its fills booked."""
        self.store.record_order(Order(req, OrderStatus.IN_FLIGHT, updated_ns=req.created_ns))
        if status is OrderStatus.IN_FLIGHT:
            return
        self.store.record_order(Order(req, OrderStatus.NEW, 0.0, None, "v-1", None,
                                      req.created_ns))
        if filled:
            self.book_fill(fill(f"{req.client_order_id}:1", req, filled))
            self.store.record_order(Order(req, status, filled, PRICE, "v-1", None,
                                          req.created_ns))

    def status(self, cid: str) -> OrderStatus:
        order = self.store.order(cid)
        assert order is not None
        return order.status
