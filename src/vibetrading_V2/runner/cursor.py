"""The per-symbol bar view handed to ``Strategy.on_bar``.

One cursor per symbol is reused for every bar: the engine moves ``index`` forward and the
cursor reads prices and feature values out of compact columns of doubles, which are
several times cheaper to index one element at a time than numpy arrays. The row is kept
as a Python int too, made once per bar for all reads.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, Final

__all__ = ["VOLATILITY_COLUMN", "BarCursor"]

VOLATILITY_COLUMN: Final = "_volatility"
_CACHED_NAMES: Final = 4  # columns found by name identity before the dictionary is asked


class BarCursor:
    """Read-only view of the current bar of one symbol (fills the ``BarView`` protocol).

    Why it exists: it lets the strategy read ``bar.close`` or ``bar["sma_fast"]`` at the
    current bar without the engine building an object per bar.
    """

    __slots__ = (
        "_at", "_cached", "_close", "_columns", "_index", "_names", "_offset", "_ts", "position",
        "symbol",
    )

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self._index = -1
        self._offset = 0  # rows dropped from the front of a live history (a rolling window)
        self._at: object = -1
        self.position = 0.0
        self._ts: Sequence[int] = []
        self._columns: dict[str, Any] = {}
        self._close: Any = ()  # the close column (the engine reads it on most rows)
        # the first few names read, and their columns: a strategy reads the same few
        # columns every bar, named by the same (interned) strings, so comparing the
        # objects finds them faster than hashing into the dictionary
        self._names: list[str] = []
        self._cached: list[Any] = []

    def bind(self, ts_ns: Sequence[int], columns: dict[str, Any], offset: int = 0) -> None:
        """Point the cursor at this symbol's history (raw fields and feature columns).

        ``offset``: how many of the symbol's first bars the columns no longer hold (a live
        history keeps a rolling window); ``index`` still counts every bar since the first.
        """
        self._ts = ts_ns
        self._offset = offset
        self._columns = columns
        self._close = columns["close"]
        self._names = []
        self._cached = []

    @property
    def index(self) -> int:
        """The current bar's row in this symbol's history (the engine moves it)."""
        return self._index

    @index.setter
    def index(self, value: int) -> None:
        self._index = value
        # the row in the columns, made a Python int once here, not on every column read
        self._at = value - self._offset

    @property
    def ts_ns(self) -> int:
        return self._ts[self._index - self._offset]

    @property
    def open(self) -> float:
        return float(self._columns["open"][self._at])

    @property
    def high(self) -> float:
        return float(self._columns["high"][self._at])

    @property
    def low(self) -> float:
        return float(self._columns["low"][self._at])

    @property
    def close(self) -> float:
        return float(self._close[self._at])

    @property
    def volume(self) -> float:
        return float(self._columns["volume"][self._at])

    def __getitem__(self, name: str) -> Any:  # a float; Any keeps the stored float as is
        names = self._names
        for k in range(len(names)):
            if names[k] is name:
                return self._cached[k][self._at]
        return self._column_named(name)[self._at]

    def _column_named(self, name: str) -> Any:
        try:
            column = self._columns[name]
        except KeyError:
            close = difflib.get_close_matches(name, list(self._columns), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise KeyError(
                f"no column {name!r} for {self.symbol}{hint} "
                f"(available: {sorted(self._columns)})"
            ) from None
        if len(self._names) < _CACHED_NAMES:
            self._names.append(name)
            self._cached.append(column)
        return column

    @property
    def timestamps(self) -> Sequence[int]:
        """The bar times the columns hold (the last ``len`` of ``history_length`` bars)."""
        return self._ts

    @property
    def history_length(self) -> int:
        """Every bar of the symbol so far, including those a rolling window dropped."""
        return len(self._ts) + self._offset

    @property
    def volatility(self) -> float | None:
        """Annualised volatility at this bar, when the sizing policy asked for it."""
        column = self._columns.get(VOLATILITY_COLUMN)
        if column is None:
            return None
        value = float(column[self._index - self._offset])
        return value if value == value else None

    def __repr__(self) -> str:
        return f"BarCursor({self.symbol!r}, index={self.index})"
