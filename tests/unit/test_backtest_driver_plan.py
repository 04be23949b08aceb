"""``RowPlan``: a batch's row times read once a block, and the cursors checked to continue."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.runner.backtest_driver import RowPlan
from vibetrading_V2.runner.cursor import BarCursor


def _batch(local: list[int], ts: list[int], n_symbols: int) -> BarBatch:
    prices = [100.0] * len(ts)
    return BarBatch(tuple(f"S{k}" for k in range(n_symbols)), local, ts,
                    prices, prices, prices, prices, prices)


def _cursors(rows_per_symbol: list[int]) -> list[BarCursor]:
    cursors = []
    for k, rows in enumerate(rows_per_symbol):
        cursor = BarCursor(f"S{k}")
        cursor.bind(list(range(rows)), {"close": [100.0] * rows})
        cursors.append(cursor)
    return cursors


@given(st.lists(st.integers(0, 3), min_size=1, max_size=6), st.integers(1, 4))
def test_time_at_when_rows_read_in_any_order_then_each_row_its_own_time(
    steps: list[int], n_symbols: int
) -> None:
    times = np.cumsum(steps).tolist()  # equal times where a step is 0
    ts = [t for t in times for _ in range(n_symbols)]
    local = [k for _ in times for k in range(n_symbols)]
    plan = RowPlan(_batch(local, ts, n_symbols), list(range(n_symbols)),
                   _cursors([len(times)] * n_symbols))
    for row in [*range(len(ts)), *reversed(range(len(ts)))]:
        assert plan.time_at(row) == ts[row]


def test_row_plan_when_a_cursor_is_not_before_the_new_rows_then_value_error() -> None:
    cursors = _cursors([2, 2])
    cursors[1].index = 0  # already moved onto the first new bar
    with pytest.raises(ValueError, match="the cursor of S1 stands at bar 0"):
        RowPlan(_batch([0, 1, 0, 1], [1, 1, 2, 2], 2), [0, 1], cursors)
