"""MACD(12, 26, 9) trend rule over a basket: one rule, every symbol of the universe.

Each symbol is long a third of the equity budget while its MACD line is above its signal
line, flat otherwise; the symbols are judged independently, one ``on_bar`` per symbol.
The bundled catalog has one symbol per timeframe, so run it on the synthetic basket:
``--data examples/data/basket_1d.csv`` (daily bars of ALPHA, BRAVO, CHARLIE).
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.indicators import macd

UNIVERSE = ("ALPHA", "BRAVO", "CHARLIE")


class MacdBasket(Strategy):
    """Diversified trend following: the same MACD rule, an equal slice per symbol."""

    def __init__(self, params: Params) -> None:
        self.fast, self.slow, self.signal = int(params.fast), int(params.slow), int(params.signal)
        self.warmup_bars = self.slow + self.signal - 1
        weight = float(params.budget) / len(UNIVERSE)
        self.go_long = {s: Intent.long(s, weight=weight, rationale=("macd_up",)) for s in UNIVERSE}
        self.go_flat = {s: Intent.flat(s, "macd_down") for s in UNIVERSE}

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return macd(frame["close"], self.fast, self.slow, self.signal)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar["hist"] > 0:
            return self.go_long[bar.symbol]
        return self.go_flat[bar.symbol]


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="example_macd_basket",
            strategy_type="trend.macd_basket",
            version="1.0.0",
            universe=UNIVERSE,
            timeframe="1d",
            required_fields=("close",),
            params={
                "fast": Param(12, low=2, high=100, doc="fast EMA length, bars"),
                "slow": Param(26, low=3, high=300, doc="slow EMA length, bars"),
                "signal": Param(9, low=1, high=100, doc="signal EMA length, bars"),
                "budget": Param(0.9, low=0.1, high=1.0, doc="equity fraction over all symbols"),
            },
            description=__doc__ or "",
        ),
        build=MacdBasket,
    )
