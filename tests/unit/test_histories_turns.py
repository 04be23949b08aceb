"""``SymbolHistories.extend`` on a merged batch: symbols taking turns get strided views."""

from __future__ import annotations

import numpy as np

from vibetrading_V2.runner.histories import _turns


def test_turns_when_symbols_take_turns_then_each_first_row() -> None:
    local = np.array([2, 0, 1] * 4, dtype=np.int64)
    assert _turns(local, 3) == [1, 2, 0]


def test_turns_when_order_changes_or_a_symbol_misses_a_time_then_empty() -> None:
    assert _turns(np.array([0, 1, 1, 0], dtype=np.int64), 2) == []
    assert _turns(np.array([0, 1, 0], dtype=np.int64), 2) == []
    assert _turns(np.array([0, 0, 1, 1], dtype=np.int64), 2) == []
