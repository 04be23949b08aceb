"""Whether a batch's symbols take turns, against the definition written plainly."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from vibetrading_V2.portfolio.row_layout import turn_places


def _plainly(codes: list[int], width: int) -> dict[int, int]:
    """Every block of ``width`` rows: the same codes in the same order, each once."""
    if width < 1 or not codes or len(codes) % width:
        return {}
    first = codes[:width]
    if len(set(first)) != width:
        return {}
    blocks = [codes[at:at + width] for at in range(0, len(codes), width)]
    return {code: place for place, code in enumerate(first)} if all(
        block == first for block in blocks) else {}


@st.composite
def _rows(draw: st.DrawFn) -> tuple[list[int], int]:
    width = draw(st.integers(1, 6))
    turn = draw(st.permutations(list(range(width))))
    codes = turn * draw(st.integers(0, 5))
    if codes and draw(st.booleans()):  # one row changed: the turns may be broken
        codes[draw(st.integers(0, len(codes) - 1))] = draw(st.integers(0, width))
    return codes, draw(st.sampled_from([width, width + 1, max(1, width - 1)]))


@given(_rows())
def test_turn_places_when_any_rows_then_the_plain_definition(rows: tuple[list[int], int]) -> None:
    codes, width = rows
    assert turn_places(np.asarray(codes, dtype=np.int64), width) == _plainly(codes, width)


def test_turn_places_when_symbols_take_turns_then_each_code_has_its_place() -> None:
    codes = np.asarray([2, 0, 1] * 4, dtype=np.int64)
    assert turn_places(codes, 3) == {2: 0, 0: 1, 1: 2}


def test_turn_places_when_the_order_changes_or_a_symbol_misses_a_time_then_empty() -> None:
    for codes in ([0, 1, 1, 0], [0, 1, 0], [0, 0, 1, 1], [0, 1, 0, 1, 0, 0]):
        assert turn_places(np.asarray(codes, dtype=np.int64), 2) == {}
