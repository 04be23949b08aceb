"""The engine agrees with an independent vectorised SMA-crossover reference on EURUSD."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cli.backtest import run_backtest
from cli.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]
QUANTITY = 10_000.0
COMMISSION_BPS = 1.0  # the example strategy's own cost override
INITIAL_CASH = 100_000.0


def reference(close: np.ndarray, open_: np.ndarray, fast: int, slow: int) -> tuple[int, float]:
    """Long QUANTITY while SMA(fast) > SMA(slow); act at the next bar's open; pay bps."""
    series = pd.Series(close)
    above = (series.rolling(fast).mean() > series.rolling(slow).mean()).to_numpy()
    target = np.where(above, QUANTITY, 0.0)
    target[:slow] = 0.0  # warm-up: the first `slow` bars only look
    held = np.concatenate(([0.0], target[:-1]))  # an order at bar t fills at bar t+1's open
    trade = np.diff(np.concatenate(([0.0], held)))
    fees = np.abs(trade) * open_ * COMMISSION_BPS / 1e4
    cash = INITIAL_CASH - np.cumsum(trade * open_ + fees)
    equity = cash + held * close
    entries = int(np.sum(trade > 0))
    exits = int(np.sum(trade < 0))
    assert entries - exits in (0, 1)
    return exits, float(equity[-1])


@pytest.fixture(scope="module")
def run_outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parity")
    settings = load_settings(
        "dev",
        config_dir=ROOT / "config",
        strategy={"name": str(ROOT / "strategies" / "my_strategy_a.py")},
        data={"catalog": str(ROOT / "data" / "curated")},
        output={"directory": str(out)},
        logging={"console_level": "off"},
        policies={"sizing": {"model": "fixed_quantity", "fixed_quantity": QUANTITY}},
    )
    run_backtest(settings)
    return out


def test_sma_crossover_when_run_on_eurusd_then_matches_vectorised_reference(
    run_outputs: Path,
) -> None:
    bars = pd.read_parquet(ROOT / "data" / "curated" / "1h" / "EURUSD.parquet")
    n_trades, final_equity = reference(
        bars["close"].to_numpy(), bars["open"].to_numpy(), fast=10, slow=30
    )
    trades = pd.read_csv(run_outputs / "trades.csv")
    equity = pd.read_csv(run_outputs / "equity.csv")  # written with 15 significant digits
    assert len(trades) == n_trades
    assert equity["equity"].iloc[-1] == pytest.approx(final_equity, abs=1e-6)
    assert n_trades > 50
