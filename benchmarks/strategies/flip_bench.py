"""Benchmark strategy: a new intent on every bar (1 unit, then 2, then 1...), or one intent.

``flip=1``: the target alternates between 1 and 2 units of GBM, so every bar's intent
enters the order pipeline (an order each bar, or a veto each bar when the risk gate refuses
them all). ``flip=0``: the same intent on every bar, so the pipeline is entered once: the
cost of the loop and of ``on_bar`` alone, subtracted to get the cost of an intent.
"""

from __future__ import annotations

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import (
    CostOverride,
    Param,
    Params,
    PolicyOverrides,
    RiskOverride,
    StrategyBundle,
    StrategyMeta,
)

SYMBOL = "GBM"


class FlipBench(Strategy):
    """One unit on even bars, two on odd bars (``flip=1``), or one unit throughout."""

    def __init__(self, params: Params) -> None:
        self.warmup_bars = 0
        self.flip = int(params.flip)
        self.one = Intent.long(SYMBOL, quantity=1.0)
        self.two = Intent.long(SYMBOL, quantity=2.0)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.two if self.flip and bar.index % 2 else self.one


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="flip_bench",
            strategy_type="benchmark.flip",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1m",
            required_fields=("close",),
            params={"flip": Param(1, low=0, high=1, doc="1: a new intent every bar")},
        ),
        build=FlipBench,
        overrides=PolicyOverrides(
            cost=CostOverride(commission_bps=10.0),
            risk=RiskOverride(max_drawdown=1.0, kill_switch_dd=1.0, daily_loss_limit=1.0),
        ),
    )
