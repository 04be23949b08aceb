"""A numpy column that grows in place, batch after batch, without a copy of what it holds.

The run's kept columns (each distinct time, the end of its rows, the equity curve per
time) grow by a batch at a time for as long as the run goes on; ``array.array`` grows
amortised, and the first part is kept as it came (a one-batch backtest copies nothing).
"""

from __future__ import annotations

from array import array
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["GrowingColumn"]


class GrowingColumn:
    """A numpy column that is the first part given as it is, then grows in place.

    Why it exists: a paper or live run adds to its kept columns without end; a list of
    parts or a concatenation per batch would cost a copy of everything kept so far.
    Booleans are held as bytes (``array`` has no boolean type) and read back as booleans.
    """

    def __init__(self, dtype: Any) -> None:
        self.dtype = np.dtype(dtype)
        self._stored = np.dtype(np.uint8) if self.dtype == np.bool_ else self.dtype
        self._first: npt.NDArray[Any] | None = None
        self._grown: array[Any] | None = None

    def add(self, values: npt.NDArray[Any]) -> None:
        values = np.ascontiguousarray(values, dtype=self.dtype)
        if self._first is None and self._grown is None:
            self._first = values
            return
        if self._grown is None:
            assert self._first is not None
            self._grown = array(self._stored.char)
            self._grown.frombytes(self._first.data.cast("B"))
            self._first = None
        self._grown.frombytes(values.data.cast("B"))

    def set_last(self, value: Any) -> None:
        """Overwrite the last value (of a column this class made: never the caller's)."""
        if self._grown is not None:
            self._grown[-1] = value
        else:
            assert self._first is not None
            self._first[-1] = value

    def widened(self, dtype: Any) -> GrowingColumn:
        """The same values in a wider type."""
        wider = GrowingColumn(dtype)
        wider.add(self.values().astype(dtype))
        return wider

    def values(self) -> npt.NDArray[Any]:
        """The column (a view: the column must not grow while it is used)."""
        if self._grown is not None:
            return np.frombuffer(self._grown, dtype=self._stored).view(self.dtype)
        return self._first if self._first is not None else np.empty(0, dtype=self.dtype)
