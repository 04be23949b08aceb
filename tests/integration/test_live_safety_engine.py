"""Live safety in a running engine: throttle, refused stops, dry run, a kill between bars."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.fakes import InMemoryMetrics, ListAlerts, ListLogger, ManualClock
from tests.integration.test_engine_operator_controls import write_control
from tests.unit.engine_helpers import HOUR, INITIAL_CASH, T0, Scripted, bars, meta
from vibetrading_V2.core.ports import BarBatch, BarPrices, Execution
from vibetrading_V2.core.types import (
    NS_PER_SECOND,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
)
from vibetrading_V2.data.paced import PacedFeed
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.execution.deferred_gateway import DeferredGateway
from vibetrading_V2.execution.dry_run import DryRunGateway
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.safety_config import SafetyPolicy
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.engine import EngineConfig, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.sqlite import SqliteStateStore
from vibetrading_V2.strategy.base import BarView
from vibetrading_V2.strategy.guard import RuntimeGuard

PRICES = [100.0 + k for k in range(12)]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


class _Bars:
    """A feed of the given batches (a ``MarketFeed``)."""

    def __init__(self, batches: list[BarBatch]) -> None:
        self._batches = batches

    def batches(self) -> Iterator[BarBatch]:
        return iter(self._batches)


def _engine(guard: RuntimeGuard, execution: Execution, decide: Callable[[BarView], object],
            *, clock: ManualClock, store: InMemoryStateStore | SqliteStateStore,
            risk: RiskEngine | None = None) -> tuple[TradingEngine, RiskEngine, ListLogger,
                                                     ListAlerts, Ledger]:
    ledger, risk = Ledger(INITIAL_CASH), risk or RiskEngine(RiskPolicy())
    metrics, logger, alerts = InMemoryMetrics(), ListLogger(), ListAlerts()
    info = meta()
    pipeline = OrderPipeline(
        strategy_id=info.strategy_id, universe=info.universe, execution=execution, store=store,
        ledger=ledger, sizer=Sizer(SizingPolicy()), risk=risk, metrics=metrics, logger=logger,
    )
    engine = TradingEngine(
        slots=[StrategySlot(Scripted(decide), info, pipeline)], execution=execution,
        ledger=ledger, risk=risk, store=store, logger=logger, metrics=metrics, alerts=alerts,
        guard=guard, clock=clock, config=EngineConfig(fast_backtest=False),
    )
    return engine, risk, logger, alerts, ledger


# -- the throttle ------------------------------------------------------------------------------


def test_pipeline_when_101_orders_are_asked_in_one_second_then_exactly_100_reach_the_venue(
) -> None:
    clock = ManualClock(T0)
    venue = DeferredGateway(initial_cash=INITIAL_CASH)
    risk = RiskEngine(RiskPolicy(max_gross_exposure=None, max_leverage=100.0),
                      SafetyPolicy(max_submits_per_second=100), clock)
    store, ledger = InMemoryStateStore(clock), Ledger(INITIAL_CASH)
    pipeline = OrderPipeline(
        strategy_id="s", universe=("AAA",), execution=venue, store=store, ledger=ledger,
        sizer=Sizer(SizingPolicy()), risk=risk, metrics=InMemoryMetrics(), logger=ListLogger(),
    )
    for k in range(101):  # each a new target: each needs an order
        pipeline.handle(T0 + k, Intent.long("AAA", quantity=1.0 + k), 100.0)
        clock.advance(NS_PER_SECOND // 1_000)

    assert len(venue.orders()) == 100
    assert [row.reason for row in pipeline.veto_tally.counts()] == ["submit_rate"]
    assert pipeline.veto_tally.counts()[0].count == 1


# -- a refused protective stop -------------------------------------------------------------------


class _StopRefusingVenue(DeferredGateway):
    """A venue that fills entries but refuses every protective stop placed after them."""

    def __init__(self) -> None:
        super().__init__(initial_cash=INITIAL_CASH)
        self._stops: dict[str, float] = {}  # entry id -> the stop asked for it

    def submit(self, request: OrderRequest) -> Order:
        if request.stop_loss is None:
            return super().submit(request)
        self._stops[request.client_order_id] = request.stop_loss
        bare = OrderRequest(request.client_order_id, request.symbol, request.side,
                            request.quantity, strategy_id=request.strategy_id,
                            created_ns=request.created_ns,
                            reference_price=request.reference_price)
        return super().submit(bare)

    def observe_bar(self, bar: BarPrices) -> bool:
        wanted = super().observe_bar(bar)
        for entry_id, stop in list(self._stops.items()):
            entry = self.order(entry_id)
            if entry is not None and entry.status is OrderStatus.FILLED:
                del self._stops[entry_id]
                request = entry.request
                leg = OrderRequest(f"{entry_id}-sl", request.symbol, _other(request.side),
                                   request.quantity, OrderType.STOP, stop_price=stop,
                                   reduce_only=True, strategy_id=request.strategy_id,
                                   oco_group=f"{entry_id}:bracket", created_ns=bar.ts_ns)
                self._set(Order(leg, OrderStatus.REJECTED, reason="stop price invalid",
                                updated_ns=bar.ts_ns))
        return wanted or self.observes_bars


def test_engine_when_a_protective_stop_is_refused_then_the_position_is_closed_and_alerted(
    guard: RuntimeGuard,
) -> None:
    clock, venue = ManualClock(T0), _StopRefusingVenue()
    engine, _, logger, alerts, ledger = _engine(
        guard, venue, lambda bar: Intent.long(bar.symbol, quantity=3.0, stop_loss=50.0),
        clock=clock, store=InMemoryStateStore(clock))

    engine.run(_Bars([bars("AAA", PRICES)]))

    closes = [o for o in venue.orders() if o.client_order_id.endswith("-sl-cl")]
    assert len(closes) == 1
    close = closes[0].request
    assert (close.side, close.quantity, close.reduce_only) == (Side.SELL, 3.0, True)
    assert closes[0].status is OrderStatus.FILLED
    assert ledger.net_quantity("AAA") == 0.0
    assert "protective_stop_failed" in alerts.codes()
    assert "protective_stop_failed" in logger.events("error")


# -- dry run -----------------------------------------------------------------------------------


def test_dry_run_when_the_strategy_trades_then_orders_are_recorded_and_none_is_sent(
    guard: RuntimeGuard,
) -> None:
    clock = ManualClock(T0)
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    store = InMemoryStateStore(clock)
    shadow_log = ListLogger()
    shadow = DryRunGateway(sim, shadow_log)

    def flip(bar: BarView) -> Intent:
        return Intent.long(bar.symbol, quantity=2.0) if bar.index % 2 else Intent.flat(bar.symbol)

    engine, _, _, _, ledger = _engine(guard, shadow, flip, clock=clock, store=store)
    engine.run(_Bars([bars("AAA", PRICES)]))

    assert sim.orders() == []  # nothing reached the simulator
    assert [r.quantity for r in shadow.not_sent] and ledger.net_quantity("AAA") == 0.0
    assert {o.client_order_id for o in shadow.orders()} == {
        r.client_order_id for r in shadow.not_sent}
    assert "order_not_sent" in shadow_log.events("info")
    stored = {o.client_order_id for o in store.orders()}
    assert stored == {r.client_order_id for r in shadow.not_sent}


def test_dry_run_when_cancelling_an_order_it_never_sent_then_execution_error() -> None:
    from vibetrading_V2.core.errors import ExecutionError

    shadow = DryRunGateway(Simulator(SimulatorConfig(initial_cash=INITIAL_CASH)), ListLogger())
    with pytest.raises(ExecutionError):
        shadow.cancel("unknown")


# -- a kill while no bar comes ----------------------------------------------------------------


def test_kill_when_written_between_two_bars_then_applied_within_one_second_before_the_next(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    clock = ManualClock(T0)
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    store = SqliteStateStore(path, clock=clock, run_id="r1", account="account").open()

    def long_with_stop(bar: BarView) -> Intent:
        return Intent.long(bar.symbol, quantity=3.0 + bar.index, stop_loss=50.0)

    engine, risk, _, alerts, _ = _engine(guard, sim, long_with_stop, clock=clock, store=store)
    seen: dict[str, int] = {}
    feed: PacedFeed

    def sleep(seconds: float) -> None:  # no real waiting: the clock moves, the test checks
        if "written" in seen and "applied" not in seen and risk.kill_switch_active:
            seen["applied"], seen["bars_at_apply"] = clock.now_ns(), feed.bars_done
            seen["open_at_apply"] = len(sim.open_orders())
        clock.advance(int(seconds * NS_PER_SECOND))
        if feed.bars_done == 4 and "written" not in seen:
            seen["open_before"] = len(sim.open_orders())
            write_control(path, "kill")
            seen["written"], seen["bars_at_write"] = clock.now_ns(), feed.bars_done

    # an hour between bars at speed 60: a minute of waiting with no bar at all
    feed = PacedFeed(_Bars([bars("AAA", PRICES, step=HOUR)]), speed=60.0, sleep=sleep,
                     heartbeat=True)
    engine.run(feed)
    store.close()

    assert seen["open_before"] > 0  # a stop was resting when the operator killed
    assert seen["applied"] - seen["written"] <= NS_PER_SECOND
    assert seen["bars_at_apply"] == seen["bars_at_write"]  # no bar came in between
    assert seen["open_at_apply"] == 0  # the kill cancelled every open order
    assert "trading_state_halted" in alerts.codes()


def test_peak_when_it_rises_without_a_state_change_then_the_store_has_it_for_a_restart(
    guard: RuntimeGuard,
) -> None:
    clock = ManualClock(T0)
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    store = InMemoryStateStore(clock)
    risk = RiskEngine(RiskPolicy(max_drawdown=0.5))
    engine, _, _, _, _ = _engine(guard, sim, lambda bar: Intent.long(bar.symbol, quantity=50.0),
                                 clock=clock, store=store, risk=risk)

    run = engine.run(_Bars([bars("AAA", PRICES)]))

    assert run.state_transitions == []  # never left ACTIVE
    saved = json.loads(store.get_control("risk_snapshot:account") or "{}")
    assert saved["peak"] == pytest.approx(risk.peak)
    assert saved["peak"] > INITIAL_CASH
    restarted = RiskEngine(RiskPolicy(max_drawdown=0.5))
    snapshot = risk.snapshot()
    restarted.restore(snapshot.state, saved["peak"], saved["day_start_equity"], saved["day"])
    assert restarted.snapshot() == snapshot


def _other(side: Side) -> Side:
    return Side.SELL if side is Side.BUY else Side.BUY
