"""Several strategies on one account: one ledger, one risk gate, one execution, own slots."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.fakes import InMemoryMetrics, InMemoryStateStore, ListAlerts, ListLogger
from tests.unit.engine_helpers import (
    INITIAL_CASH,
    T0,
    ListFeed,
    Scripted,
    bars,
    chunks,
    fill_summary,
    meta,
)
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.types import Intent, OrderStatus
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.engine import EngineConfig, EngineRun, TradingEngine
from vibetrading_V2.runner.events import ControlEvent
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.strategy.base import BarView
from vibetrading_V2.strategy.guard import RuntimeGuard

PRICES = [100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


@dataclass
class Account:
    engine: TradingEngine
    strategies: list[Scripted]
    ids: list[str]
    sim: Simulator
    ledger: Ledger
    store: InMemoryStateStore

    def run(self, batch_rows: int = len(PRICES)) -> EngineRun:
        return self.engine.run(ListFeed(*chunks(bars("AAA", PRICES), batch_rows)))


def _account(guard: RuntimeGuard, *decides: Callable[[BarView], Any],
             config: EngineConfig | None = None, same_id: bool = False) -> Account:
    clock = SimulatedClock()
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    ledger, risk = Ledger(INITIAL_CASH), RiskEngine(RiskPolicy())
    store, metrics, logger = InMemoryStateStore(), InMemoryMetrics(), ListLogger()
    strategies, slots = [], []
    for k, decide in enumerate(decides):
        info = meta()
        info = type(info)(name="s" if same_id else f"s{k}", version="1.0.0", universe=info.universe,
                          timeframe=info.timeframe, required_fields=info.required_fields)
        pipeline = OrderPipeline(
            strategy_id=info.strategy_id, universe=info.universe, execution=sim, store=store,
            ledger=ledger, sizer=Sizer(SizingPolicy()), risk=risk, metrics=metrics,
            logger=logger,
        )
        strategy = Scripted(decide)
        strategies.append(strategy)
        slots.append(StrategySlot(strategy, info, pipeline))
    engine = TradingEngine(slots=slots, execution=sim, ledger=ledger, risk=risk, store=store,
                           logger=logger, metrics=metrics, alerts=ListAlerts(), guard=guard,
                           clock=clock, config=config)
    return Account(engine, strategies, [s.strategy_id for s in slots], sim, ledger, store)


def _long(bar: BarView) -> Intent:
    return Intent.long(bar.symbol, quantity=10.0, stop_loss=50.0)


def _short(bar: BarView) -> Intent:
    return Intent.short(bar.symbol, quantity=4.0, stop_loss=200.0)


def test_engine_when_two_strategies_go_long_and_short_then_account_nets_and_each_keeps_its_pnl(
    guard: RuntimeGuard,
) -> None:
    account = _account(guard, _long, _short)

    run = account.run()

    a, b = account.ids
    ledger = account.ledger
    assert run.strategy_ids == (a, b)
    assert ledger.position("AAA").quantity == pytest.approx(6.0)
    assert ledger.strategy_position(a, "AAA").quantity == pytest.approx(10.0)
    assert ledger.strategy_position(b, "AAA").quantity == pytest.approx(-4.0)
    pnl_a, pnl_b = ledger.strategy_pnl(a), ledger.strategy_pnl(b)
    assert pnl_a.unrealized > 0 > pnl_b.unrealized  # prices rose: the long gains, short loses
    assert pnl_a.net + pnl_b.net == pytest.approx(ledger.equity() - INITIAL_CASH)
    assert len(run.client_order_ids) == 2 and run.n_intents == 2


def test_engine_when_fills_arrive_then_each_reaches_its_own_strategy(guard: RuntimeGuard) -> None:
    account = _account(guard, _long, _short)

    account.run()

    (a, b), (first, second) = account.ids, account.strategies
    assert first.fills and {f.strategy_id for f in first.fills} == {a}
    assert second.fills and {f.strategy_id for f in second.fills} == {b}


def test_engine_when_account_is_halted_then_both_strategies_orders_are_cancelled(
    guard: RuntimeGuard,
) -> None:
    account = _account(guard, _long, _short)
    run = account.run()
    working = account.sim.open_orders()  # the stop legs of both strategies rest
    assert {o.request.strategy_id for o in working} == set(account.ids)

    account.engine.step(ControlEvent("kill", "ops", T0 + 10 * 3_600_000_000_000, run.bars))

    assert account.sim.open_orders() == []
    cancelled = [account.sim.order(o.client_order_id) for o in working]
    assert all(o is not None and o.status is OrderStatus.CANCELLED for o in cancelled)


def _broken(bar: BarView) -> Intent:
    raise RuntimeError("broken strategy")


def test_engine_when_one_strategy_breaker_opens_then_the_other_keeps_trading(
    guard: RuntimeGuard,
) -> None:
    account = _account(guard, _broken, _long, config=EngineConfig(error_budget=1))

    run = account.run()

    broken, healthy = account.ids
    assert run.strategy_disabled and run.slot_errors[broken].count == 2
    assert run.slot_errors[healthy].count == 0
    assert len(account.strategies[0].seen) == 2  # disabled after its second error
    assert len(account.strategies[1].seen) == len(PRICES)
    assert account.ledger.strategy_position(healthy, "AAA").quantity == pytest.approx(10.0)


def _flip(bar: BarView) -> Intent:
    """Long on even bars, flat on odd ones: an order on every bar."""
    return Intent.long(bar.symbol, quantity=3.0) if bar.index % 2 == 0 else Intent.flat(
        bar.symbol)


def test_engine_when_two_strategies_go_bar_by_bar_through_event_step_then_same_as_fast_driver(
    guard: RuntimeGuard,
) -> None:
    account = _account(guard, _flip, _short)
    fast = account.run()
    step = _account(guard, _flip, _short, config=EngineConfig(fast_backtest=False)).run(1)

    assert fill_summary(step.fills) == fill_summary(fast.fills)
    assert step.fill_rows == fast.fill_rows and step.client_order_ids == fast.client_order_ids
    assert len(fast.fills) == len(PRICES)  # every order but the last bar's filled


def test_engine_when_a_strategy_closes_its_long_while_the_account_is_net_short_then_it_fills(
    guard: RuntimeGuard,
) -> None:
    """Its sell reduces the strategy's position but not the account's: not reduce-only."""
    account = _account(guard, _flip, _short)  # +3 against -4: the account is net short

    run = account.run()

    statuses = {o.client_order_id: o.status for o in account.sim.orders()}
    assert OrderStatus.REJECTED not in statuses.values()
    sells = [f for f in run.fills if f.strategy_id == account.ids[0] and str(f.side) == "sell"]
    assert len(sells) == 3  # each flat of bars 1, 3, 5 filled on the next bar


def test_engine_when_a_strategy_is_given_twice_then_config_error(guard: RuntimeGuard) -> None:
    with pytest.raises(ConfigError, match="given twice"):
        _account(guard, _long, _long, same_id=True)
