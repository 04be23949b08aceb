"""Bollinger(20, 2) breakout on EUR/USD: buy a close above the upper band.

Long when the close breaks above the upper band (20-bar mean + 2 population standard
deviations); flat when it falls back below the middle band; in between, no change.
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.indicators import bollinger

SYMBOL = "EURUSD"


class BollingerBreakout(Strategy):
    """Volatility breakout: ride a close outside the band until it reverts to the mean."""

    def __init__(self, params: Params) -> None:
        self.length, self.width = int(params.length), float(params.width)
        self.warmup_bars = self.length
        self.go_long = Intent.long(SYMBOL, rationale=("close_above_upper_band",))
        self.go_flat = Intent.flat(SYMBOL, "close_below_middle_band")

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return bollinger(frame["close"], self.length, self.width)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar.close > bar["upper"]:
            return self.go_long
        if bar.close < bar["middle"]:
            return self.go_flat
        return None


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="example_bollinger_breakout",
            strategy_type="breakout.bollinger",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1h",
            required_fields=("close",),
            params={
                "length": Param(20, low=2, high=500, doc="band length, bars"),
                "width": Param(2.0, low=0.5, high=5.0, doc="band half-width, standard deviations"),
            },
            description=__doc__ or "",
        ),
        build=BollingerBreakout,
    )
