"""Columns kept as runs of equal values, for the in-memory store's long columns.

A backtest stamps every row with its clock's time, and the rows of one bar (its fills'
orders, its intents and their orders) share one time: a year of minutes books about
three million rows on a few hundred thousand times. Kept as runs, a row costs a fraction
of the 8 bytes a plain column would take; the strategy id of each intent likewise.
"""

from __future__ import annotations

from array import array

__all__ = ["IntRuns", "TextRuns"]


class IntRuns:
    """A column of ints as runs: each run's value and the row count up to its end.

    Why it exists: the store's ``recorded_ns`` columns and intent times repeat one value
    for many rows in a row. ``append``, ``truncate`` (a rollback) and ``tolist`` read
    back exactly what was appended.
    """

    __slots__ = ("_ends", "_values")

    def __init__(self) -> None:
        self._values: array[int] = array("q")
        self._ends: array[int] = array("q")  # rows up to the end of each run

    def __len__(self) -> int:
        ends = self._ends
        return ends[len(ends) - 1] if ends else 0

    def append(self, value: int) -> None:
        values, ends = self._values, self._ends
        last = len(values) - 1
        if last >= 0 and values[last] == value:
            ends[last] += 1
        else:
            values.append(value)
            ends.append(ends[last] + 1 if last >= 0 else 1)

    def truncate(self, rows: int) -> None:
        """Keep the first ``rows`` rows."""
        del self._values[_runs_kept(self._ends, rows):]

    def tolist(self) -> list[int]:
        out: list[int] = []
        start = 0
        for value, end in zip(self._values, self._ends, strict=True):
            out.extend([value] * (end - start))
            start = end
        return out


class TextRuns:
    """A column of strings as runs (the strategy id of each intent): see ``IntRuns``."""

    __slots__ = ("_ends", "_values")

    def __init__(self) -> None:
        self._values: list[str] = []
        self._ends: array[int] = array("q")

    def __len__(self) -> int:
        ends = self._ends
        return ends[len(ends) - 1] if ends else 0

    def append(self, value: str) -> None:
        values, ends = self._values, self._ends
        last = len(values) - 1
        if last >= 0 and values[last] == value:
            ends[last] += 1
        else:
            values.append(value)
            ends.append(ends[last] + 1 if last >= 0 else 1)

    def truncate(self, rows: int) -> None:
        """Keep the first ``rows`` rows."""
        del self._values[_runs_kept(self._ends, rows):]

    def tolist(self) -> list[str]:
        out: list[str] = []
        start = 0
        for value, end in zip(self._values, self._ends, strict=True):
            out.extend([value] * (end - start))
            start = end
        return out


def _runs_kept(ends: array[int], rows: int) -> int:
    """Cut the run ends ``ends`` (in place) to the first ``rows`` rows; the runs kept."""
    kept = len(ends)
    while kept > 0 and ends[kept - 1] > rows:
        start = ends[kept - 2] if kept >= 2 else 0
        if start >= rows:
            kept -= 1
        else:
            ends[kept - 1] = rows
            break
    del ends[kept:]
    return kept
