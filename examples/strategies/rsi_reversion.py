"""RSI(14) reversion on EUR/USD: buy when oversold, sell once the move has come back.

Long when Wilder's RSI(14) closes below 30; flat when it closes above 50; in between the
last decision stands (``None`` = no change), so a dip is held until it has recovered.
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.indicators import rsi

SYMBOL = "EURUSD"


class RsiReversion(Strategy):
    """Mean reversion: long an oversold market, out when the RSI is back above its exit."""

    def __init__(self, params: Params) -> None:
        self.length = int(params.length)
        self.oversold, self.exit_level = float(params.oversold), float(params.exit_level)
        self.warmup_bars = self.length + 1
        self.go_long = Intent.long(SYMBOL, rationale=("rsi_oversold",))
        self.go_flat = Intent.flat(SYMBOL, "rsi_recovered")

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"rsi": rsi(frame["close"], self.length)}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar["rsi"] < self.oversold:
            return self.go_long
        if bar["rsi"] > self.exit_level:
            return self.go_flat
        return None


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="example_rsi_reversion",
            strategy_type="reversion.rsi",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1h",
            required_fields=("close",),
            params={
                "length": Param(14, low=2, high=200, doc="RSI length, bars (Wilder)"),
                "oversold": Param(30.0, low=1.0, high=50.0, doc="buy below this RSI"),
                "exit_level": Param(50.0, low=1.0, high=99.0, doc="sell above this RSI"),
            },
            description=__doc__ or "",
        ),
        build=RsiReversion,
    )
