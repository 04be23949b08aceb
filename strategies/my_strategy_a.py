"""SMA crossover on EUR/USD: long while the fast average is above the slow one, else flat.

This is the one file a trader edits. It declares who the strategy is (meta), what it may
tune (params with ranges), what it overrides of the default policies (optional), a
vectorised ``features()`` computed once over history, and ``on_bar()`` returning intents.
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.errors import BundleValidationError
from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import (
    CostOverride,
    Param,
    Params,
    PolicyOverrides,
    StrategyBundle,
    StrategyMeta,
)

SYMBOL = "EURUSD"


class SmaCross(Strategy):
    """Trend follower: hold a long position while SMA(fast) > SMA(slow)."""

    def __init__(self, params: Params) -> None:
        self.fast = int(params.fast)
        self.slow = int(params.slow)
        if self.fast >= self.slow:
            raise BundleValidationError(
                f"fast ({self.fast}) must be shorter than slow ({self.slow})",
                field="meta.params.fast",
                hint="pick fast < slow",
            )
        self.warmup_bars = self.slow
        self.go_long = Intent.long(SYMBOL, rationale=("sma_fast_above_slow",))
        self.go_flat = Intent.flat(SYMBOL, "sma_fast_below_slow")

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame(
            {
                "sma_fast": close.rolling(self.fast).mean(),
                "sma_slow": close.rolling(self.slow).mean(),
            },
            index=frame.index,
        )

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.go_long if bar["sma_fast"] > bar["sma_slow"] else self.go_flat


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="my_strategy_a",
            strategy_type="trend.sma_cross",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1h",
            required_fields=("close",),
            session="24x5",
            params={
                "fast": Param(10, low=2, high=200, doc="fast SMA length, bars"),
                "slow": Param(30, low=3, high=1000, doc="slow SMA length, bars"),
            },
            description=__doc__ or "",
        ),
        build=SmaCross,
        overrides=PolicyOverrides(cost=CostOverride(commission_bps=1.0)),
    )
