"""The per-symbol bar view handed to ``Strategy.on_bar``.

One cursor per symbol is reused for every bar: the engine moves ``index`` forward and the
cursor reads prices and feature values out of compact columns of doubles, which are
several times cheaper to index one element at a time than numpy arrays. The row is kept
as a Python int too, made once per bar for all reads.

``bar.prev(name, bars)`` looks back: the value ``bars`` bars before this one, NaN before the
symbol's first bar, a ``StrategyError`` past ``lookback`` (the bars a live history always
keeps, the same bound in a backtest so both runs behave alike) and for a negative count,
which would read the future.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Sequence
from typing import Any, Final

from vibetrading_V2.core.errors import StrategyError

__all__ = ["VOLATILITY_COLUMN", "BarCursor"]

VOLATILITY_COLUMN: Final = "_volatility"
_CACHED_NAMES: Final = 4  # columns found by name identity before the dictionary is asked


class BarCursor:
    """Read-only view of the current bar of one symbol (fills the ``BarView`` protocol).

    Why it exists: it lets the strategy read ``bar.close`` or ``bar["sma_fast"]`` at the
    current bar without the engine building an object per bar.
    """

    __slots__ = (
        "_at", "_cached", "_close", "_columns", "_first", "_first_name", "_index", "_lookback",
        "_names", "_offset", "_second", "_second_name", "_ts", "position", "symbol",
    )

    def __init__(self, symbol: str, lookback: int | None = None) -> None:
        """``lookback``: how far back ``prev`` may read (``None``: the whole history)."""
        self.symbol = symbol
        self._lookback = lookback
        self._index = -1
        self._offset = 0  # rows dropped from the front of a live history (a rolling window)
        self._at: object = -1
        self.position = 0.0
        self._ts: Any = []  # Any: indexed with the boxed ``_at``, no int made per read
        self._columns: dict[str, Any] = {}
        self._close: Any = ()  # the close column (the engine reads it on most rows)
        # the first few names read, and their columns: a strategy reads the same few
        # columns every bar, named by the same (interned) strings, so comparing the
        # objects finds them faster than hashing into the dictionary
        self._names: list[str] = []
        self._cached: list[Any] = []
        # the first two names read and their columns again, compared before the list
        self._first_name: str | None = None
        self._first: Any = ()
        self._second_name: str | None = None
        self._second: Any = ()

    def bind(self, ts_ns: Sequence[int], columns: dict[str, Any], offset: int = 0) -> None:
        """Point the cursor at this symbol's history (raw fields and feature columns).

        ``offset``: how many of the symbol's first bars the columns no longer hold (a live
        history keeps a rolling window); ``index`` still counts every bar since the first.
        """
        self._ts = ts_ns
        self._offset = offset
        self._at = self._index - offset
        self._columns = columns
        self._close = columns["close"]
        self._names = []
        self._cached = []
        self._first_name = self._second_name = None
        self._first = self._second = ()

    @property
    def index(self) -> int:
        """The current bar's row in this symbol's history (the engine moves it)."""
        return self._index

    @index.setter
    def index(self, value: int) -> None:
        self._index = value
        # the row in the columns, made a Python int once here, not on every column read
        self._at = value - self._offset

    def follow(self, lead: BarCursor) -> None:
        """Stand at ``lead``'s bar (another strategy's cursor of the same symbol): over the
        same rows, share its row object rather than make one more each bar."""
        if self._offset == lead._offset:
            self._index = lead._index
            self._at = lead._at
        else:
            self.index = lead._index

    @property
    def ts_ns(self) -> int:
        ts: int = self._ts[self._at]
        return ts

    @property
    def open(self) -> float:
        value: float = self._columns["open"][self._at]
        return value

    @property
    def high(self) -> float:
        value: float = self._columns["high"][self._at]
        return value

    @property
    def low(self) -> float:
        value: float = self._columns["low"][self._at]
        return value

    @property
    def close(self) -> float:
        # a column of doubles gives a float: unboxed as it is, not converted by ``float()``
        value: float = self._close[self._at]
        return value

    @property
    def volume(self) -> float:
        value: float = self._columns["volume"][self._at]
        return value

    def __getitem__(self, name: str) -> Any:  # a float; Any keeps the stored float as is
        if name is self._first_name:
            return self._first[self._at]
        if name is self._second_name:
            return self._second[self._at]
        names = self._names
        for k in range(len(names)):
            if names[k] is name:
                return self._cached[k][self._at]
        return self._column_named(name)[self._at]

    def prev(self, name: str, bars: int = 1) -> float:
        """Column ``name`` (a raw field or a feature) ``bars`` bars before this one.

        ``prev("close")`` is the previous bar's close, ``prev("close", 0)`` this bar's. NaN
        before the symbol's first bar (as ``shift`` gives); a ``StrategyError`` for a
        negative count (the future) or one past the bars the history keeps.
        """
        if bars < 0 or (self._lookback is not None and bars > self._lookback):
            raise self._lookback_error(name, bars)
        if self._index < bars:
            return math.nan
        row = self._index - self._offset - bars
        if row < 0:  # dropped from a live history (only without a lookback bound)
            raise self._lookback_error(name, bars)
        return float(self._column_named(name)[row])

    def _lookback_error(self, name: str, bars: int) -> StrategyError:
        if bars < 0:
            return StrategyError(
                f"bar.prev({name!r}, {bars}) asks for a bar after this one: no look-ahead",
                field="bars",
                hint=f"count bars back with a positive number: bar.prev({name!r}, {-bars}) "
                f"is {-bars} bar(s) before this one",
            )
        kept = self._lookback if self._lookback is not None else self._index - self._offset
        return StrategyError(
            f"bar.prev({name!r}, {bars}) reaches further back than the {kept} bars the "
            f"history of {self.symbol} keeps",
            field="bars",
            hint="raise engine.feature_window (or the strategy's warmup_bars), or compute "
            f"the value in features(), e.g. frame[{name!r}].shift({bars})",
        )

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
            if self._first_name is None:
                self._first_name, self._first = name, column
            elif self._second_name is None:
                self._second_name, self._second = name, column
        return column

    @property
    def timestamps(self) -> Sequence[int]:
        """The bar times the columns hold (the last ``len`` of ``history_length`` bars)."""
        ts: Sequence[int] = self._ts
        return ts

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
