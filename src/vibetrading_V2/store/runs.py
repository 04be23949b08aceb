"""Columns kept as runs of equal values, for the in-memory store's long columns.

A backtest stamps every row with its clock's time, and the rows of one bar (its fills'
orders, its intents and their orders) share one time: a year of minutes books about
three million rows on a few hundred thousand times. Kept as runs, a row costs a fraction
of the 8 bytes a plain column would take; the strategy id of each intent likewise, while one
strategy trades (several take turns: then a code a row, ``TextRuns``).
"""

from __future__ import annotations

from array import array

__all__ = ["IntRuns", "TextRuns"]

class IntRuns:
    """A column of ints as runs: each run's value, and the row count at each run's end.

    Why it exists: the store's ``recorded_ns`` columns repeat one value for many rows in a
    row. ``append``, ``truncate`` (a rollback) and ``tolist`` read back exactly what was
    appended. The open (last) run is counted in plain attributes, so appending its value
    again costs a compare and an increment.
    """

    __slots__ = ("_closed_ends", "_last", "_rows", "_values")

    def __init__(self) -> None:
        self._values: array[int] = array("q")  # every run's value, the open one's last
        self._closed_ends: array[int] = array("q")  # rows up to the end of each closed run
        self._last = 0  # the open run's value
        self._rows = 0

    def __len__(self) -> int:
        return self._rows

    @property
    def runs(self) -> int:
        """How many runs the rows make (the open one included)."""
        return len(self._values)

    def append(self, value: int) -> bool:
        """Append ``value``; True when it starts a run (it differs from the last)."""
        rows = self._rows
        if rows and value == self._last:
            self._rows = rows + 1
            return False
        if rows:
            self._closed_ends.append(rows)
        self._values.append(value)
        self._last = value
        self._rows = rows + 1
        return True

    def truncate(self, rows: int) -> None:
        """Keep the first ``rows`` rows."""
        if rows >= self._rows:
            return
        kept = _cut(self._closed_ends, rows)
        del self._values[kept:]
        self._rows = rows
        if kept:
            self._last = self._values[kept - 1]

    def tolist(self) -> list[int]:
        return _expand(list(self._values), self._closed_ends, self._rows)


class TextRuns:
    """A column of strings (the strategy id of each intent): each distinct string once, and
    each row's code as runs (``IntRuns``) while rows mostly repeat the one before, or as a
    plain list of codes once they mostly do not.

    Why it exists: one strategy's id repeats for every intent (no bytes a row); the intents
    of several strategies take turns, where a run a row would cost two appends and 16 bytes
    (``plain_after``: the runs seen before that is decided).
    """

    __slots__ = ("_code_of", "_codes", "_plain", "_plain_after", "_texts")

    def __init__(self, plain_after: int = 64) -> None:
        self._codes = IntRuns()
        self._plain: list[int] | None = None  # the codes a row, once runs no longer pay
        self._plain_after = plain_after
        self._code_of: dict[str, int] = {}
        self._texts: list[str] = []

    def __len__(self) -> int:
        plain = self._plain
        return len(self._codes) if plain is None else len(plain)

    def append(self, value: str) -> None:
        code = self._code_of.get(value)
        if code is None:
            code = self._code_of[value] = len(self._texts)
            self._texts.append(value)
        plain = self._plain
        if plain is not None:
            plain.append(code)
            return
        codes = self._codes
        if codes.append(code) and codes.runs > self._plain_after and 2 * codes.runs > len(codes):
            self._plain = codes.tolist()
            self._codes = IntRuns()

    def truncate(self, rows: int) -> None:
        """Keep the first ``rows`` rows (a string no longer used keeps its code)."""
        plain = self._plain
        if plain is None:
            self._codes.truncate(rows)
        else:
            del plain[rows:]

    def tolist(self) -> list[str]:
        texts = self._texts
        plain = self._plain
        return [texts[code] for code in (self._codes.tolist() if plain is None else plain)]


def _cut(closed_ends: array[int], rows: int) -> int:
    """Cut the closed runs' ends (in place) for the first ``rows`` rows (fewer than all):
    the runs left, the last of them now open. A run ending at or after ``rows`` but
    starting before it becomes the open one; those after it go."""
    kept = 0
    for end in closed_ends:  # the first run still going at row ``rows``
        if end > rows:
            break
        kept += 1
    # runs [0, kept) end at or before ``rows``; run ``kept`` (closed or the open one) starts
    # before ``rows`` unless the last kept run ends exactly there
    if rows == 0:
        del closed_ends[0:]
        return 0
    if kept and closed_ends[kept - 1] == rows:
        del closed_ends[kept - 1:]  # run kept - 1 ends at ``rows``: it is the open one now
        return kept
    del closed_ends[kept:]  # run ``kept`` goes on to ``rows`` and is the open one
    return kept + 1


def _expand(values: list[int], closed_ends: array[int], rows: int) -> list[int]:
    out: list[int] = []
    start = 0
    for k, value in enumerate(values):
        end = closed_ends[k] if k < len(closed_ends) else rows
        out.extend([value] * (end - start))
        start = end
    return out
