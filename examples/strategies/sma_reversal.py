"""SMA(20) / SMA(50) stop-and-reverse on EUR/USD: always in the market, long or short.

Long while the fast mean is above the slow one, short while it is below, compared exactly
on the 0.00001 price grid; on an exact tie the position is kept (no change).
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.indicators import compare_sma

SYMBOL = "EURUSD"
TICK = "0.00001"


class SmaReversal(Strategy):
    """Trend follower in both directions: each cross reverses the position."""

    def __init__(self, params: Params) -> None:
        self.fast, self.slow = int(params.fast), int(params.slow)
        self.warmup_bars = self.slow
        self.go_long = Intent.long(SYMBOL, rationale=("sma_fast_above_slow",))
        self.go_short = Intent.short(SYMBOL, rationale=("sma_fast_below_slow",))

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        side = compare_sma(frame["close"], self.fast, self.slow, tick=TICK)
        return pd.DataFrame({"fast_vs_slow": side}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        side = bar["fast_vs_slow"]
        if side > 0:
            return self.go_long
        if side < 0:
            return self.go_short
        return None


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="example_sma_reversal",
            strategy_type="trend.sma_reversal",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1h",
            required_fields=("close",),
            params={
                "fast": Param(20, low=2, high=200, doc="fast SMA length, bars"),
                "slow": Param(50, low=3, high=1000, doc="slow SMA length, bars"),
            },
            description=__doc__ or "",
        ),
        build=SmaReversal,
    )
