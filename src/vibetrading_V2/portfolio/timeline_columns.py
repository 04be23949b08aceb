"""A numpy column that grows in place, batch after batch, without a copy of what it holds.

The run's kept columns (each distinct time, the end of its rows, the equity curve per
time) grow by a batch at a time for as long as the run goes on. The first part is kept as
it came (a one-batch backtest copies nothing); past it the column lives in a buffer that
doubles when full, so each value is copied a bounded number of times however long the
run (the spare end of a buffer is never written, so a large one's spare pages take no
memory).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["GrowingColumn"]

_FIRST_CAPACITY = 1024


class GrowingColumn:
    """A numpy column that is the first part given as it is, then grows in place.

    Why it exists: a paper or live run adds to its kept columns without end; a list of
    parts or a concatenation per batch would cost a copy of everything kept so far.
    """

    def __init__(self, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self._first: npt.NDArray[Any] | None = None
        self._buffer: npt.NDArray[Any] | None = None
        self._size = 0

    def add(self, values: npt.NDArray[Any]) -> None:
        values = np.ascontiguousarray(values, dtype=self.dtype)
        if self._first is None and self._buffer is None:
            self._first = values
            self._size = len(values)
            return
        size, end = self._size, self._size + len(values)
        buffer = self._buffer
        if buffer is None or end > len(buffer):
            grown = np.empty(max(end, 2 * size, _FIRST_CAPACITY), dtype=self.dtype)
            grown[:size] = self.values()
            buffer = self._buffer = grown
            self._first = None
        buffer[size:end] = values
        self._size = end

    def set_last(self, value: Any) -> None:
        """Overwrite the last value (of a column this class made: never the caller's)."""
        self.values()[-1] = value

    def widened(self, dtype: Any) -> GrowingColumn:
        """The same values in a wider type."""
        wider = GrowingColumn(dtype)
        wider.add(self.values().astype(dtype))
        return wider

    def values(self) -> npt.NDArray[Any]:
        """The column (a view: take it again after the column grows)."""
        if self._buffer is not None:
            return self._buffer[: self._size]
        return self._first if self._first is not None else np.empty(0, dtype=self.dtype)
