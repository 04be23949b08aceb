"""A run's equity, kept as its bars go past: the account's curve per time, the share of
rows holding a position, each strategy's net PnL per time, each symbol's first and last bar.

The engine hands over each chunk of walked rows (whole timestamps, in order) with the fills
booked so far; :class:`EquityTracker` values the chunk for the account and, in a run of
several strategies, for each strategy (its own fills, no starting cash, as
``strategy_equity.csv`` shows), and then forgets the rows.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.equity import EquityCurve, FloatArray, IntArray, _fill_columns
from vibetrading_V2.portfolio.running_equity import BarChunk, ChunkFills, CurveBook
from vibetrading_V2.portfolio.timeline import _first_rows

__all__ = ["EquityTracker", "RunEquity", "SymbolCloses"]


@dataclass(frozen=True, slots=True)
class RunEquity:
    """The account's curve per time, the fraction of rows with a position open, and each
    strategy's net PnL per time (empty for a run of one strategy).

    Why it exists: the results need these of a run's bars, not the bars.
    """

    account: EquityCurve
    exposure: float
    strategy_pnl: dict[str, FloatArray]
    initial_cash: float


class SymbolCloses:
    """Each symbol's first close and last bar (time, close), by code, as the rows go past.

    Why it exists: buy-and-hold and the open positions need them once the rows are gone.
    """

    def __init__(self) -> None:
        self.first = np.zeros(0, dtype=np.float64)
        self.last = np.zeros(0, dtype=np.float64)
        self.last_ts = np.zeros(0, dtype=np.int64)

    def grow(self, n_symbols: int) -> None:
        extra = n_symbols - len(self.first)
        if extra > 0:
            self.first = np.append(self.first, np.full(extra, np.nan))
            self.last = np.append(self.last, np.full(extra, np.nan))
            self.last_ts = np.append(self.last_ts, np.zeros(extra, dtype=np.int64))

    def advance(self, codes: IntArray, ts: IntArray, close: FloatArray) -> None:
        """Take the rows' closes (the symbols' codes below ``len(self.first)``)."""
        k = len(self.first)
        first = _first_rows(codes, k)
        seen = first >= 0
        new = seen & np.isnan(self.first)
        self.first[new] = close[first[new]]
        last = len(codes) - 1 - _first_rows(codes[::-1], k)
        self.last[seen] = close[last[seen]]
        self.last_ts[seen] = ts[last[seen]]


class EquityTracker:
    """Values each chunk of walked rows for the account and each strategy, then lets it go.

    Why it exists: the equity curve used to be rebuilt after the run from every row's close
    and symbol kept to the end (190 MB at 40 symbols × a year of minutes, and without end
    in a paper or live process).
    """

    def __init__(self, initial_cash: float, strategy_ids: Sequence[str] = ()) -> None:
        self.initial_cash = float(initial_cash)
        self.account = CurveBook(initial_cash)
        ids = list(dict.fromkeys(strategy_ids))
        self.strategies = {sid: CurveBook(0.0) for sid in ids} if len(ids) > 1 else {}
        self.closes = SymbolCloses()
        self.rows = 0
        self._next_fill = 0

    def value(self, codes: IntArray, ts: IntArray, close: FloatArray, symbols: Sequence[str],
              fills: Sequence[Fill], fill_rows: array[int]) -> None:
        """Value the next rows (whole timestamps) with the fills booked on them."""
        n = len(ts)
        if n == 0:
            return
        names = tuple(symbols)
        self.closes.grow(len(names))
        chunk = BarChunk(np.asarray(codes), ts, close, self.closes.last.copy())
        booked = self._fills_before(self.rows + n, fills, fill_rows, names)
        self.account.value(chunk, booked[0], names)
        owner = booked[1]
        for sid, book in self.strategies.items():
            book.value(chunk, booked[0].subset(owner == sid), names)
        self.closes.advance(chunk.codes, ts, close)
        self.rows += n

    def result(self, fills: Sequence[Fill], fill_rows: array[int],
               times: IntArray) -> RunEquity:
        """The run's equity once every row was valued (every fill must have been); ``times``:
        each time of the rows once, in order."""
        if self._next_fill < len(fills):
            row = fill_rows[self._next_fill]
            raise ValueError(f"fill_row must lie in [0, {self.rows}): a fill is at row {row}")
        exposure = self.account.open_rows / self.rows if self.rows else 0.0
        pnl = {sid: book.curve(times).equity for sid, book in self.strategies.items()}
        return RunEquity(self.account.curve(times), exposure, pnl, self.initial_cash)

    def _fills_before(self, stop: int, fills: Sequence[Fill], fill_rows: array[int],
                      symbols: tuple[str, ...]) -> tuple[ChunkFills, np.ndarray]:
        """The fills booked on rows ``[self.rows, stop)`` (chunk rows) and their owners."""
        first = self._next_fill
        rows = np.asarray(fill_rows[first:], dtype=np.int64)
        if len(rows) and (rows[0] < self.rows or bool(np.any(rows[1:] < rows[:-1]))):
            raise ValueError("fill_row must be non-decreasing: fills are applied in time order")
        k = int(np.searchsorted(rows, stop, side="left"))
        mine = fills[first : first + k]
        unknown = sorted({f.symbol for f in mine} - set(symbols))
        if unknown:
            raise ValueError(f"fills of symbols not in the timeline: {', '.join(unknown)}")
        code, signed, price, fee = _fill_columns(mine, symbols)
        self._next_fill = first + k
        owner = np.array([f.strategy_id for f in mine], dtype=object) if self.strategies \
            else np.empty(0, dtype=object)
        return ChunkFills(code, signed, price, fee, rows[:k] - self.rows), owner
