"""Checking bars piece by piece raises exactly the one-shot check's error (same first row,
problem and count) and measures exactly the one-shot spacing, wherever the pieces are cut."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.schema import BarArrays
from vibetrading_V2.data.spacing import SpacingMeter, measure_spacing
from vibetrading_V2.data.validation import BarChecker, check_bar_arrays

MINUTE_NS = 60_000_000_000
T0 = 1_704_067_200 * 1_000_000_000


def _cuts(rows: int, cuts: list[int]) -> list[tuple[int, int]]:
    bounds = sorted({0, rows, *(c % (rows + 1) for c in cuts)})
    return list(pairwise(bounds))


def _error_of(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except DataValidationError as error:
        return f"{error} | {error.field} | {error.hint}"
    return None


defects = st.lists(
    st.tuples(st.integers(0, 59), st.sampled_from(
        ["nan_open", "neg_low", "high_low", "close_out", "neg_volume", "back", "same"])),
    max_size=4,
)


def _broken(rows: int, found: list[tuple[int, str]]) -> BarArrays:
    ts = T0 + np.arange(rows, dtype=np.int64) * MINUTE_NS
    close = 100.0 + np.arange(rows, dtype=np.float64)
    o, h, lo, c, v = close.copy(), close + 1, close - 1, close.copy(), np.ones(rows)
    for row, kind in found:
        r = row % rows
        if kind == "nan_open":
            o[r] = np.nan
        elif kind == "neg_low":
            lo[r] = -1.0
        elif kind == "high_low":
            h[r] = lo[r] - 0.5
        elif kind == "close_out":
            c[r] = h[r] + 3.0
        elif kind == "neg_volume":
            v[r] = -2.0
        elif kind == "back" and r:
            ts[r] = ts[r - 1] - MINUTE_NS
        elif kind == "same" and r:
            ts[r] = ts[r - 1]
    return BarArrays(ts, o, h, lo, c, v)


@settings(max_examples=300, deadline=None)
@given(rows=st.integers(1, 60), found=defects, cuts=st.lists(st.integers(0, 60), max_size=6))
def test_bar_checker_when_fed_in_pieces_then_raises_the_one_shot_error(
    rows: int, found: list[tuple[int, str]], cuts: list[int]
) -> None:
    bars = _broken(rows, found)
    checker = BarChecker(source="x.parquet")

    def piecewise() -> None:
        for start, stop in _cuts(rows, cuts):
            checker.add(bars.rows_between(start, stop))
        checker.finish()

    assert _error_of(piecewise) == _error_of(lambda: check_bar_arrays(bars, source="x.parquet"))
    assert checker.rows == rows


def test_bar_checker_when_a_piece_repeats_the_last_time_then_duplicate_at_its_first_row() -> None:
    bars = _broken(6, [])
    checker = BarChecker(source="f")
    checker.add(bars.rows_between(0, 3))
    checker.add(bars.rows_between(2, 6))
    with pytest.raises(DataValidationError, match=r"duplicate timestamp at row 3 .*1 offending"):
        checker.finish()


@settings(max_examples=300, deadline=None)
@given(
    gaps=st.lists(st.sampled_from([1, 1, 1, 2, 3, 60, 1440, 0, 7]), max_size=40),
    timeframe=st.sampled_from(["1m", "1h", "1d", "1M"]),
    cuts=st.lists(st.integers(0, 41), max_size=6),
)
def test_spacing_meter_when_fed_in_pieces_then_measures_the_whole_series(
    gaps: list[int], timeframe: str, cuts: list[int]
) -> None:
    ts = T0 + np.cumsum([0, *gaps]).astype(np.int64) * MINUTE_NS
    meter = SpacingMeter(timeframe)
    for start, stop in _cuts(ts.size, cuts):
        meter.add(ts[start:stop])
    assert meter.spacing() == measure_spacing(ts, timeframe)
