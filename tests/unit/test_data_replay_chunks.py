"""A chunked ``ReplayFeed`` gives the one-shot feed's rows in batches of whole timestamps,
with the same range filters, and knows its bar count before the first batch."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.data.replay import ReplayFeed
from vibetrading_V2.data.schema import BarArrays

HOUR_NS = 3_600_000_000_000
T0 = pd.Timestamp("2024-01-01", tz="UTC").value
COLUMNS = ("symbol_index", "ts_ns", "open", "high", "low", "close", "volume")


def _frame(hours: list[int], base: float) -> pd.DataFrame:
    index = pd.DatetimeIndex(
        pd.to_datetime([T0 + h * HOUR_NS for h in sorted(hours)], unit="ns", utc=True),
        name="timestamp",
    )
    close = base + np.arange(len(hours), dtype=np.float64)
    return pd.DataFrame(
        {"open": close, "high": close + 1, "low": close - 1, "close": close, "volume": close},
        index=index,
    )


def _source(hours: list[list[int]]) -> InMemoryBarSource:
    return InMemoryBarSource(
        {(f"S{i}", "1h"): _frame(h, 100.0 * (i + 1)) for i, h in enumerate(hours)}
    )


def _column(batches: list[BarBatch], name: str) -> np.ndarray:
    return np.concatenate([np.asarray(getattr(b, name)) for b in batches])


@settings(max_examples=100, deadline=None)
@given(
    hours=st.lists(st.lists(st.integers(0, 40), unique=True, max_size=25), min_size=1,
                   max_size=4),
    chunk_rows=st.integers(min_value=1, max_value=30),
    start=st.one_of(st.none(), st.integers(-2, 42)),
    end=st.one_of(st.none(), st.integers(-2, 42)),
)
def test_chunked_replay_when_compared_with_one_batch_then_same_rows_in_whole_timestamps(
    hours: list[list[int]], chunk_rows: int, start: int | None, end: int | None
) -> None:
    names = [f"S{i}" for i in range(len(hours))]
    start_ns = None if start is None else T0 + start * HOUR_NS
    end_ns = None if end is None or (start is not None and end < start) else T0 + end * HOUR_NS
    source = _source(hours)
    whole = list(ReplayFeed(source, names, "1h", start_ns, end_ns).batches())
    chunked = ReplayFeed(source, names, "1h", start_ns, end_ns, chunk_rows=chunk_rows)

    batches = list(chunked.batches())

    assert chunked.total_bars == sum(len(b) for b in whole)
    assert len(whole) <= 1 and (len(batches) > 0) == (len(whole) > 0)
    for name in COLUMNS:
        if whole:
            np.testing.assert_array_equal(_column(batches, name), _column(whole, name))
    for batch, following in pairwise(batches):
        assert batch.ts_ns[-1] < following.ts_ns[0]
        assert len(batch) <= chunk_rows or len(set(np.asarray(batch.ts_ns).tolist())) == 1


def test_chunked_replay_when_range_is_empty_then_no_batch_and_zero_bars() -> None:
    feed = ReplayFeed(_source([[0, 1, 2]]), ["S0"], "1h", start_ns=T0 + 50 * HOUR_NS,
                      chunk_rows=2)
    assert list(feed.batches()) == []
    assert feed.total_bars == 0


def test_chunked_replay_when_started_then_total_bars_known_before_the_first_batch() -> None:
    feed = ReplayFeed(_source([[0, 1, 2, 3], [1, 2]]), ["S0", "S1"], "1h", chunk_rows=2)
    batches = feed.batches()
    assert feed.total_bars is None
    first = next(batches)
    assert feed.total_bars == 6
    assert [len(first), *(len(b) for b in batches)] == [1, 2, 2, 1]


class ArraysOnly:
    """A source that only loads whole arrays (no ``bar_stream``): it is chunked all the same."""

    def __init__(self, bars: BarArrays) -> None:
        self.bars = bars

    def load_arrays(self, symbol: str, timeframe: str, start_ns: int | None = None,
                    end_ns: int | None = None) -> BarArrays:
        return self.bars


def test_chunked_replay_when_source_only_loads_arrays_then_it_is_chunked_from_them() -> None:
    ts = T0 + np.arange(5, dtype=np.int64) * HOUR_NS
    close = np.arange(1.0, 6.0)
    feed = ReplayFeed(ArraysOnly(BarArrays(ts, close, close, close, close, close)), ["A"],
                      "1h", chunk_rows=2)
    assert [np.asarray(b.close).tolist() for b in feed.batches()] == [[1, 2], [3, 4], [5]]
