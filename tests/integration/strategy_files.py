"""Small strategy files for the several-strategies tests, written into a test's tmp dir."""

from __future__ import annotations

from pathlib import Path

__all__ = ["write_sma"]

SOURCE = '''"""SMA cross on {universe}: a fixture of the several-strategies tests."""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import (
    CostOverride, Param, Params, PolicyOverrides, RiskOverride, SizingOverride, StrategyBundle,
    StrategyMeta,
)


class Sma(Strategy):
    def __init__(self, params: Params) -> None:
        self.fast, self.slow = int(params.fast), int(params.slow)
        self.warmup_bars = self.slow
        self.symbol = {universe!r}[0]
        self.side = {side!r}

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame({{"fast": close.rolling(self.fast).mean(),
                             "slow": close.rolling(self.slow).mean()}}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar["fast"] > bar["slow"]:
            return Intent.long(self.symbol) if self.side == "long" else Intent.short(self.symbol)
        return Intent.flat(self.symbol)


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(name={name!r}, version="1.0.0", universe={universe!r},
                          timeframe={timeframe!r}, required_fields=("close",),
                          params={{"fast": Param({fast}, low=2, high=200),
                                  "slow": Param({slow}, low=3, high=500)}}),
        build=Sma,
        overrides=PolicyOverrides(cost={cost}, risk={risk}, sizing={sizing}),
    )
'''


def write_sma(
    directory: Path,
    name: str,
    *,
    universe: tuple[str, ...] = ("EURUSD",),
    timeframe: str = "1h",
    fast: int = 10,
    slow: int = 30,
    side: str = "long",
    cost: str = "None",
    risk: str = "None",
    sizing: str = 'SizingOverride(model="fixed_quantity", fixed_quantity=1000.0)',
) -> Path:
    """``directory/name.py``: an SMA cross with the given meta, params and overrides (their
    constructor calls as text, e.g. ``cost="CostOverride(commission_bps=5.0)"``)."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    path.write_text(SOURCE.format(name=name, universe=universe, timeframe=timeframe, fast=fast,
                                  slow=slow, side=side, cost=cost, risk=risk, sizing=sizing),
                    encoding="utf-8")
    return path
