"""A paper run restarted on its SQLite store goes on from the state the store holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fakes import FixedClock, InMemoryMetrics, ListAlerts, ListLogger
from tests.unit.engine_helpers import HOUR, INITIAL_CASH, T0, Scripted, bars, chunks, meta
from vibetrading_V2.core.ports import BarBatch, Clock
from vibetrading_V2.core.types import Fill, Intent, OrderStatus
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.engine import EngineConfig, EngineRun, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.rebuild import DISABLED_PREFIX
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.store.sqlite import SqliteStateStore
from vibetrading_V2.strategy.base import BarView
from vibetrading_V2.strategy.guard import RuntimeGuard

PRICES = [100.0 + k for k in range(12)]
SELL_FROM = T0 + 9 * HOUR  # the position is closed from the tenth bar on

Decide = Callable[[BarView], object]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _hold_then_sell(bar: BarView) -> Intent:
    """Long 3 until ``SELL_FROM``, flat after: one buy, one sell over the twelve bars."""
    if bar.ts_ns >= SELL_FROM:
        return Intent.flat(bar.symbol)
    return Intent.long(bar.symbol, quantity=3.0)


def _broken(bar: BarView) -> Intent:
    raise RuntimeError("broken strategy")


def _long_with_stop(bar: BarView) -> Intent:
    return Intent.long(bar.symbol, quantity=2.0, stop_loss=90.0)


@dataclass
class Run:
    """One process's life on the store: its engine and parts, closed after ``run``."""

    engine: TradingEngine
    sim: Simulator
    ledger: Ledger
    store: SqliteStateStore
    logger: ListLogger

    def run(self, batches: list[BarBatch]) -> EngineRun:
        class Feed:
            def batches(self) -> Iterator[BarBatch]:
                return iter(batches)

        try:
            run = self.engine.run(Feed())
            # what a paper session does after each bar: the venue's working orders kept
            self.store.checkpoint_venue(int(batches[-1].ts_ns[-1]), self.sim.open_orders(), {})
            return run
        finally:
            self.store.close()


def _start(guard: RuntimeGuard, path: Path, decide: Decide, run_id: str,
           error_budget: int = 10, clock: Clock | None = None) -> Run:
    """A paper-like process on the store at ``path``: a wall-style clock, the event step."""
    clock = clock or FixedClock(T0)
    sim = Simulator(SimulatorConfig(initial_cash=INITIAL_CASH))
    ledger, risk = Ledger(INITIAL_CASH), RiskEngine(RiskPolicy())
    store = SqliteStateStore(path, clock=clock, run_id=run_id, account="account").open()
    metrics, logger, alerts = InMemoryMetrics(), ListLogger(), ListAlerts()
    info = meta()
    pipeline = OrderPipeline(
        strategy_id=info.strategy_id, universe=("AAA",), execution=sim, store=store,
        ledger=ledger, sizer=Sizer(SizingPolicy()), risk=risk, metrics=metrics, logger=logger,
    )
    slot = StrategySlot(Scripted(decide), info, pipeline)
    engine = TradingEngine(slots=[slot], execution=sim, ledger=ledger, risk=risk, store=store,
                           logger=logger, metrics=metrics, alerts=alerts, guard=guard,
                           clock=clock, config=EngineConfig(fast_backtest=False,
                                                            error_budget=error_budget))
    return Run(engine, sim, ledger, store, logger)


def _bars(prices: list[float], first: int = 0, *, lows: list[float] | None = None,
          opens: list[float] | None = None) -> list[BarBatch]:
    """One batch per bar, from bar number ``first`` (an hour apart from ``T0``)."""
    return chunks(bars("AAA", prices, start=T0 + first * HOUR, lows=lows, opens=opens), 1)


