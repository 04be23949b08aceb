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
    """Each symbol's first bar (row, close) and last bar (time, close), by code, as the
    rows go past (row -1, NaN closes: no bar of it yet).

    Why it exists: buy-and-hold and the open positions need them once the rows are gone.
    """

    def __init__(self) -> None:
        self.first = np.zeros(0, dtype=np.float64)
        self.first_row = np.zeros(0, dtype=np.int64)
        self.last = np.zeros(0, dtype=np.float64)
        self.last_ts = np.zeros(0, dtype=np.int64)

    def grow(self, n_symbols: int) -> None:
        extra = n_symbols - len(self.first)
        if extra > 0:
            self.first = np.append(self.first, np.full(extra, np.nan))
            self.first_row = np.append(self.first_row, np.full(extra, -1, dtype=np.int64))
            self.last = np.append(self.last, np.full(extra, np.nan))
            self.last_ts = np.append(self.last_ts, np.zeros(extra, dtype=np.int64))

    def advance(self, codes: IntArray, ts: IntArray, close: FloatArray, start: int) -> None:
        """Take the rows' closes (the symbols' codes below ``len(self.first)``; the rows
        begin at run row ``start``)."""
        k = len(self.first)
        first = _first_rows(codes, k)
        seen = first >= 0
        new = seen & np.isnan(self.first)
        self.first[new] = close[first[new]]
        self.first_row[new] = first[new] + start
        last = len(codes) - 1 - _first_rows(codes[::-1], k)
        self.last[seen] = close[last[seen]]
        self.last_ts[seen] = ts[last[seen]]


class _Books:
    """The account's book and, in a run of several strategies, one per strategy."""

    def __init__(self, initial_cash: float, strategy_ids: list[str]) -> None:
        self.account = CurveBook(initial_cash)
        several = len(strategy_ids) > 1
        self.strategies = ({sid: CurveBook(0.0, equity_only=True) for sid in strategy_ids}
                           if several else {})

    def value(self, chunk: BarChunk, fills: Sequence[Fill], rows: IntArray,
              symbols: tuple[str, ...]) -> None:
        code, signed, price, fee = _fill_columns(fills, symbols)
        booked = ChunkFills(code, signed, price, fee, rows)
        self.account.value(chunk, booked, symbols)
        if self.strategies:  # each fill's strategy by number: no string compared per book
            number = {sid: k for k, sid in enumerate(self.strategies)}
            owner = np.fromiter((number.get(f.strategy_id, -1) for f in fills),
                                dtype=np.int64, count=len(fills))
            for k, book in enumerate(self.strategies.values()):
                book.value(chunk, booked.subset(owner == k), symbols)

    def result(self, rows: int, times: IntArray, initial_cash: float) -> RunEquity:
        exposure = self.account.open_rows / rows if rows else 0.0
        pnl = {sid: book.equity(times) for sid, book in self.strategies.items()}
        return RunEquity(self.account.curve(times), exposure, pnl, initial_cash)


class EquityTracker:
    """Values each chunk of walked rows for the account and each strategy, then lets it go.

    Why it exists: the equity curve used to be rebuilt after the run from every row's close
    and symbol kept to the end (190 MB at 40 symbols × a year of minutes, and without end
    in a paper or live process).
    ``opening``: a resumed session's earlier fills, booked at their symbol's first row of
    the run before its own fills there, so the curve starts from the session's cash and
    positions; if a symbol of them gets no bar, the curve is the run's alone (it could not
    be valued), and ``opened`` says so.
    """

    def __init__(self, initial_cash: float, strategy_ids: Sequence[str] = (),
                 opening: Sequence[Fill] = ()) -> None:
        self.initial_cash = float(initial_cash)
        ids = list(dict.fromkeys(strategy_ids))
        self._books = _Books(initial_cash, ids)
        self._opening = list(opening)
        self._opened = _Books(initial_cash, ids) if opening else None
        self.closes = SymbolCloses()
        self.rows = 0
        self._next_fill = 0
        self._names: tuple[str, ...] = ()

    @property
    def opened(self) -> bool:
        """True when the earlier fills are in the curve (every symbol of them had a bar)."""
        rows = self.closes.first_row.tolist()
        seen = {s for s, row in zip(self._names, rows, strict=False) if row >= 0}
        return self._opened is not None and all(f.symbol in seen for f in self._opening)

    def value(self, codes: IntArray, ts: IntArray, close: FloatArray, symbols: Sequence[str],
              fills: Sequence[Fill], fill_rows: array[int]) -> None:
        """Value the next rows (whole timestamps) with the fills booked on them."""
        n = len(ts)
        if n == 0:
            return
        names = self._names = tuple(symbols)
        self.closes.grow(len(names))
        chunk = BarChunk(np.asarray(codes), ts, close, self.closes.last.copy())
        mine, rows = self._fills_before(self.rows + n, fills, fill_rows, names)
        self._books.value(chunk, mine, rows, names)
        if self._opened is not None:
            self._opened.value(chunk, *self._with_opening(chunk, mine, rows, names), names)
        self.closes.advance(chunk.codes, ts, close, self.rows)
        self.rows += n

    def result(self, fills: Sequence[Fill], fill_rows: array[int],
               times: IntArray) -> RunEquity:
        """The run's equity once every row was valued (every fill must have been); ``times``:
        each time of the rows once, in order."""
        if self._next_fill < len(fills):
            row = fill_rows[self._next_fill]
            raise ValueError(f"fill_row must lie in [0, {self.rows}): a fill is at row {row}")
        books = self._opened if self._opened is not None and self.opened else self._books
        return books.result(self.rows, times, self.initial_cash)

    def _with_opening(self, chunk: BarChunk, fills: list[Fill], rows: IntArray,
                      symbols: tuple[str, ...]) -> tuple[list[Fill], IntArray]:
        """The chunk's fills with the earlier fills of the symbols whose first bar is in it,
        at that bar's row and before the fills booked there."""
        first = _first_rows(chunk.codes, len(symbols))
        new = {symbols[c]: int(first[c]) for c in np.flatnonzero(
            (first >= 0) & np.isnan(self.closes.first)).tolist()}
        opening = [(new[f.symbol], 0, k, f) for k, f in enumerate(self._opening)
                   if f.symbol in new]
        if not opening:
            return fills, rows
        tagged = opening + [(r, 1, k, f) for k, (r, f) in enumerate(zip(
            rows.tolist(), fills, strict=True))]
        tagged.sort(key=lambda t: (t[0], t[1], t[2]))
        return [t[3] for t in tagged], np.array([t[0] for t in tagged], dtype=np.int64)

    def _fills_before(self, stop: int, fills: Sequence[Fill], fill_rows: array[int],
                      symbols: tuple[str, ...]) -> tuple[list[Fill], IntArray]:
        """The fills booked on rows ``[self.rows, stop)`` and their chunk rows."""
        first = self._next_fill
        rows = np.asarray(fill_rows[first:], dtype=np.int64)
        if len(rows) and (rows[0] < self.rows or bool(np.any(rows[1:] < rows[:-1]))):
            raise ValueError("fill_row must be non-decreasing: fills are applied in time order")
        k = int(np.searchsorted(rows, stop, side="left"))
        mine = list(fills[first : first + k])
        unknown = sorted({f.symbol for f in mine} - set(symbols))
        if unknown:
            raise ValueError(f"fills of symbols not in the timeline: {', '.join(unknown)}")
        self._next_fill = first + k
        return mine, rows[:k] - self.rows
