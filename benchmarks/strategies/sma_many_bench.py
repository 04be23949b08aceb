"""Benchmark strategy: the SMA(10)/SMA(30) crossover of ``sma_bench``, on every symbol.

The universe is ``S000`` ... ``S199``; a run trades the symbols it is given (``--symbols``
of the backtest, ``data.symbols`` in settings), each on its own: long 10 units while
SMA(fast) > SMA(slow), flat otherwise. Same costs, sizing and risk as ``sma_bench``.
``trade: 0`` keeps every read of ``on_bar`` and sends no intent (``instruction_split``
weighs the orders of a run against that quiet twin).
"""

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

UNIVERSE = tuple(f"S{i:03d}" for i in range(200))


class SmaManyBench(Strategy):
    """Per symbol: long while SMA(fast) > SMA(slow), flat otherwise."""

    def __init__(self, params: Params) -> None:
        self.fast = int(params.fast)
        self.slow = int(params.slow)
        self.warmup_bars = self.slow
        # one intent object per symbol and side, returned again while nothing changes
        self.go_long = {symbol: Intent.long(symbol) for symbol in UNIVERSE}
        self.go_flat = {symbol: Intent.flat(symbol) for symbol in UNIVERSE}
        if not int(params.trade):
            self.on_bar = self._quiet  # type: ignore[method-assign]

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame(
            {"fast": close.rolling(self.fast).mean(), "slow": close.rolling(self.slow).mean()},
            index=frame.index,
        )

    def on_bar(self, bar: BarView) -> StrategyOutput:
        side = self.go_long if bar["fast"] > bar["slow"] else self.go_flat
        return side[bar.symbol]

    def _quiet(self, bar: BarView) -> StrategyOutput:
        side = self.go_long if bar["fast"] > bar["slow"] else self.go_flat
        side[bar.symbol]  # the trading version's look-up, its result unused
        return None


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="sma_many_bench",
            strategy_type="benchmark.sma_cross_many",
            version="1.0.0",
            universe=UNIVERSE,
            timeframe="1m",
            required_fields=("close",),
            params={"fast": Param(10, low=2, high=100), "slow": Param(30, low=3, high=500),
                    "trade": Param(1, low=0, high=1)},
        ),
        build=SmaManyBench,
        overrides=PolicyOverrides(
            cost=CostOverride(commission_bps=10.0, slippage_bps=0.0, fixed_fee=0.0, min_fee=0.0),
            sizing=SizingOverride(model="fixed_quantity", fixed_quantity=10.0),
            risk=RiskOverride(max_drawdown=1.0, kill_switch_dd=1.0, daily_loss_limit=1.0),
        ),
    )
