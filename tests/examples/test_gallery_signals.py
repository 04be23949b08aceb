"""Three gallery strategies' trades recomputed from their rule with plain numpy and pandas.

The reference shares no code with the strategy, the indicator module or the engine: a
Wilder RSI written out as a loop, SMA comparisons in integer ticks via ``np.cumsum``. A
decision on a bar's close becomes an order filled at the next bar's open, and the intents
of the first ``warmup_bars`` bars are ignored, so each trade's entry (and exit) time is
the bar after the one where the target changed.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from tests.examples.basket_data import basket_csv_text
from tests.examples.gallery import BASKET_CSV, trade_rows
from tests.integration.backtest_runs import ROOT, Done

FloatArray = npt.NDArray[np.float64]


@pytest.fixture(scope="module")
def eurusd() -> pd.DataFrame:
    return pd.read_parquet(ROOT / "data" / "curated" / "1h" / "EURUSD.parquet")


def _wilder_rsi(close: FloatArray, n: int) -> FloatArray:
    moves = np.diff(close)
    gains, losses = np.maximum(moves, 0.0), np.maximum(-moves, 0.0)
    out = np.full(len(close), np.nan)
    gain, loss = gains[:n].mean(), losses[:n].mean()
    out[n] = 100.0 * gain / (gain + loss)
    for t in range(n + 1, len(close)):
        gain = (gain * (n - 1) + gains[t - 1]) / n
        loss = (loss * (n - 1) + losses[t - 1]) / n
        out[t] = 100.0 * gain / (gain + loss) if gain + loss else 0.0
    return out


def _tick_sums(close: FloatArray, n: int) -> FloatArray:
    ticks = np.rint(close * 100_000).astype(np.int64)
    assert (ticks / 100_000 == close).all()  # every close is on the 0.00001 grid
    totals = np.concatenate(([0], np.cumsum(ticks)))
    out = np.full(len(close), np.nan)
    out[n - 1 :] = totals[n:] - totals[:-n]  # well below 2**53: exact in a float
    return out


def _target_changes(
    bars: pd.DataFrame, decisions: FloatArray, warmup: int
) -> list[tuple[str, float]]:
    """(fill time, new target) each time the held target changes; NaN = keep the last one."""
    target = pd.Series(decisions)
    target[:warmup] = np.nan
    held = target.ffill().fillna(0.0).to_numpy()
    times = bars["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()
    changed = np.flatnonzero(np.diff(np.concatenate(([0.0], held))) != 0)
    return [(str(times[i + 1]), float(held[i])) for i in changed if i + 1 < len(times)]


def _entries_and_exits(done: Done) -> tuple[list[tuple[str, str]], list[str]]:
    rows = trade_rows(done.out)
    return [(r["direction"], r["entry_time"]) for r in rows], [r["exit_time"] for r in rows]


def test_rsi_reversion_when_recomputed_then_it_enters_below_30_and_exits_above_50(
    gallery_runs: dict[str, Done], eurusd: pd.DataFrame
) -> None:
    rsi = _wilder_rsi(eurusd["close"].to_numpy(), 14)
    # no bar sits within rounding of a threshold, so the reference decides every bar alike
    assert np.nanmin(np.abs(rsi - 30.0)) > 1e-6 and np.nanmin(np.abs(rsi - 50.0)) > 1e-6
    decisions = np.where(rsi < 30.0, 1.0, np.where(rsi > 50.0, 0.0, np.nan))
    changes = _target_changes(eurusd, decisions, warmup=15)
    entries, exits = _entries_and_exits(gallery_runs["rsi_reversion"])
    assert entries == [("long", time) for time, target in changes if target == 1.0]
    assert exits == [time for time, target in changes if target == 0.0]
    assert len(entries) == 32


def test_sma_cross_when_recomputed_in_integer_ticks_then_its_trades_are_the_crosses(
    gallery_runs: dict[str, Done], eurusd: pd.DataFrame
) -> None:
    close = eurusd["close"].to_numpy()
    above = _tick_sums(close, 10) * 30 - _tick_sums(close, 30) * 10
    decisions = np.where(np.isnan(above), np.nan, (above > 0).astype(np.float64))
    changes = _target_changes(eurusd, decisions, warmup=30)
    entries, exits = _entries_and_exits(gallery_runs["sma_cross"])
    assert entries == [("long", time) for time, target in changes if target == 1.0]
    assert exits == [time for time, target in changes if target == 0.0]
    opens = eurusd.set_index(eurusd["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ"))["open"]
    prices = [float(r["entry_price"]) for r in trade_rows(gallery_runs["sma_cross"].out)]
    assert prices == [opens[time] for _, time in entries]  # filled at the next open


def test_sma_reversal_when_recomputed_then_each_cross_reverses_and_a_tie_keeps_the_side(
    gallery_runs: dict[str, Done], eurusd: pd.DataFrame
) -> None:
    close = eurusd["close"].to_numpy()
    side = np.sign(_tick_sums(close, 20) * 50 - _tick_sums(close, 50) * 20)
    decisions = np.where(side == 0, np.nan, side)  # NaN warm-up and exact ties: no change
    changes = _target_changes(eurusd, decisions, warmup=50)
    entries, exits = _entries_and_exits(gallery_runs["sma_reversal"])
    names = {1.0: "long", -1.0: "short"}
    assert entries == [(names[target], time) for time, target in changes]
    assert exits == [time for time, _ in changes[1:]] + [""]  # the last one is still open


def test_basket_file_when_regenerated_then_it_is_the_committed_one() -> None:
    assert BASKET_CSV.read_text(encoding="utf-8") == basket_csv_text()
