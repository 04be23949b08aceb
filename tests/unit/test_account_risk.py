"""Risk state is the account's: stored under the account's key, and a halt cancels the
orders of every strategy that trades on the account."""

from __future__ import annotations

from dataclasses import dataclass

from tests.fakes import InMemoryMetrics, InMemoryStateStore, ListAlerts, ListLogger
from tests.unit.engine_helpers import HOUR, INITIAL_CASH, T0
from vibetrading_V2.core.types import Bar, Intent, OrderStatus, TradingState
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.safety import ACCOUNT_ID, RiskStateKeeper

STRATEGIES = ("alpha", "beta")


@dataclass
class Account:
    """One simulator, ledger, risk gate and store shared by one pipeline per strategy."""

    sim: Simulator
    risk: RiskEngine
    store: InMemoryStateStore
    logger: ListLogger
    alerts: ListAlerts
    pipelines: list[OrderPipeline]

    def keeper(self, risk: RiskEngine | None = None) -> RiskStateKeeper:
        return RiskStateKeeper(account_id=ACCOUNT_ID, risk=risk or self.risk,
                               execution=self.sim, store=self.store, logger=self.logger,
                               alerts=self.alerts)


def _account(store: InMemoryStateStore | None = None) -> Account:
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    ledger = Ledger(INITIAL_CASH)
    risk = RiskEngine(RiskPolicy(kill_switch_dd=0.2))
    store = InMemoryStateStore() if store is None else store
    logger = ListLogger()
    pipelines = [
        OrderPipeline(strategy_id=sid, universe=("AAA",), execution=sim, store=store,
                      ledger=ledger, sizer=Sizer(SizingPolicy(per_trade_risk=1.0)), risk=risk,
                      metrics=InMemoryMetrics(), logger=logger)
        for sid in STRATEGIES
    ]
    return Account(sim, risk, store, logger, ListAlerts(), pipelines)


def _with_resting_brackets() -> Account:
    """Each strategy bought 100 AAA at 100 with a stop at 50 and a target at 150."""
    account = _account()
    for pipeline in account.pipelines:
        intent = Intent.long("AAA", quantity=100.0, stop_loss=50.0, take_profit=150.0)
        assert pipeline.handle(T0, intent, 100.0) is not None
    account.sim.observe_bar(Bar("AAA", T0 + HOUR, 100.0, 100.0, 100.0, 100.0, 1e9))
    for fill in account.sim.drain_fills():
        account.pipelines[STRATEGIES.index(fill.strategy_id)].record_fill(fill)
    return account


def _halt(account: Account, keeper: RiskStateKeeper) -> None:
    account.risk.check_nav(T0 + HOUR, INITIAL_CASH)  # the peak
    state = account.risk.check_nav(T0 + 2 * HOUR, INITIAL_CASH * 0.7)
    assert state is TradingState.HALTED
    keeper.after_nav(state)


def test_keeper_when_halted_then_every_strategys_working_orders_are_cancelled() -> None:
    account = _with_resting_brackets()
    resting = account.sim.open_orders()
    assert {o.request.strategy_id for o in resting} == set(STRATEGIES)
    assert sorted(o.client_order_id[-3:] for o in resting) == ["-sl", "-sl", "-tp", "-tp"]

    _halt(account, account.keeper())

    assert account.sim.open_orders() == []
    for order in resting:
        recorded = account.store.order(order.client_order_id)
        assert recorded is not None and recorded.status is OrderStatus.CANCELLED
    warning = next(c for c in account.logger.calls if c.event == "orders_cancelled")
    assert warning.fields["count"] == len(resting)
    assert warning.fields["account"] == ACCOUNT_ID


def test_keeper_when_state_changes_then_stored_under_the_account_not_a_strategy() -> None:
    account = _with_resting_brackets()

    _halt(account, account.keeper())

    controls = account.store.controls()
    assert controls[f"trading_state:{ACCOUNT_ID}"] == "halted"
    assert f"risk_snapshot:{ACCOUNT_ID}" in controls
    assert not any(sid in key for key in controls for sid in STRATEGIES)


def test_keeper_when_a_fresh_one_restores_a_halted_store_then_the_gate_is_halted() -> None:
    first = _with_resting_brackets()
    _halt(first, first.keeper())
    second = _account(store=first.store)
    fresh = RiskEngine(RiskPolicy(kill_switch_dd=0.2))

    second.keeper(fresh).restore()

    assert fresh.state is TradingState.HALTED
    assert fresh.snapshot() == first.risk.snapshot()
    assert "risk_state_restored" in second.logger.events("info")