def test_rebuild_when_restarted_after_a_clean_stop_then_it_goes_on_as_one_run(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    whole = _start(guard, tmp_path / "whole.sqlite", _hold_then_sell, "w1")
    whole.run(_bars(PRICES))
    first = _start(guard, tmp_path / "s.sqlite", _hold_then_sell, "r1")
    first.run(_bars(PRICES[:6]))
    assert first.ledger.position("AAA").quantity == 3.0

    second = _start(guard, tmp_path / "s.sqlite", _hold_then_sell, "r2")
    assert second.engine.local_state.positions[0].quantity == 3.0  # rebuilt before bars
    assert second.ledger.cash() == first.ledger.cash()
    assert second.sim.account().cash == first.sim.account().cash
    run = second.run(_bars(PRICES[6:], first=6))

    # the session's fills: the first run's buy, then this run's sell (no second buy)
    assert [f.side.value for f in run.fills] == ["buy", "sell"]
    assert second.ledger.position("AAA").quantity == 0.0
    assert second.ledger.cash() == pytest.approx(whole.ledger.cash(), abs=1e-9)
    with SqliteStateStore(tmp_path / "s.sqlite") as store, \
            SqliteStateStore(tmp_path / "whole.sqlite") as reference:
        assert [(f.side, f.quantity, f.price) for f in store.fills()] == [
            (f.side, f.quantity, f.price) for f in reference.fills()
        ]
        ids = [f.execution_id for f in store.fills()]
        assert len(ids) == len(set(ids)) == 2


def test_rebuild_when_a_strategy_was_disabled_then_it_stays_disabled_until_re_enabled(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    broken = _start(guard, path, _broken, "r1", error_budget=0)
    broken.run(_bars(PRICES[:3]))
    assert broken.engine.slots[0].strategy_id  # it ran, and its breaker opened
    key = f"{DISABLED_PREFIX}{meta().strategy_id}"

    fixed = _start(guard, path, _hold_then_sell, "r2")
    run = fixed.run(_bars(PRICES[3:6], first=3))
    assert run.strategy_disabled and run.fills == []
    assert "strategy_still_disabled" in fixed.logger.events("warning")
    assert "error budget" in fixed.engine.local_state.disabled[meta().strategy_id]

    with SqliteStateStore(path, account="account") as operator:
        operator.set_control(key, "")  # an operator re-enables it
    enabled = _start(guard, path, _hold_then_sell, "r3")
    run = enabled.run(_bars(PRICES[6:8], first=6))
    assert not run.strategy_disabled and [f.side.value for f in run.fills] == ["buy"]


def test_rebuild_when_a_stop_was_working_then_the_venue_still_works_it_after_restart(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    first = _start(guard, path, _long_with_stop, "r1")
    first.run(_bars(PRICES[:3]))
    [stop] = first.sim.open_orders()
    assert stop.client_order_id.endswith("-sl")

    second = _start(guard, path, _long_with_stop, "r2")
    assert [o.client_order_id for o in second.engine.local_state.open_orders] == [
        stop.client_order_id
    ]
    assert [o.client_order_id for o in second.sim.open_orders()] == [stop.client_order_id]
    crash = [100.0, 80.0]  # the second bar gaps through the stop at 90
    run = second.run(_bars(crash, first=3, lows=[100.0, 80.0], opens=[100.0, 80.0]))

    stop_fills = [f for f in run.fills if f.client_order_id == stop.client_order_id]
    assert [f.execution_id for f in stop_fills] == [f"{stop.client_order_id}:1"]
    with SqliteStateStore(path) as store:
        ids = [f.execution_id for f in store.fills()]
        assert len(ids) == len(set(ids))
        assert store.order(stop.client_order_id).status is OrderStatus.FILLED  # type: ignore[union-attr]


def test_rebuild_when_a_backtest_clock_then_nothing_is_taken_back(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    path = tmp_path / "s.sqlite"
    _start(guard, path, _hold_then_sell, "r1").run(_bars(PRICES[:3]))
    backtest = _start(guard, path, _hold_then_sell, "r2", clock=SimulatedClock())
    assert backtest.engine.rebuild().is_empty
    assert backtest.ledger.cash() == INITIAL_CASH
    backtest.store.close()


def _by_bar_count(bar: BarView) -> Intent:
    """Long (sized from equity) for three bars, flat for three: decisions that depend on
    the bars seen, and a size that would differ if a repeated intent were sized again."""
    if (bar.index // 3) % 2 == 0:
        return Intent.long(bar.symbol)
    return Intent.flat(bar.symbol)


def test_rebuild_when_the_traded_bars_warm_up_the_restart_then_it_trades_as_one_run(
    guard: RuntimeGuard, tmp_path: Path
) -> None:
    whole = _start(guard, tmp_path / "whole.sqlite", _by_bar_count, "w1")
    one_run = whole.run(_bars(PRICES))
    _start(guard, tmp_path / "s.sqlite", _by_bar_count, "r1").run(_bars(PRICES[:7]))

    second = _start(guard, tmp_path / "s.sqlite", _by_bar_count, "r2")
    second.engine.warm_up(bars("AAA", PRICES[:7]))  # the bars the session traded already
    run = second.run(_bars(PRICES[7:], first=7))  # bar 7 repeats bar 6's long: no order

    def trades(fills: list[Fill]) -> list[tuple[str, float, float, int]]:
        return [(f.side.value, f.quantity, f.price, f.ts_ns) for f in fills]

    with SqliteStateStore(tmp_path / "s.sqlite") as store:
        assert trades(store.fills()) == trades(one_run.fills)
    assert trades(run.fills) == trades(one_run.fills)  # the session's, earlier ones first
    assert second.ledger.cash() == pytest.approx(whole.ledger.cash(), abs=1e-9)
