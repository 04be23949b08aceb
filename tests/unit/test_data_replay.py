"""ReplayFeed over the in-memory source: time order, ties by symbol order, chunks, ranges."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import ConfigError, DataValidationError
from vibetrading_V2.core.ports import BarBatch, MarketFeed
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.data.replay import ReplayFeed

HOUR_NS = 3_600_000_000_000
T0 = pd.Timestamp("2024-01-01", tz="UTC").value


def _frame(hours: list[int], base: float) -> pd.DataFrame:
    """Bars at T0 + h hours with close = base + h, so each row identifies itself."""
    index = pd.DatetimeIndex(
        pd.to_datetime([T0 + h * HOUR_NS for h in hours], unit="ns", utc=True), name="timestamp"
    )
    close = base + np.asarray(hours, dtype=np.float64)
    return pd.DataFrame(
        {"open": close, "high": close + 1, "low": close - 1, "close": close, "volume": close},
        index=index,
    )


def _source() -> InMemoryBarSource:
    return InMemoryBarSource(
        {
            ("AAA", "1h"): _frame([0, 1, 2, 4], 100.0),
            ("BBB", "1h"): _frame([1, 2, 3], 200.0),
        }
    )


def _rows(batch: BarBatch) -> list[tuple[str, int, float]]:
    return [
        (batch.symbols[int(i)], (int(t) - T0) // HOUR_NS, float(c))
        for i, t, c in zip(batch.symbol_index, batch.ts_ns, batch.close, strict=True)
    ]


def test_replay_feed_is_a_market_feed() -> None:
    feed: MarketFeed = ReplayFeed(_source(), ["AAA"], "1h")
    assert len(list(feed.batches())) == 1


def test_replay_when_two_symbols_then_rows_merge_by_time_with_ties_in_given_order() -> None:
    (batch,) = ReplayFeed(_source(), ["AAA", "BBB"], "1h").batches()
    assert _rows(batch) == [
        ("AAA", 0, 100.0),
        ("AAA", 1, 101.0),
        ("BBB", 1, 201.0),
        ("AAA", 2, 102.0),
        ("BBB", 2, 202.0),
        ("BBB", 3, 203.0),
        ("AAA", 4, 104.0),
    ]


def test_replay_when_symbol_order_reversed_then_ties_follow_new_order() -> None:
    (batch,) = ReplayFeed(_source(), ["BBB", "AAA"], "1h").batches()
    assert batch.symbols == ("BBB", "AAA")
    assert [r[0] for r in _rows(batch)][1:5] == ["BBB", "AAA", "BBB", "AAA"]


def test_replay_when_batch_built_then_columns_are_typed_numpy_arrays() -> None:
    (batch,) = ReplayFeed(_source(), ["AAA", "BBB"], "1h").batches()
    assert isinstance(batch.ts_ns, np.ndarray) and batch.ts_ns.dtype == np.int64
    assert isinstance(batch.symbol_index, np.ndarray) and batch.symbol_index.dtype.kind == "i"
    for column in (batch.open, batch.high, batch.low, batch.close, batch.volume):
        assert isinstance(column, np.ndarray) and column.dtype == np.float64
    assert len(batch) == 7


def test_replay_when_chunk_rows_given_then_consecutive_chunks_cover_everything() -> None:
    (whole,) = ReplayFeed(_source(), ["AAA", "BBB"], "1h").batches()
    chunks = list(ReplayFeed(_source(), ["AAA", "BBB"], "1h", chunk_rows=3).batches())
    assert [len(c) for c in chunks] == [3, 3, 1]
    assert [row for c in chunks for row in _rows(c)] == _rows(whole)


def test_replay_when_range_given_then_start_inclusive_end_exclusive() -> None:
    feed = ReplayFeed(
        _source(), ["AAA", "BBB"], "1h", start_ns=T0 + HOUR_NS, end_ns=T0 + 3 * HOUR_NS
    )
    (batch,) = feed.batches()
    assert [(s, h) for s, h, _ in _rows(batch)] == [
        ("AAA", 1),
        ("BBB", 1),
        ("AAA", 2),
        ("BBB", 2),
    ]


def test_replay_when_range_empty_then_no_batches() -> None:
    feed = ReplayFeed(_source(), ["AAA"], "1h", start_ns=T0 + 100 * HOUR_NS)
    assert list(feed.batches()) == []


def test_replay_when_symbol_unknown_then_data_validation_error_lists_holdings() -> None:
    with pytest.raises(DataValidationError, match=r"no data for ZZZ.*AAA 1h, BBB 1h"):
        list(ReplayFeed(_source(), ["AAA", "ZZZ"], "1h").batches())


@pytest.mark.parametrize(
    ("symbols", "chunk_rows", "field"),
    [([], None, "symbols"), (["AAA", "AAA"], None, "symbols"), (["AAA"], 0, "chunk_rows")],
)
def test_replay_when_config_invalid_then_config_error(
    symbols: list[str], chunk_rows: int | None, field: str
) -> None:
    with pytest.raises(ConfigError) as info:
        ReplayFeed(_source(), symbols, "1h", chunk_rows=chunk_rows)
    assert info.value.field == field


def test_replay_when_symbols_is_a_string_then_config_error() -> None:
    with pytest.raises(ConfigError, match="list of names"):
        ReplayFeed(_source(), "AAA", "1h")


@settings(max_examples=40, deadline=None)
@given(
    hours=st.lists(
        st.lists(st.integers(min_value=0, max_value=50), unique=True, max_size=20),
        min_size=1,
        max_size=4,
    ),
    chunk=st.one_of(st.none(), st.integers(min_value=1, max_value=9)),
)
def test_replay_merge_is_sorted_by_time_then_symbol_and_loses_no_row(
    hours: list[list[int]], chunk: int | None
) -> None:
    names = [f"S{i}" for i in range(len(hours))]
    frames = {
        (name, "1h"): _frame(sorted(h), 1000.0 * (i + 1))
        for i, (name, h) in enumerate(zip(names, hours, strict=True))
    }
    batches = list(ReplayFeed(InMemoryBarSource(frames), names, "1h", chunk_rows=chunk).batches())
    rows = [(int(t), int(i)) for b in batches for t, i in zip(b.ts_ns, b.symbol_index, strict=True)]
    assert rows == sorted(rows)
    assert len(set(rows)) == len(rows) == sum(len(h) for h in hours)


@settings(max_examples=40, deadline=None)
@given(
    hours=st.lists(st.integers(min_value=0, max_value=50), unique=True, max_size=20),
    n_symbols=st.integers(min_value=2, max_value=4),
)
def test_replay_when_symbols_share_their_times_then_rows_take_turns_in_symbol_order(
    hours: list[int], n_symbols: int
) -> None:
    names = [f"S{i}" for i in range(n_symbols)]
    frames = {(name, "1h"): _frame(sorted(hours), 1000.0 * (i + 1)) for i, name in enumerate(names)}
    batches = list(ReplayFeed(InMemoryBarSource(frames), names, "1h").batches())
    got = [
        (int(t), int(i), float(o), float(h), float(lo), float(c), float(v))
        for b in batches
        for t, i, o, h, lo, c, v in zip(
            b.ts_ns, b.symbol_index, b.open, b.high, b.low, b.close, b.volume, strict=True
        )
    ]
    expected = [
        (T0 + hour * HOUR_NS, i, close, close + 1, close - 1, close, close)
        for hour in sorted(hours)
        for i in range(n_symbols)
        for close in [1000.0 * (i + 1) + hour]
    ]
    assert got == expected
