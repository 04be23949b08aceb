"""The run's order list: every order the execution knows, bracket legs after their entry."""

from __future__ import annotations

from tests.unit.engine_helpers import bars, make_rig
from vibetrading_V2.core.types import Intent
from vibetrading_V2.runner.run_orders import run_orders
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard


class _BracketedEveryFourBars(Strategy):
    """Long with a stop loss and a take profit on bars 0, 4, 8, ...; flat two bars later."""

    warmup_bars = 0

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar.index % 4 == 0:
            return Intent.long("AAA", stop_loss=bar.close * 0.5, take_profit=bar.close * 2.0)
        if bar.index % 4 == 2:
            return Intent.flat("AAA")
        return None


def test_run_orders_when_entries_have_brackets_then_each_leg_follows_its_entry() -> None:
    rig = make_rig(_BracketedEveryFourBars(), RuntimeGuard())
    run = rig.run(bars("AAA", [100.0, 101.0, 102.0, 101.0, 100.0, 99.0, 100.0, 101.0]))

    ids = [o.client_order_id for o in run_orders(rig.sim)]

    entry, exit_, second = run.client_order_ids[:3]
    assert ids[:4] == [entry, f"{entry}-sl", f"{entry}-tp", exit_]
    assert ids[4:7] == [second, f"{second}-sl", f"{second}-tp"]
    assert len(ids) == len(set(ids)) == len(rig.sim.orders())
