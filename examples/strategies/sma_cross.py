"""SMA(10) / SMA(30) cross on EUR/USD: long while the fast mean is above the slow one.

The means are compared exactly on the 0.00001 price grid (``compare_sma``), so two equal
means are a tie (flat) and never read as "above" because of a float rounding error.
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.indicators import compare_sma

SYMBOL = "EURUSD"
TICK = "0.00001"


class SmaCross(Strategy):
    """Trend follower: long while SMA(fast) > SMA(slow), flat otherwise (a tie is flat)."""

    def __init__(self, params: Params) -> None:
        self.fast, self.slow = int(params.fast), int(params.slow)
        self.warmup_bars = self.slow
        self.go_long = Intent.long(SYMBOL, rationale=("sma_fast_above_slow",))
        self.go_flat = Intent.flat(SYMBOL, "sma_fast_not_above_slow")

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        side = compare_sma(frame["close"], self.fast, self.slow, tick=TICK)
        return pd.DataFrame({"fast_vs_slow": side}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.go_long if bar["fast_vs_slow"] > 0 else self.go_flat


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="example_sma_cross",
            strategy_type="trend.sma_cross",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1h",
            required_fields=("close",),
            params={
                "fast": Param(10, low=2, high=200, doc="fast SMA length, bars"),
                "slow": Param(30, low=3, high=1000, doc="slow SMA length, bars"),
            },
            description=__doc__ or "",
        ),
        build=SmaCross,
    )
