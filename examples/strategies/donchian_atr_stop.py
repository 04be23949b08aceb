"""Donchian(20) breakout on EUR/USD with a stop 2 x ATR(14) below the entry fill.

Buy a close above the highest high of the 20 bars before; the stop is set when the entry
fills, at the fill price minus 2 x Wilder's ATR(14) of the signal bar (``stop_distance``);
sell a close below the lowest low of the 10 bars before. After a stop-out the next
breakout enters again.
"""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.indicators import atr, donchian

SYMBOL = "EURUSD"
ATR_BARS, ATR_MULT = 14, 2.0  # the stop: 2 x Wilder's ATR(14) below the entry fill


class DonchianAtrStop(Strategy):
    """Turtle-style trend entry: a new 20-bar high, an ATR stop from the fill, a 10-bar exit."""

    def __init__(self, params: Params) -> None:
        self.entry_n, self.exit_n = int(params.entry_bars), int(params.exit_bars)
        self.warmup_bars = max(self.entry_n, self.exit_n, ATR_BARS) + 1
        self.go_flat = Intent.flat(SYMBOL, "close_below_exit_low")

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        high, low = frame["high"], frame["low"]
        return pd.DataFrame({  # the channels of the bars before this one: shift(1)
            "entry_high": donchian(high, low, self.entry_n)["upper"].shift(1),
            "exit_low": donchian(high, low, self.exit_n)["lower"].shift(1),
            "atr": atr(high, low, frame["close"], ATR_BARS),
        }, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar.position == 0.0 and bar.close > bar["entry_high"]:
            return Intent.long(SYMBOL, stop_distance=ATR_MULT * bar["atr"],
                               rationale=("close_above_entry_high",))
        if bar.position > 0.0 and bar.close < bar["exit_low"]:
            return self.go_flat
        return None


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="example_donchian_atr_stop",
            strategy_type="breakout.donchian",
            version="1.0.0",
            universe=(SYMBOL,),
            timeframe="1h",
            required_fields=("high", "low", "close"),
            params={
                "entry_bars": Param(20, low=2, high=500, doc="breakout channel, bars"),
                "exit_bars": Param(10, low=2, high=500, doc="exit channel, bars"),
            },
            description=__doc__ or "",
        ),
        build=DonchianAtrStop,
    )
