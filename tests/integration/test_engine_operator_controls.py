"""The runtime honours the durable operator controls written into a real SQLite store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import InMemoryMetrics, ListAlerts, ListLogger
from tests.unit.engine_helpers import INITIAL_CASH, Scripted, bars, chunks, meta
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Intent, OrderStatus
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.engine import EngineConfig, EngineRun, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.store.sqlite import SqliteStateStore
from vibetrading_V2.strategy.base import BarView
from vibetrading_V2.strategy.guard import RuntimeGuard

ROOT = Path(__file__).resolve().parents[2]
PRICES = [100.0 + k for k in range(12)]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _flip(bar: BarView) -> Intent:
    """Long with a resting stop on even bars, flat on odd ones: an order on every bar."""
    if bar.index % 2 == 0:
        return Intent.long(bar.symbol, quantity=3.0, stop_loss=50.0)
    return Intent.flat(bar.symbol)


def _short(bar: BarView) -> Intent:
    return Intent.short(bar.symbol, quantity=4.0, stop_loss=200.0)


def write_control(path: Path, action: str) -> None:
    """What ``python -m cli.control`` does: another connection appends the control."""
    with SqliteStateStore(path, account="account") as tool:
        tool.set_operator_control(action, reason=f"test {action}", who="ops", wall_ns=1)


@dataclass
class Paper:
    """A paper-like run: one bar per batch, every bar through the event step."""

    engine: TradingEngine
    sim: Simulator
    risk: RiskEngine
    store: SqliteStateStore
    logger: ListLogger
    alerts: ListAlerts
    ids: list[str]

    def run(self, at: dict[int, Callable[[], None]]) -> EngineRun:
        """Run the bars; ``at[n]`` is called once ``n`` bars were handed over."""
        def feed() -> Iterator[BarBatch]:
            for n, batch in enumerate(chunks(bars("AAA", PRICES), 1)):
                if n in at:
                    at[n]()
                yield batch

        class Feed:
            def batches(self) -> Iterator[BarBatch]:
                return feed()

        return self.engine.run(Feed())


def _paper(guard: RuntimeGuard, path: Path) -> Paper:
    clock = SimulatedClock()
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    ledger, risk = Ledger(INITIAL_CASH), RiskEngine(RiskPolicy())
    store = SqliteStateStore(path, clock=clock, run_id="r1", account="account").open()
    metrics, logger, alerts = InMemoryMetrics(), ListLogger(), ListAlerts()
    slots = []
    for k, decide in enumerate((_flip, _short)):
        base = meta()
        info = type(base)(name=f"s{k}", version="1.0.0", universe=base.universe,
                          timeframe=base.timeframe, required_fields=base.required_fields)
        pipeline = OrderPipeline(
            strategy_id=info.strategy_id, universe=info.universe, execution=sim, store=store,
            ledger=ledger, sizer=Sizer(SizingPolicy()), risk=risk, metrics=metrics,
            logger=logger,
        )
        slots.append(StrategySlot(Scripted(decide), info, pipeline))
    engine = TradingEngine(slots=slots, execution=sim, ledger=ledger, risk=risk, store=store,
                           logger=logger, metrics=metrics, alerts=alerts, guard=guard,
                           clock=clock, config=EngineConfig(fast_backtest=False))
    return Paper(engine, sim, risk, store, logger, alerts, [s.strategy_id for s in slots])


def test_controls_when_killed_after_n_bars_then_both_strategies_orders_cancelled_and_no_more(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    paper = _paper(guard, path)
    seen: dict[str, object] = {}

    def kill() -> None:
        seen["open"] = list(paper.sim.open_orders())
        seen["orders"] = len(paper.sim.orders())
        write_control(path, "kill")

    run = paper.run({5: kill})
    paper.store.close()

    working = seen["open"]
    assert isinstance(working, list)
    assert {o.request.strategy_id for o in working} == set(paper.ids)  # both had orders resting
    assert paper.sim.open_orders() == []
    for order in working:
        now = paper.sim.order(order.client_order_id)
        assert now is not None and now.status is OrderStatus.CANCELLED
    assert len(paper.sim.orders()) == seen["orders"]  # nothing sent after the kill
    assert [(old, new) for _, old, new, _, _ in run.state_transitions] == [("active", "halted")]
    assert "kill_switch" in run.state_transitions[0][3]
    assert "trading_state_halted" in paper.alerts.codes()
    with SqliteStateStore(path, account="account") as tool:
        snapshot = json.loads(tool.get_control("risk_snapshot:account") or "{}")
    assert "halted" in json.dumps(snapshot)  # persisted with the risk state


def test_controls_when_paused_then_resumed_then_no_orders_between_and_trading_after(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    paper = _paper(guard, path)
    counts: list[int] = []

    def act(action: str) -> Callable[[], None]:
        def go() -> None:
            counts.append(len(paper.sim.orders()))
            write_control(path, action)
        return go

    run = paper.run({4: act("pause"), 8: act("resume")})
    paper.store.close()

    paused_at, resumed_at = counts
    assert paused_at == resumed_at  # no order while paused
    assert len(paper.sim.orders()) > resumed_at  # trading again after the resume
    assert [(old, new, code) for _, old, new, code, _ in run.state_transitions] == [
        ("active", "paused", "operator_pause"), ("paused", "active", "operator_resume"),
    ]
    assert paper.alerts.codes() == ["trading_paused", "trading_resumed"]


def test_controls_when_killed_before_the_run_then_it_starts_halted_and_sends_nothing(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    write_control(path, "kill")
    paper = _paper(guard, path)

    run = paper.run({})
    paper.store.close()

    assert paper.sim.orders() == []
    assert paper.risk.kill_switch_active
    assert [new for _, _, new, _, _ in run.state_transitions] == ["halted"]
    assert "run_starts_halted" in paper.logger.events("warning")


def test_controls_when_killed_by_the_cli_in_a_subprocess_then_the_next_run_starts_halted(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "state.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    env |= {"VT_STATE__BACKEND": "sqlite", "VT_STATE__PATH": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "cli.control", "kill", "--env", "paper", "--reason", "stop"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    paper = _paper(guard, path)

    paper.run({})
    paper.store.close()

    assert paper.sim.orders() == [] and paper.risk.kill_switch_active
