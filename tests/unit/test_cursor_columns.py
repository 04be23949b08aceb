"""``bar["name"]`` reads the column bound last, whichever names were read before."""

from __future__ import annotations

from array import array

import pytest

from vibetrading_V2.runner.cursor import BarCursor

_RAW = ("open", "high", "low", "close", "volume")


def _columns(scale: float) -> dict[str, array[float]]:
    columns = {name: array("d", [scale, 2 * scale]) for name in _RAW}
    for k, name in enumerate(("fast", "slow", "third", "fourth", "fifth")):
        columns[name] = array("d", [scale * (k + 10), scale * (k + 20)])
    return columns


def test_getitem_when_many_names_read_then_each_its_own_column() -> None:
    cursor = BarCursor("AAA")
    cursor.bind(array("q", [0, 1]), _columns(1.0))
    cursor.index = 1
    names = ("fast", "slow", "third", "fourth", "fifth", "close")
    for _ in range(2):  # the second round reads through the names' caches
        assert [cursor[name] for name in names] == [20.0, 21.0, 22.0, 23.0, 24.0, 2.0]


def test_getitem_when_rebound_to_new_columns_then_no_value_of_the_old_ones() -> None:
    cursor = BarCursor("AAA")
    cursor.bind(array("q", [0, 1]), _columns(1.0))
    cursor.index = 0
    assert (cursor["fast"], cursor["slow"]) == (10.0, 11.0)
    cursor.bind(array("q", [0, 1]), _columns(100.0))
    assert (cursor["slow"], cursor["fast"]) == (1100.0, 1000.0)


def test_getitem_when_name_unknown_then_key_error_naming_the_nearest() -> None:
    cursor = BarCursor("AAA")
    cursor.bind(array("q", [0, 1]), _columns(1.0))
    cursor.index = 0
    with pytest.raises(KeyError, match="fast"):
        cursor["fasst"]


def test_follow_when_both_hold_the_same_rows_then_reads_the_leads_bar() -> None:
    lead, other = BarCursor("AAA"), BarCursor("AAA")
    lead.bind(array("q", [0, 1]), _columns(1.0))
    other.bind(array("q", [0, 1]), _columns(100.0))
    lead.index = 1
    other.follow(lead)
    assert (other.index, other.ts_ns, other["fast"], other.close) == (1, 1, 2000.0, 200.0)


def test_follow_when_its_history_dropped_more_rows_then_reads_its_own_row_of_the_bar() -> None:
    lead, other = BarCursor("AAA"), BarCursor("AAA")
    lead.bind(array("q", [5, 6, 7]), {name: array("d", [1.0, 2.0, 3.0]) for name in _RAW})
    other.bind(array("q", [6, 7]), {name: array("d", [20.0, 30.0]) for name in _RAW},
               offset=1)  # a live history that dropped the symbol's first bar
    lead.index = 2
    other.follow(lead)
    assert (other.index, other.ts_ns, other.close) == (2, 7, 30.0)
