"""Benchmark strategy: long-only SMA(10)/SMA(30) crossover, fixed 10 units, 0.1 % commission."""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import (
    CostOverride,
    Param,
    Params,
    PolicyOverrides,
    RiskOverride,
    SizingOverride,
    StrategyBundle,
    StrategyMeta,
)

SYMBOL = "GBM"


class SmaBench(Strategy):
    """Long while SMA(fast) > SMA(slow), flat otherwise."""

    def __init__(self, params: Params) -> None:
        self.fast = int(params.fast)
        self.slow = int(params.slow)
        self.warmup_bars = self.slow
        self.go_long = Intent.long(SYMBOL)
        self.go_flat = Intent.flat(SYMBOL)

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame(
            {"fast": close.rolling(self.fast).mean(), "slow": close.rolling(self.slow).mean()},
            index=frame.index,
        )

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.go_long if bar["fast"] > bar["slow"] else self.go_flat


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="sma_bench",
            strategy_type="benchmark.sma_cross",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1m",
            required_fields=("close",),
            params={"fast": Param(10, low=2, high=100), "slow": Param(30, low=3, high=500)},
        ),
        build=SmaBench,
        overrides=PolicyOverrides(
            cost=CostOverride(commission_bps=10.0, slippage_bps=0.0, fixed_fee=0.0, min_fee=0.0),
            sizing=SizingOverride(model="fixed_quantity", fixed_quantity=10.0),
            risk=RiskOverride(max_drawdown=1.0, kill_switch_dd=1.0, daily_loss_limit=1.0),
        ),
    )
