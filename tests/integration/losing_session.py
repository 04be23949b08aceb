"""A paper session set up to lose fast: bars that swing 100 -> 40 -> 100 and a strategy
long on every high close, flat on every low one, filled at the signal's close.

Each swing loses 57 % of the account (95 % of it invested, down 60 %), so $1,000 reaches
the $10 floor in six swings (twelve bars): ``BARS`` bars make several top-up epochs. The
risk gate's loss guards are switched off (they would stop the losses long before).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

__all__ = ["BARS", "ROOT", "paper_command", "paper_overrides", "write_losing_session"]

ROOT = Path(__file__).resolve().parents[2]
BARS = 60
SYMBOL = "SWING"

STRATEGY = f'''"""Long {SYMBOL} on a high close, flat on a low one: loses on every swing."""

from __future__ import annotations

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Params, StrategyBundle, StrategyMeta


class BuyHighSellLow(Strategy):
    def __init__(self, params: Params) -> None:
        self.long = Intent.long("{SYMBOL}")
        self.flat = Intent.flat("{SYMBOL}")

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.long if bar.close > 70.0 else self.flat


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(name="buy_high_sell_low", version="1.0.0", universe=("{SYMBOL}",),
                          timeframe="1h", required_fields=("close",)),
        build=BuyHighSellLow,
    )
'''

def write_losing_session(directory: Path, bars: int = BARS) -> tuple[Path, Path]:
    """The bar file and the strategy file, written into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    close = [100.0 if k % 2 == 0 else 40.0 for k in range(bars)]
    stamps = pd.date_range("2021-03-01", periods=bars, freq="1h")
    frame = pd.DataFrame({"time": stamps.strftime("%Y-%m-%dT%H:%M:%S"), "Open": close,
                          "High": close, "Low": close, "Close": close, "Volume": 1_000_000})
    data = directory / f"{SYMBOL}.csv"
    frame.to_csv(data, index=False)
    strategy = directory / "buy_high_sell_low.py"
    strategy.write_text(STRATEGY, encoding="utf-8")
    return data, strategy


def paper_overrides(directory: Path, out: Path, state: Path | None = None) -> dict[str, object]:
    """``load_settings("paper", ...)`` overrides of the session (fill timing, risk guards
    off, as the module says)."""
    data, strategy = write_losing_session(directory)
    overrides: dict[str, object] = {
        "strategy": {"name": str(strategy)},
        "data": {"catalog": str(data), "user_catalog": None},
        "output": {"directory": str(out)},
        "logging": {"console_level": "off"},
        "execution": {"fill_timing": "signal_close"},
        "policies": {"risk": {"daily_loss_limit": None, "max_drawdown": None,
                              "kill_switch_dd": None}},
    }
    if state is not None:
        overrides["state"] = {"backend": "sqlite", "path": state, "session": True}
    return overrides


def paper_command(directory: Path, out: Path, state: Path, *extra: str,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m cli.paper --env paper`` on the session, its fill timing and risk
    guards from ``VT_*`` variables (those of the calling shell dropped)."""
    data, strategy = write_losing_session(directory)
    settings = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    settings.update({
        "COLUMNS": "200", "VT_EXECUTION__FILL_TIMING": "signal_close",
        "VT_POLICIES__RISK": '{"daily_loss_limit": null, "max_drawdown": null, '
                             '"kill_switch_dd": null}',
        **(env or {}),
    })
    command = [sys.executable, "-m", "cli.paper", "--env", "paper", "--speed", "0",
               "--strategy", str(strategy), "--data", str(data), "--state", str(state),
               "--out", str(out), *extra]
    return subprocess.run(command, cwd=ROOT, env=settings, text=True, capture_output=True,
                          timeout=300, check=False)
