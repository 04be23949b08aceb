"""A resumed session's earlier bars as the run's first rows, each earlier fill at its bar.

A restarted paper session trades only the bars after its resume point; the bars before it
warm the strategies up (``TradingEngine.warm_up``). Handed to the run's timeline here too,
with the session's earlier fills booked at their bars, they make the run's equity curve
(``equity.csv``, the summary) the one of a single uninterrupted run over the session.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Fill

__all__ = ["SessionBars"]


class RowKeeper(Protocol):
    """Why: what of the run's timeline recorder the earlier bars go into."""

    def add(self, batch: BarBatch, codes: list[int], symbols: list[str]) -> None: ...


class SessionBars:
    """Adds the warm-up bars to the run's timeline and the earlier fills at their rows.

    Why it exists: without them a resumed session's curve would start at this start's
    first bar. ``fills``/``fill_rows``: the run's own record, which the curve is valued
    from; ``earlier``: the session's fills before this start, in booking order.
    """

    def __init__(self, keeper: RowKeeper, earlier: Sequence[Fill], fills: list[Fill],
                 fill_rows: array[int]) -> None:
        self._keeper = keeper
        self._pending = list(earlier)
        self._fills = fills
        self._fill_rows = fill_rows
        self.rows = 0  # the earlier bars' rows so far
        self._taken = 0

    def add(self, batch: BarBatch, codes: list[int], symbols: list[str]) -> None:
        """Book the earlier fills up to the batch's last time at their rows; keep its rows."""
        ts = np.asarray(batch.ts_ns, dtype=np.int64)
        if len(ts) == 0:
            return
        last = int(ts[-1])
        while self._pending and self._pending[0].ts_ns <= last:
            fill = self._pending.pop(0)
            at = max(int(np.searchsorted(ts, fill.ts_ns, side="right")) - 1, 0)
            self._book(fill, self.rows + at)
        self._keeper.add(batch, codes, symbols)
        self.rows += len(ts)

    def start(self) -> int:
        """This start's first bar comes: the fills left (of the bar a killed start had not
        finished) go on its first row; the rows added since the last call."""
        for fill in self._pending:
            self._book(fill, self.rows)
        self._pending.clear()
        taken, self._taken = self.rows - self._taken, self.rows
        return taken

    def _book(self, fill: Fill, row: int) -> None:
        self._fills.append(fill)
        self._fill_rows.append(row)
