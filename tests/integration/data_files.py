"""Bar files and a one-symbol strategy for the data tests, written into a test's tmp dir."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["ROOT", "goog_daily_csv", "hourly_24x7_csv", "settings_for", "write_strategy"]

ROOT = Path(__file__).resolve().parents[2]
HOLIDAYS = ["2012-01-16", "2012-02-20", "2012-04-06", "2012-05-28", "2012-07-04",
            "2012-09-03", "2012-10-29", "2012-10-30", "2012-11-22", "2012-12-25"]
STRATEGY = '''"""Always long {symbol} on {timeframe} bars: a fixture of the data tests."""

from __future__ import annotations

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Params, StrategyBundle, StrategyMeta


class AlwaysLong(Strategy):
    def __init__(self, params: Params) -> None:
        self.go_long = Intent.long("{symbol}")

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.go_long


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(name="always_long", version="1.0.0", universe=("{symbol}",),
                          timeframe="{timeframe}", required_fields=("close",)),
        build=AlwaysLong,
    )
'''


def _ohlcv(n: int, seed: int, start: float) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    close = np.round(start * np.exp(np.cumsum(rng.normal(0.0008, 0.015, n))), 2)
    open_ = np.concatenate(([start], close[:-1]))
    return {
        "Open": open_,
        "High": np.round(np.maximum(open_, close) * 1.005, 2),
        "Low": np.round(np.minimum(open_, close) * 0.995, 2),
        "Close": close,
        "Adj Close": np.round(close * 0.98, 2),
        "Volume": rng.integers(1_000_000, 5_000_000, n),
    }


def goog_daily_csv(path: Path) -> Path:
    """A Yahoo-style export of daily GOOG-like bars in 2012: Date, ..., Adj Close, Volume."""
    days = pd.bdate_range("2012-01-03", "2012-12-31")
    days = days[~days.isin(pd.to_datetime(HOLIDAYS))]
    frame = pd.DataFrame({"Date": days.strftime("%Y-%m-%d"), **_ohlcv(len(days), 7, 330.0)})
    frame.to_csv(path, index=False)
    return path


def hourly_24x7_csv(path: Path, hours: int = 24 * 60) -> Path:
    """Round-the-clock hourly bars (crypto), weekends included, with a ``time`` header."""
    stamps = pd.date_range("2021-03-01", periods=hours, freq="1h")
    frame = pd.DataFrame({"time": stamps.strftime("%Y-%m-%dT%H:%M:%S"),
                          **_ohlcv(hours, 11, 50_000.0)}).drop(columns="Adj Close")
    frame.to_csv(path, index=False)
    return path


def write_strategy(directory: Path, symbol: str, timeframe: str) -> Path:
    path = directory / f"always_long_{symbol.lower()}_{timeframe}.py"
    path.write_text(STRATEGY.format(symbol=symbol, timeframe=timeframe), encoding="utf-8")
    return path


def settings_for(tmp: Path, strategy: Path, data: Path, **data_fields: object) -> dict[str, object]:
    """``load_settings`` overrides for an isolated run under ``tmp``."""
    return {
        "strategy": {"name": str(strategy)},
        "data": {"catalog": str(data), "user_catalog": None, **data_fields},
        "output": {"directory": str(tmp / "out")},
        "logging": {"console_level": "off"},
    }
