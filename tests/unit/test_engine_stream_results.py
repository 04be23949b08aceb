"""A streamed run (many batches) writes the very outputs of the same bars in one batch.

The engine keeps only a compact timeline and reduced candles of each batch; the trades,
orders and equity built from them must not depend on how the feed cut the bars.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from tests.unit.engine_helpers import (
    HOUR,
    INITIAL_CASH,
    T0,
    bars,
    chunks,
    make_rig,
    merge,
)
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Intent
from vibetrading_V2.runner.results import BacktestResults, build_results
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

LOOKBACK = 5
SYMBOLS = ("AAA", "BBB", "CCC")
TIMINGS = {"engine_seconds", "bars_per_second"}


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


class Breakout(Strategy):
    """Long at a new high of the last ``LOOKBACK`` closes, flat at a new low: rolling max
    and min are exact whichever row the window starts at."""

    warmup_bars = LOOKBACK

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame({"top": close.rolling(LOOKBACK).max(),
                             "bottom": close.rolling(LOOKBACK).min()}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if bar.close >= bar["top"]:
            return Intent.long(bar.symbol, quantity=3.0)
        if bar.close <= bar["bottom"]:
            return Intent.flat(bar.symbol)
        return None


def _path(n: int, seed: int) -> list[float]:
    steps = np.random.default_rng(seed).normal(0.0, 1.0, n)
    return [round(v, 2) for v in 100.0 + np.cumsum(steps)]


def _take_turns(n: int) -> BarBatch:
    """Every symbol on every hour, in code order."""
    return merge(*(bars(s, _path(n, k)) for k, s in enumerate(SYMBOLS)))


def _uneven(n: int) -> BarBatch:
    """Symbols on their own hours: a gap-free one, one every other hour, a late one."""
    return merge(
        bars("AAA", _path(n, 7)),
        bars("BBB", _path(n // 2, 8), step=2 * HOUR, start=T0 + HOUR),
        bars("CCC", _path(n // 3, 9), start=T0 + (n // 2) * HOUR),
    )


def _results(guard: RuntimeGuard, *batches: BarBatch) -> BacktestResults:
    rig = make_rig(Breakout(), guard, universe=SYMBOLS)
    run = rig.run(*batches)
    return build_results(run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH,
                         periods_per_year=8760.0)


def _csv(frame: pd.DataFrame) -> bytes:
    return frame.to_csv(index=False).encode()


@pytest.mark.parametrize("layout", [_take_turns, _uneven])
@pytest.mark.parametrize("size", [1, 7, 30, 64])
def test_results_when_the_bars_stream_in_chunks_then_outputs_equal_one_batch_byte_for_byte(
    guard: RuntimeGuard, layout: object, size: int
) -> None:
    whole = layout(120)  # type: ignore[operator]
    reference = _results(guard, whole)
    assert len(reference.trades) >= 6  # the paths break out: the comparison has teeth

    streamed = _results(guard, *chunks(whole, size))

    for table in ("trades", "orders", "equity"):
        assert _csv(getattr(streamed, table)) == _csv(getattr(reference, table)), table
    same = {k: v for k, v in streamed.summary.items() if k not in TIMINGS}
    assert same == {k: v for k, v in reference.summary.items() if k not in TIMINGS}
    for symbol, frame in reference.prices.items():
        pd.testing.assert_frame_equal(streamed.prices[symbol], frame)
