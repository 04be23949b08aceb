"""The file ``python -m cli.strategies new NAME`` writes: a small strategy that validates.

Kept as text (not imported by anything at run time) so the template is exactly what the
user gets; a test loads a written copy through the registry to prove it stays valid.
"""

from __future__ import annotations

__all__ = ["render_template"]

_TEMPLATE = '''"""{name}: long while the close is above its moving average, flat otherwise.

Written by `python -m cli.strategies new {name}`. Edit freely: run
`python -m cli.strategies list` to check it, then
`python -m cli.backtest --strategy {name}` to backtest it.
"""

from __future__ import annotations

import pandas as pd  # strategies may import core, the SDK and pure-compute modules only

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta

class {class_name}(Strategy):
    """Trend filter: hold a long position while close > SMA(lookback)."""

    def __init__(self, params: Params) -> None:
        # params holds every declared Param, checked against its range and overridable
        # with `--param lookback=100` or VT_STRATEGY__PARAMS__LOOKBACK=100
        self.lookback = int(params.lookback)
        self.warmup_bars = self.lookback  # intents are ignored until this many bars passed
        # build intents once, per symbol of the run's universe (`--symbols EURUSD GBPUSD`
        # or `--param universe=EURUSD,GBPUSD`): the engine acts only when an intent changes
        self.go_long = {{s: Intent.long(s, rationale=("close_above_sma",))
                        for s in params.universe}}
        self.go_flat = {{s: Intent.flat(s, "close_below_sma") for s in params.universe}}

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        # vectorised over the whole history, once; must only look backwards (causal)
        sma = frame["close"].rolling(self.lookback).mean()
        return pd.DataFrame({{"sma": sma}}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        # read bar fields and features by name (bar.prev("sma") is the bar before's);
        # return intents, never orders
        above = bar["close"] > bar["sma"]
        return (self.go_long if above else self.go_flat)[bar.symbol]


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="{name}",
            version="0.1.0",  # semantic version: it is part of the strategy id
            # a Param: the symbols are a parameter (the data catalog must hold them)
            universe=Param(("EURUSD",), doc="symbols traded"),
            timeframe="1h",  # one of 1m 5m 15m 30m 1h 4h 1d 1w 1M; may be a Param too
            required_fields=("close",),  # the bar fields on_bar and features read
            params={{
                "lookback": Param(50, low=2, high=1000, doc="moving-average length, bars"),
            }},
            description=__doc__ or "",
        ),
        build={class_name},
        # overrides=PolicyOverrides(cost=CostOverride(commission_bps=1.0)),  # optional
    )
'''


def render_template(name: str) -> str:
    """The template's text for a strategy called ``name`` (a Python identifier)."""
    class_name = "".join(part.capitalize() for part in name.split("_") if part) + "Strategy"
    return _TEMPLATE.format(name=name, class_name=class_name)
