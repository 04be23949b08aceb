"""``symbol_bounds``: each symbol's first and last row on a merged timeline."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.portfolio.timeline import symbol_bounds


@settings(max_examples=80, deadline=None, database=None)
@given(st.lists(st.integers(0, 5), max_size=20_000), st.integers(1, 7))
def test_symbol_bounds_when_any_timeline_then_first_and_last_row_of_each_symbol(
    codes: list[int], n_symbols: int
) -> None:
    codes = [c % n_symbols for c in codes]
    expected = [
        (codes.index(k), len(codes) - 1 - codes[::-1].index(k)) if k in codes else None
        for k in range(n_symbols)
    ]
    if n_symbols == 1:  # one symbol owns every row
        expected = [(0, len(codes) - 1) if codes else None]
    assert symbol_bounds(codes, n_symbols) == expected


def test_symbol_bounds_when_a_symbol_starts_late_then_found_past_the_first_prefix() -> None:
    codes = [0] * 100_000 + [1] + [0] * 50_000
    assert symbol_bounds(codes, 3) == [(0, 150_000), (100_000, 100_000), None]
