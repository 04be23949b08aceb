"""The growing column: whatever the parts, its values are their concatenation."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.portfolio.timeline_columns import GrowingColumn

_PARTS = st.lists(st.lists(st.integers(-(2**40), 2**40), max_size=700), min_size=1, max_size=12)


@settings(max_examples=100, deadline=None)
@given(_PARTS)
def test_column_when_parts_added_then_values_are_their_concatenation(
    parts: list[list[int]],
) -> None:
    column = GrowingColumn(np.int64)
    for part in parts:
        column.add(np.array(part, dtype=np.int64))
    expected = np.array([v for part in parts for v in part], dtype=np.int64)
    assert np.array_equal(column.values(), expected)
    assert column.values().dtype == np.int64


def test_column_when_the_first_part_is_added_then_it_is_kept_without_a_copy() -> None:
    first = np.arange(5, dtype=np.float64)
    column = GrowingColumn(np.float64)
    column.add(first)
    assert column.values() is first


def test_column_when_booleans_grow_then_read_back_as_booleans() -> None:
    column = GrowingColumn(np.bool_)
    column.add(np.array([True, False]))
    column.add(np.array([False, True, True]))
    assert column.values().dtype == np.bool_
    assert column.values().tolist() == [True, False, False, True, True]


def test_column_when_last_set_and_widened_then_the_values_follow() -> None:
    column = GrowingColumn(np.uint8)
    column.add(np.array([1, 2], dtype=np.uint8))
    column.add(np.array([3], dtype=np.uint8))
    column.set_last(250)
    wider = column.widened(np.uint16)
    wider.add(np.array([1000], dtype=np.uint16))
    assert column.values().tolist() == [1, 2, 250]
    assert wider.values().tolist() == [1, 2, 250, 1000]
