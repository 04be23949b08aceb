"""The chunked merge equals the one-shot merge, column by column, for any layout and chunk
size, and never splits a timestamp across batches."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.bar_stream import ArrayBarStream
from vibetrading_V2.data.merge import (
    InterleavedColumn,
    merge_parts,
    merged_chunks,
    merged_chunks_by_symbol,
)
from vibetrading_V2.data.schema import BarArrays

MINUTE_NS = 60_000_000_000


class ChoppyStream:
    """A fake stream handing its bars out in pieces of the given sizes (then the rest)."""

    def __init__(self, bars: BarArrays, sizes: list[int]) -> None:
        self.bars = bars
        self.sizes = sizes

    @property
    def rows(self) -> int:
        return self.bars.rows

    def pieces(self, piece_rows: int) -> Iterator[BarArrays]:
        start = 0
        for size in [*self.sizes, self.bars.rows]:
            if start >= self.bars.rows:
                return
            yield self.bars.rows_between(start, start + size)
            start += size


def _bars(minutes: list[int], base: float) -> BarArrays:
    ts = np.asarray(sorted(minutes), dtype=np.int64) * MINUTE_NS
    close = base + np.arange(ts.size, dtype=np.float64)
    return BarArrays(ts, close, close + 1, close - 1, close, close * 2)


def _assert_same_columns(chunks: list[list[npt.NDArray[np.generic]]],
                         whole: list[npt.NDArray[np.generic]]) -> None:
    for number, column in enumerate(whole):
        joined = np.concatenate([c[number] for c in chunks]) if chunks else column[:0]
        assert joined.dtype == column.dtype
        np.testing.assert_array_equal(joined, column)


layouts = st.lists(
    st.lists(st.integers(min_value=0, max_value=60), unique=True, max_size=30),
    min_size=1, max_size=5,
)
same_times = st.tuples(
    st.lists(st.integers(min_value=0, max_value=60), unique=True, max_size=30),
    st.integers(min_value=1, max_value=5),
).map(lambda drawn: [drawn[0]] * drawn[1])


@settings(max_examples=200, deadline=None)
@given(
    minutes=st.one_of(layouts, same_times),
    chunk_rows=st.integers(min_value=1, max_value=40),
    sizes=st.lists(st.integers(min_value=1, max_value=7), max_size=8),
)
def test_merged_chunks_when_concatenated_then_equal_the_one_shot_merge_and_split_no_time(
    minutes: list[list[int]], chunk_rows: int, sizes: list[int]
) -> None:
    parts = [_bars(m, 1000.0 * (i + 1)) for i, m in enumerate(minutes)]
    streams = [ChoppyStream(bars, sizes[i:] + sizes[:i]) for i, bars in enumerate(parts)]

    chunks = list(merged_chunks(streams, chunk_rows, [f"S{i}" for i in range(len(parts))]))

    _assert_same_columns(chunks, merge_parts(parts))
    symbols = len(parts)
    for chunk, following in pairwise(chunks):
        assert chunk[1][-1] < following[1][0]  # no timestamp in two chunks
    for chunk in chunks:
        times, counts = np.unique(chunk[1], return_counts=True)
        assert len(chunk[1]) > 0
        assert len(chunk[1]) <= chunk_rows or times.size == 1
        assert counts.max() <= symbols


@settings(max_examples=100, deadline=None)
@given(
    minutes=st.one_of(layouts, same_times),
    chunk_rows=st.integers(min_value=1, max_value=40),
    sizes=st.lists(st.integers(min_value=1, max_value=7), max_size=8),
)
def test_merged_chunks_by_symbol_when_split_then_each_part_is_its_symbols_rows_of_the_chunk(
    minutes: list[list[int]], chunk_rows: int, sizes: list[int]
) -> None:
    parts = [_bars(m, 1000.0 * (i + 1)) for i, m in enumerate(minutes)]
    streams = [ChoppyStream(bars, sizes[i:] + sizes[:i]) for i, bars in enumerate(parts)]

    for columns, own in merged_chunks_by_symbol(streams, chunk_rows,
                                                [f"S{i}" for i in range(len(parts))]):
        assert len(own) == len(parts)
        for k, bars in enumerate(own):
            mine = columns[0] == k
            for number, values in enumerate(bars):
                np.testing.assert_array_equal(values, columns[number + 1][mine])
                assert values.flags.c_contiguous


def test_merged_chunks_when_chunk_smaller_than_the_symbols_then_one_timestamp_a_chunk() -> None:
    parts = [_bars([0, 1, 2], 10.0 * (i + 1)) for i in range(4)]
    chunks = list(merged_chunks([ArrayBarStream(p) for p in parts], 3, ["A", "B", "C", "D"]))
    assert [c[1].tolist() for c in chunks] == [[t * MINUTE_NS] * 4 for t in range(3)]
    assert [c[0].tolist() for c in chunks] == [[0, 1, 2, 3]] * 3


def test_merged_chunks_when_symbols_share_times_then_chunks_hold_whole_times_up_to_the_size(
) -> None:
    parts = [_bars(list(range(10)), 10.0 * (i + 1)) for i in range(3)]
    chunks = list(merged_chunks([ArrayBarStream(p) for p in parts], 7, ["A", "B", "C"]))
    assert [len(c[1]) for c in chunks] == [6, 6, 6, 6, 6]


def test_merged_chunks_when_every_stream_is_empty_then_no_chunk() -> None:
    empty = [ArrayBarStream(_bars([], 1.0)) for _ in range(2)]
    assert list(merged_chunks(empty, 5, ["A", "B"])) == []


def test_merged_chunks_when_one_symbol_starts_after_another_ends_then_chunks_are_full() -> None:
    early, late = _bars(list(range(0, 20)), 1.0), _bars(list(range(30, 50)), 2.0)
    chunks = list(merged_chunks([ArrayBarStream(late), ArrayBarStream(early)], 8, ["L", "E"]))
    assert [len(c[1]) for c in chunks] == [8, 8, 8, 8, 8]
    assert chunks[0][0].tolist() == [1] * 8  # the early symbol first, though listed second


def test_merged_chunks_when_a_stream_goes_back_in_time_then_data_validation_error() -> None:
    bars = _bars(list(range(10)), 1.0)
    backwards = BarArrays(*(np.concatenate((c[5:], c[:5])) for c in bars))
    with pytest.raises(DataValidationError, match=r"S0: .*unsorted or duplicate"):
        list(merged_chunks([ChoppyStream(backwards, [5])], 100, ["S0"]))


def test_interleaved_column_when_read_then_rows_by_time_and_a_copy_asked_for_is_its_own() -> None:
    column = InterleavedColumn([np.array([1.0, 2.0, 3.0]), np.array([10.0, 20.0, 30.0])])
    assert len(column) == 6
    assert np.asarray(column).tolist() == [1.0, 10.0, 2.0, 20.0, 3.0, 30.0]
    assert column[3] == 20.0
    mine = np.array(column)  # numpy asks for a copy
    mine[0] = -1.0
    assert np.asarray(column)[0] == 1.0
    assert np.asarray(column, dtype=np.float32).dtype == np.float32
