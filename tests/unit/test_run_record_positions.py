"""``positions_in_symbol``: each row's index in its symbol's history, on both paths."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.runner.run_record import positions_in_symbol


def _reference(row_symbol: list[int], history_lengths: list[int]) -> list[int]:
    counts = [row_symbol.count(k) for k in range(len(history_lengths))]
    seen = [0] * len(history_lengths)
    out = []
    for code in row_symbol:
        out.append(history_lengths[code] - counts[code] + seen[code])
        seen[code] += 1
    return out


@settings(max_examples=80, deadline=None, database=None)
@given(st.lists(st.integers(0, 4), max_size=200), st.integers(0, 50))
def test_positions_in_symbol_when_rows_in_any_order_then_match_a_running_count(
    row_symbol: list[int], earlier: int
) -> None:
    lengths = [row_symbol.count(k) + earlier + k for k in range(5)]
    assert positions_in_symbol(row_symbol, lengths) == _reference(row_symbol, lengths)


@given(st.permutations([0, 1, 2, 3]), st.integers(1, 30), st.integers(0, 20))
def test_positions_in_symbol_when_symbols_take_turns_then_match_a_running_count(
    turn: list[int], steps: int, earlier: int
) -> None:
    row_symbol = turn * steps
    lengths = [steps + earlier * k for k in range(4)]
    assert positions_in_symbol(row_symbol, lengths) == _reference(row_symbol, lengths)


def test_positions_in_symbol_when_many_rows_then_equal_indices_share_one_int() -> None:
    row_symbol = np.tile(np.arange(3), 1000).tolist()
    shuffled = [*row_symbol[:-2], row_symbol[-1], row_symbol[-2]]  # not in turns any more
    for rows in (row_symbol, shuffled):
        positions = positions_in_symbol(rows, [1000, 1000, 1000])
        assert positions == _reference(rows, [1000, 1000, 1000])
        assert len({id(p) for p in positions}) == 1000
