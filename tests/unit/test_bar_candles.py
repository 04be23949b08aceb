"""A symbol's candles kept for the report: bounded, true extremes, the same however batched."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.runner.bar_candles import SymbolCandles

FIELDS = ("open", "high", "low", "close", "volume")


def _bars(seed: int, n: int) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(seed)
    close = np.round(100.0 + np.cumsum(rng.normal(0.0, 1.0, n)), 2)
    fields = {"open": close + 0.5, "high": close + rng.uniform(1.0, 2.0, n),
              "low": close - rng.uniform(1.0, 2.0, n), "close": close,
              "volume": np.round(rng.uniform(0.0, 10.0, n), 1)}
    return np.arange(n, dtype=np.int64) * 60, fields


def _fed(
    ts: np.ndarray, fields: dict[str, np.ndarray], cuts: list[int], limit: int
) -> SymbolCandles:
    candles = SymbolCandles(limit)
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(ts)), len(ts)]
    for a, b in itertools.pairwise(bounds):
        candles.add(ts[a:b], {f: v[a:b] for f, v in fields.items()})
    return candles


@settings(max_examples=80, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 700), st.integers(2, 40),
       st.lists(st.integers(0, 700), max_size=12))
def test_candles_when_bars_come_in_any_batches_then_buckets_of_the_smallest_width_that_fits(
    seed: int, n: int, limit: int, cuts: list[int]
) -> None:
    ts, fields = _bars(seed, n)

    candles = _fed(ts, fields, cuts, limit)

    width = 1
    while -(-n // width) > limit:
        width *= 2
    assert candles.width == width
    starts = np.arange(0, n, width)
    lasts = np.append(starts[1:], n) - 1
    start_ns, close_ns, kept = candles.arrays()
    assert start_ns.tolist() == ts[starts].tolist()
    assert close_ns.tolist() == ts[lasts].tolist()
    assert kept["open"].tolist() == fields["open"][starts].tolist()
    assert kept["close"].tolist() == fields["close"][lasts].tolist()
    assert kept["high"].tolist() == np.maximum.reduceat(fields["high"], starts).tolist()
    assert kept["low"].tolist() == np.minimum.reduceat(fields["low"], starts).tolist()
    np.testing.assert_allclose(kept["volume"], np.add.reduceat(fields["volume"], starts))
    assert candles.bars == n


def test_candles_when_few_bars_then_every_bar_is_its_own_candle() -> None:
    ts, fields = _bars(1, 50)
    candles = _fed(ts, fields, [10, 11, 30], limit=6_000)
    _, _, kept = candles.arrays()
    assert candles.width == 1
    for name in FIELDS:
        assert kept[name].tolist() == fields[name].tolist()


def test_candles_when_some_volumes_are_missing_then_merged_volume_sums_the_rest() -> None:
    ts, fields = _bars(2, 40)
    fields["volume"][[3, 4, 5, 6, 7]] = np.nan  # bar 3 alone in its candle, then 4 to 7

    candles = _fed(ts, fields, [20], limit=10)

    _, _, kept = candles.arrays()
    assert candles.width == 4
    expected = np.add.reduceat(np.nan_to_num(fields["volume"]), np.arange(0, 40, 4))
    np.testing.assert_allclose(kept["volume"], expected)
    assert kept["volume"][1] == 0.0
