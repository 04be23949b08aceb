"""The crash test's strategy: a fast SMA cross whose every entry rests a stop 1 % below its
fill, which the next exit cancels.

``my_strategy_a`` sends market orders only, so a crash test trading it never reaches the
cancel's commit point (``cancel_requested``); this one cancels a resting order at every exit
(and its stop fills now and then), on the bundled EUR/USD bars.
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta

SYMBOL = "EURUSD"


class SmaCrossWithStop(Strategy):
    """Long with a resting stop while SMA(fast) > SMA(slow), else flat (the stop cancelled)."""

    def __init__(self, params: Params) -> None:
        self.fast = int(params.fast)
        self.slow = int(params.slow)
        self.warmup_bars = self.slow
        self.go_long = Intent.long(SYMBOL, stop_pct=0.01, rationale=("sma_fast_above_slow",))
        self.go_flat = Intent.flat(SYMBOL, "sma_fast_below_slow")

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame({"sma_fast": close.rolling(self.fast).mean(),
                             "sma_slow": close.rolling(self.slow).mean()}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.go_long if bar["sma_fast"] > bar["sma_slow"] else self.go_flat


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="crash_sma_stop", version="1.0.0", universe=(SYMBOL,), timeframe="1h",
            required_fields=("close",),
            params={"fast": Param(3, low=2, high=50, doc="fast SMA length, bars"),
                    "slow": Param(8, low=3, high=200, doc="slow SMA length, bars")},
            description=__doc__ or "",
        ),
        build=SmaCrossWithStop,
    )
