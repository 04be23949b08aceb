"""The risk gate inside the loop: trading states on a falling market, and recorded vetoes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.engine_helpers import (
    HOUR,
    SID,
    T0,
    Rig,
    Scripted,
    bars,
    client_id,
    make_rig,
)
from vibetrading_V2.core.types import Intent, OrderStatus, Side, TradingState
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.runner.engine import EngineRun
from vibetrading_V2.runner.safety import ACCOUNT_ID
from vibetrading_V2.store.records import VetoRecord
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

RISK_KEY = f"risk_snapshot:{ACCOUNT_ID}"
STATE_KEY = f"trading_state:{ACCOUNT_ID}"


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def at(ts_index: int) -> int:
    return T0 + ts_index * HOUR


def scripted(plan: dict[int, Intent]) -> Scripted:
    """Returns ``plan[bar.index]`` on the bars it names and "no change" elsewhere."""

    def decide(bar: BarView) -> StrategyOutput:
        return plan.get(bar.index)

    return Scripted(decide)


# equity = 10_000 cash + 900 units * close after buying 900 at 100 (no costs)
FALLING = [100.0, 100.0, 97.0, 94.0, 93.0, 92.0, 91.0, 90.0, 89.0, 88.0]


def test_engine_when_daily_loss_is_hit_then_reducing_blocks_growth_and_lets_reduce(
    guard: RuntimeGuard,
) -> None:
    plan = {
        0: Intent.long("AAA", quantity=900.0),
        4: Intent.long("AAA", quantity=1_000.0),  # grows: vetoed while REDUCING
        5: Intent.long("AAA", quantity=400.0),  # shrinks: passes
    }
    rig = make_rig(scripted(plan), guard, risk=RiskPolicy(daily_loss_limit=0.05))

    run = rig.run(bars("AAA", FALLING))

    # bar 3: 10_000 + 900 * 94 = 94_600 <= 100_000 * 0.95
    assert [t[:3] for t in run.state_transitions] == [(at(3), "active", "reducing")]
    assert run.state_transitions[0][3] == "daily_loss"
    assert rig.risk.state is TradingState.REDUCING
    assert rig.store.get_control(STATE_KEY) == "reducing"
    assert rig.store.get_control(RISK_KEY) is not None
    assert rig.alerts.codes() == ["trading_state_reducing"]
    assert rig.store.vetoes() == [VetoRecord(at(4), SID, "AAA", ("reducing_only",))]
    assert [(f.side, f.quantity, f.ts_ns) for f in run.fills] == [
        (Side.BUY, 900.0, at(1)),
        (Side.SELL, 500.0, at(6)),
    ]


def test_engine_when_drawdown_is_hit_and_recovered_then_reducing_then_active(
    guard: RuntimeGuard,
) -> None:
    prices = [100.0, 100.0, 97.0, 94.0, 94.4, 96.0, 101.0]
    rig = make_rig(
        scripted({0: Intent.long("AAA", quantity=900.0)}), guard,
        risk=RiskPolicy(max_drawdown=0.05),
    )

    run = rig.run(bars("AAA", prices))

    assert [t[:3] for t in run.state_transitions] == [
        (at(3), "active", "reducing"),  # 94_600 <= 95_000
        (at(5), "reducing", "active"),  # 96_400 > 95_000 (94.4 gives 94_960: not yet)
    ]
    assert [t[3] for t in run.state_transitions] == ["max_drawdown", "recovered"]
    assert rig.store.get_control(STATE_KEY) == "active"
    assert rig.alerts.codes() == ["trading_state_reducing", "trading_state_active"]


def _halting_rig(guard: RuntimeGuard, plan: dict[int, Intent]) -> Rig:
    return make_rig(
        scripted(plan), guard,
        risk=RiskPolicy(kill_switch_dd=0.2),
        sizing=SizingPolicy(per_trade_risk=1.0),  # let the stop below not shrink the size
    )


HALT_PRICES = [100.0, 100.0, 95.0, 90.0, 85.0, 80.0, 76.0, 75.0, 74.0, 73.0]
HALT_PLAN = {
    0: Intent.long("AAA", quantity=900.0, stop_loss=50.0, take_profit=150.0),
    8: Intent.flat("AAA", "too late"),
}


def test_engine_when_kill_switch_drawdown_then_halted_cancels_working_orders(
    guard: RuntimeGuard,
) -> None:
    rig = _halting_rig(guard, HALT_PLAN)

    run = rig.run(bars("AAA", HALT_PRICES))

    # bar 6: 10_000 + 900 * 76 = 78_400 <= 100_000 * 0.8
    assert [t[:3] for t in run.state_transitions] == [(at(6), "active", "halted")]
    assert rig.risk.state is TradingState.HALTED
    assert rig.store.get_control(STATE_KEY) == "halted"
    assert rig.alerts.codes() == ["trading_state_halted"]
    assert rig.alerts.alerts[0].level == "critical"
    assert rig.sim.open_orders() == []
    entry = client_id(1)
    for child in (f"{entry}-sl", f"{entry}-tp"):
        recorded = rig.store.order(child)
        assert recorded is not None and recorded.status is OrderStatus.CANCELLED
    assert "orders_cancelled" in rig.logger.events("warning")


def test_engine_when_halted_then_new_intents_are_blocked(guard: RuntimeGuard) -> None:
    rig = _halting_rig(guard, HALT_PLAN)

    run = rig.run(bars("AAA", HALT_PRICES))

    assert [r.ts_ns for r in rig.store.intents()] == [T0]  # the FLAT of bar 8 never entered
    assert len(run.client_order_ids) == 1
    assert rig.ledger.position("AAA").quantity == 900.0


def test_engine_when_restarted_after_a_halt_then_it_stays_halted(guard: RuntimeGuard) -> None:
    first = _halting_rig(guard, HALT_PLAN)
    first.run(bars("AAA", HALT_PRICES))
    saved = first.store.get_control(RISK_KEY)
    assert saved is not None
    second = _halting_rig(guard, {0: Intent.long("AAA", quantity=1.0)})
    second.store.set_control(RISK_KEY, saved)

    run = second.run(bars("AAA", [100.0] * 3, start=at(20)))

    assert second.risk.state is TradingState.HALTED
    assert "risk_state_restored" in second.logger.events("info")
    assert second.store.intents() == [] and run.client_order_ids == []


def _veto_run(
    guard: RuntimeGuard, intent: Intent, **rig_options: object
) -> tuple[Rig, EngineRun]:
    rig = make_rig(scripted({1: intent}), guard, **rig_options)  # type: ignore[arg-type]
    return rig, rig.run(bars("AAA", [100.0] * 3))


@pytest.mark.parametrize(
    ("intent", "options", "reasons"),
    [
        (
            Intent.long("AAA", quantity=900.0),
            {"risk": RiskPolicy(max_position_notional=1_000.0)},
            ("max_position_notional",),
        ),
        (
            Intent.long("AAA", quantity=900.0),
            {"risk": RiskPolicy(min_notional=1e6, max_position_notional=1_000.0)},
            ("min_notional", "max_position_notional"),
        ),
        (Intent.long("AAA", quantity=2_000.0), {}, ("max_leverage",)),
        (
            Intent.long("AAA", quantity=600.0),
            {"risk": RiskPolicy(max_gross_exposure=0.5)},
            ("max_gross_exposure",),
        ),
        (Intent.long("AAA", confidence=2.0), {}, ("confidence_out_of_range",)),
        (Intent.long("AAA", quantity=-1.0), {}, ("invalid_quantity",)),
        (Intent.long("ZZZ", quantity=1.0), {}, ("symbol_not_in_universe", "no_valid_price")),
        (
            Intent.long("AAA"),
            {"sizing": SizingPolicy(model="volatility_target")},
            ("volatility_unavailable",),
        ),
    ],
    ids=["position", "two-rules", "leverage", "gross", "confidence", "negative", "universe",
         "no-vol"],
)
def test_engine_when_an_intent_is_vetoed_then_the_store_records_every_reason(
    guard: RuntimeGuard, intent: Intent, options: dict[str, object], reasons: tuple[str, ...]
) -> None:
    rig, run = _veto_run(guard, intent, **options)

    assert rig.store.vetoes() == [VetoRecord(at(1), SID, intent.symbol, reasons)]
    assert run.vetoes == 1
    assert run.client_order_ids == [] and rig.sim.open_orders() == []
    for reason in reasons:
        assert rig.metrics.counter("risk_reject_total", {"code": reason}) == 1
    logged = next(c for c in rig.logger.calls if c.event == "intent_vetoed")
    assert logged.fields["reasons"] == list(reasons)
    assert [r.intent for r in rig.store.intents()] == [intent]  # recorded before the veto
