"""Reconciliation in a running engine: at start, on its timer, after a restart, in a backtest."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.fakes import InMemoryMetrics, ListAlerts, ListLogger, ManualClock
from tests.unit.engine_helpers import (
    HOUR,
    INITIAL_CASH,
    SID,
    T0,
    ListFeed,
    Scripted,
    bars,
    fill_summary,
    make_rig,
    meta,
)
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.types import Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.execution.deferred_gateway import DeferredGateway
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.engine import EngineConfig, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.strategy.base import BarView
from vibetrading_V2.strategy.guard import RuntimeGuard

PRICES = [100.0 + k for k in range(8)]
RECONCILING = EngineConfig(fast_backtest=False, reconcile_every_ns=HOUR)


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _engine(guard: RuntimeGuard, venue: DeferredGateway, decide: Callable[[BarView], object],
            *, clock: ManualClock, store: InMemoryStateStore,
            risk: RiskEngine | None = None) -> tuple[TradingEngine, ListLogger, Ledger]:
    ledger, risk = Ledger(INITIAL_CASH), risk or RiskEngine(RiskPolicy())
    logger, metrics = ListLogger(), InMemoryMetrics()
    info = meta()
    pipeline = OrderPipeline(
        strategy_id=info.strategy_id, universe=info.universe, execution=venue, store=store,
        ledger=ledger, sizer=Sizer(SizingPolicy()), risk=risk, metrics=metrics, logger=logger,
    )
    engine = TradingEngine(
        slots=[StrategySlot(Scripted(decide), info, pipeline)], execution=venue,
        ledger=ledger, risk=risk, store=store, logger=logger, metrics=metrics,
        alerts=ListAlerts(), guard=guard, clock=clock, config=RECONCILING,
    )
    return engine, logger, ledger


def test_engine_when_venue_is_unreachable_at_start_then_nothing_trades_until_a_read_works(
    guard: RuntimeGuard,
) -> None:
    clock = ManualClock(T0)
    venue = DeferredGateway(initial_cash=INITIAL_CASH)
    venue.unreachable = True
    submitted_at: list[int] = []

    def decide(bar: BarView) -> Intent:
        if bar.index == 3:  # the venue comes back; the next timer reads it
            venue.unreachable = False
        clock.advance(HOUR)  # the wall clock moves an hour a bar
        submitted_at.append(len(venue.orders()) if not venue.unreachable else -1)
        return Intent.long("AAA", quantity=1.0 + bar.index)  # a new target every bar

    engine, logger, _ = _engine(guard, venue, decide, clock=clock,
                                store=InMemoryStateStore(clock))
    run = engine.run(ListFeed(bars("AAA", PRICES)))

    reconciliation = engine.reconciliation
    assert reconciliation is not None
    first = reconciliation.reports[0]
    changes = [(old, new, code) for _, old, new, code, _ in run.state_transitions]
    assert changes == [("active", "blocked", "reconcile_block"),
                       ("blocked", "active", "reconcile_unblock")]
    assert first.blocked is not None and "could not be read" in first.blocked
    assert submitted_at[:4] == [-1, -1, -1, 0]  # blocked: nothing sent while unreadable
    assert any(r.blocked is None for r in reconciliation.reports[1:])
    assert len(venue.orders()) > 0  # trading resumed once a read succeeded
    assert "trading_blocked_by_reconciliation" in logger.events("error")
    assert "trading_unblocked_by_reconciliation" in logger.events("warning")


def test_engine_when_restarted_after_the_venue_moved_then_start_adopts_the_venue(
    guard: RuntimeGuard,
) -> None:
    clock = ManualClock(T0)
    store = InMemoryStateStore(clock)
    venue = DeferredGateway(initial_cash=INITIAL_CASH, delay=3)
    last = len(PRICES) - 1

    def enter_on_last_bar(bar: BarView) -> Intent | None:
        return Intent.long("AAA", quantity=2.0) if bar.index == last else None

    first, _, _ = _engine(guard, venue, enter_on_last_bar, clock=clock, store=store)
    first.run(ListFeed(bars("AAA", PRICES)))
    (sent,) = venue.orders()
    assert sent.status is OrderStatus.NEW
    later = bars("AAA", [200.0] * 4, start=T0 + 10 * HOUR)  # while down: the venue fills it
    for k in range(4):
        venue.observe_bar(_Bar("AAA", T0 + (10 + k) * HOUR, 200.0))
    external = OrderRequest("manual-1", "AAA", Side.SELL, 5.0, created_ns=T0 + 13 * HOUR)
    venue.submit(external)  # someone else's order at the venue
    clock.set(T0 + 14 * HOUR)

    second, _, ledger = _engine(guard, venue, lambda bar: None, clock=clock, store=store)
    run = second.run(ListFeed(later))

    reconciliation = second.reconciliation
    assert reconciliation is not None
    start = reconciliation.reports[0]
    assert start.blocked is None
    assert {d.kind for d in start.discrepancies} == {
        "fill_missing", "order_filled", "position_long", "external_order"}
    assert ledger.net_quantity("AAA") == 2.0
    assert [f.execution_id for f in run.fills] == [f"{sent.client_order_id}:1"]
    ours, theirs = store.order(sent.client_order_id), store.order("manual-1")
    assert ours is not None and ours.status is OrderStatus.FILLED
    assert theirs is not None and theirs.status is OrderStatus.NEW  # adopted as external
    at_venue = venue.order("manual-1")
    assert at_venue is not None and at_venue.status is OrderStatus.NEW  # never cancelled


def test_engine_when_restarted_with_an_order_in_flight_then_it_waits_for_the_venue_unsent(
    guard: RuntimeGuard,
) -> None:
    clock = ManualClock(T0)
    store = InMemoryStateStore(clock)
    venue = DeferredGateway(initial_cash=INITIAL_CASH, delay=100)
    lost = OrderRequest(f"{SID}-AAA-1", "AAA", Side.BUY, 3.0, strategy_id=SID, created_ns=T0)
    store.record_order(Order(lost, OrderStatus.IN_FLIGHT, updated_ns=T0))  # then a crash
    risk = RiskEngine(RiskPolicy())
    pending: list[int] = []

    def decide(bar: BarView) -> None:
        pending.append(len(risk.in_flight))
        if bar.index == 1:  # the venue's answer shows up at last
            venue.submit(lost)
        clock.advance(HOUR // 4)
        return None

    engine, _, _ = _engine(guard, venue, decide, clock=clock, store=store, risk=risk)
    engine.run(ListFeed(bars("AAA", PRICES)))

    reconciliation = engine.reconciliation
    assert reconciliation is not None
    kinds = [[d.kind for d in r.discrepancies] for r in reconciliation.reports]
    assert kinds[0] == ["outcome_unknown"] and ["outcome_resolved"] in kinds
    assert pending[:2] == [1, 1]  # counted against exposure while in flight
    assert pending[-1] == 0  # answered once a pass saw it at the venue
    assert [o.client_order_id for o in venue.orders()] == [lost.client_order_id]  # not resent
    recorded = store.order(lost.client_order_id)
    assert recorded is not None and recorded.status is OrderStatus.NEW


class _Bar:
    """A bar that opens and closes at one price (``BarPrices``)."""

    def __init__(self, symbol: str, ts_ns: int, price: float) -> None:
        self.symbol, self.ts_ns = symbol, ts_ns
        self.open = self.high = self.low = self.close = price
        self.volume = 1_000_000.0


def test_engine_when_fast_backtest_is_asked_to_reconcile_then_config_error_names_the_fix(
    guard: RuntimeGuard,
) -> None:
    with pytest.raises(ConfigError, match="event step") as caught:
        make_rig(Scripted(lambda bar: None), guard,
                 engine=EngineConfig(reconcile_every_ns=HOUR))

    assert caught.value.hint is not None and "fast_backtest=False" in caught.value.hint


def test_backtest_when_reconciling_in_bar_time_then_fills_are_unchanged_and_nothing_blocks(
    guard: RuntimeGuard,
) -> None:
    def flip(bar: BarView) -> Intent:  # long with a stop and a target (venue-made legs)
        if bar.index % 4 < 2:
            return Intent.long("AAA", quantity=1.0, stop_pct=0.02, take_profit_pct=0.03)
        return Intent.flat("AAA")

    plain = make_rig(Scripted(flip), guard)
    checked = make_rig(Scripted(flip), guard, engine=RECONCILING)
    prices = [100.0 + (k % 7) for k in range(48)]

    expected = plain.run(bars("AAA", prices))
    got = checked.run(bars("AAA", prices))

    assert fill_summary(got.fills) == fill_summary(expected.fills)
    reconciliation = checked.engine.reconciliation
    assert reconciliation is not None
    assert len(reconciliation.reports) > 40  # at start, then every bar hour
    assert all(r.blocked is None for r in reconciliation.reports)
    kinds = {d.kind for d in reconciliation.reconciler.records}
    assert kinds == {"venue_leg", "order_cancelled"}  # legs are ours; OCO cancels adopted
    assert plain.engine.reconciliation is None
    assert SID in {f.strategy_id for f in got.fills}
