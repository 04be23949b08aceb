"""The equity curve per timestamp, valued a chunk of walked bars at a time during the run.

A run used to keep each row's close and symbol code to the end only to rebuild the curve
afterwards (:mod:`~vibetrading_V2.portfolio.timeline_equity`). Here each chunk of rows
(whole timestamps, in order) is valued once with the fills booked on it, and what the next
chunk needs is carried: each symbol's position and last close, and the cash. Kept are the
values at the last row of each time and the count of rows holding a position. The sums are
those of the whole-timeline curve, in the same order (each symbol's ``quantity * last
close`` added in ascending code to ``0.0``, cash subtracted fill after fill, positions
netted by :class:`~vibetrading_V2.portfolio.netting.NetPosition`'s rule), so the values
are bit-identical to it. Work per chunk is numpy over its rows plus a step per symbol held.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vibetrading_V2.portfolio.equity import (
    BoolArray,
    EquityCurve,
    FloatArray,
    IntArray,
    _cash_after,
    _covered,
    _frozen,
    grouped,
    net_quantities,
)
from vibetrading_V2.portfolio.row_layout import turn_places
from vibetrading_V2.portfolio.timeline_columns import GrowingColumn

__all__ = ["BarChunk", "ChunkFills", "CurveBook", "in_force"]

_DENSE = 4  # a symbol held at a quarter of the wanted rows or more is added over all of them


@dataclass(slots=True)
class BarChunk:
    """Consecutive rows of a run (whole timestamps) and each symbol's close before them.

    Why it exists: every book of the run values the same rows against the same marks;
    the rows of each symbol are sorted out once, on first need.
    """

    codes: IntArray
    ts: IntArray
    close: FloatArray
    close_before: FloatArray
    """Each symbol's last close before the chunk (NaN: no bar of it yet), by code."""
    wanted: IntArray = field(init=False)
    """The last row of each time: the rows the curve is kept at."""
    _bars_of: Callable[[int], IntArray] | None = field(init=False, default=None)
    _every_time: dict[int, bool] = field(init=False, default_factory=dict)
    """Per symbol code asked: whether it has a bar at every time of the chunk."""
    _turn: dict[int, int] | None = field(init=False, default=None)
    """In the turns layout, each code's place in every time's rows (else empty)."""

    def __post_init__(self) -> None:
        ts = self.ts
        self.wanted = np.append(np.flatnonzero(ts[1:] != ts[:-1]), len(ts) - 1)

    def __len__(self) -> int:
        return len(self.ts)

    @property
    def n_symbols(self) -> int:
        return len(self.close_before)

    def bars_of(self, code: int) -> IntArray:
        """The rows of symbol ``code`` in the chunk, ascending."""
        if self._bars_of is None:
            self._bars_of = grouped(self.codes, self.n_symbols, self.n_symbols == 1)
        return self._bars_of(code)

    def closes_at_wanted(self, code: int) -> FloatArray | None:
        """``closes_at(code, wanted)`` where the layout gives it without a search; else
        ``None``. In the turns layout (every time holds the same symbols in the same order,
        one row each: a merged feed's usual one) a strided view of ``close``; the only
        symbol's closes; a symbol with a bar at every time, its bars' closes."""
        if self.n_symbols > 1 and len(self.wanted) < len(self.ts):
            places = self._turn_places()
            place = places.get(code)
            if place is not None:
                turn: FloatArray = self.close[place :: len(places)]
                return turn
        bars = self.bars_of(code)
        if len(bars) == len(self.ts):  # the only symbol: a time's last row is its bar
            only: FloatArray = (self.close if len(self.wanted) == len(self.ts)
                                else self.close[self.wanted])
            return only
        if self._at_every_time(code, bars):
            every: FloatArray = self.close[bars]
            return every
        return None

    def _turn_places(self) -> dict[int, int]:
        """Each code's place in a time's rows in the turns layout (made once); else empty."""
        if self._turn is None:
            self._turn = _turn_places(self.codes, self.ts, len(self.wanted))
        return self._turn

    def _at_every_time(self, code: int, bars: IntArray) -> bool:
        """Whether ``code`` has a bar at every time of the chunk (asked once per code)."""
        every = self._every_time.get(code)
        if every is None:
            every = self._every_time[code] = len(bars) == len(self.wanted) and bool(
                np.array_equal(self.ts[bars], self.ts[self.wanted]))
        return every

    def closes_at(self, code: int, rows: IntArray) -> FloatArray:
        """The last close of ``code`` at or before each of ``rows`` (sorted)."""
        bars = self.bars_of(code)
        before = self.close_before[code]
        if len(bars) == 0:
            return np.full(len(rows), before)
        if len(bars) == len(self.ts):  # the only symbol: each row is its own bar
            every: FloatArray = self.close[rows]
            return every
        slot = bars.searchsorted(rows, side="right")
        slot -= 1
        marked: FloatArray = self.close[bars[np.maximum(slot, 0)]]
        marked[slot < 0] = before
        return marked


@dataclass(frozen=True, slots=True)
class ChunkFills:
    """The fills booked on a chunk's rows: symbol code, signed quantity, price, fee, and
    the chunk's row (ascending), one array each."""

    code: IntArray
    signed: FloatArray
    price: FloatArray
    fee: FloatArray
    rows: IntArray

    def subset(self, mask: BoolArray) -> ChunkFills:
        return ChunkFills(self.code[mask], self.signed[mask], self.price[mask],
                          self.fee[mask], self.rows[mask])


class CurveBook:
    """One account's (or one strategy's) curve per time, valued chunk after chunk.

    Why it exists: the curve is kept as the run goes, so a run keeps no close or code per
    row; the position of each symbol and the cash are carried from chunk to chunk.
    """

    def __init__(self, initial_cash: float, *, equity_only: bool = False) -> None:
        """``equity_only``: keep the equity alone (a strategy's book: its curve is its
        PnL), not the cash, gross exposure, "invested" flags and open rows."""
        self.cash = float(initial_cash)
        self.equity_only = equity_only
        self.open_rows = 0
        self._quantity: FloatArray = np.zeros(0, dtype=np.float64)
        self._cash = GrowingColumn(np.float64)
        self._gross = GrowingColumn(np.float64)
        self._equity = GrowingColumn(np.float64)
        self._invested = GrowingColumn(np.bool_)

    def value(self, chunk: BarChunk, fills: ChunkFills, symbols: tuple[str, ...]) -> None:
        """Book the chunk's fills and keep the curve at the last row of each of its times."""
        k = chunk.n_symbols
        if len(self._quantity) < k:
            self._quantity = np.append(self._quantity, np.zeros(k - len(self._quantity)))
        wanted = chunk.wanted
        cash_after = _cash_after(fills.signed, fills.price, fills.fee, self.cash)
        cash = in_force(cash_after, fills.rows, wanted, len(chunk))
        self.cash = float(cash_after[-1])
        value, gross, invested = self._marked(chunk, fills, symbols)
        self._equity.add(cash + value)
        if not self.equity_only:
            self._cash.add(cash)
            self._gross.add(gross)
            self._invested.add(invested)

    def equity(self, times: IntArray) -> FloatArray:
        """The equity so far at ``times`` (a view of the kept column: take it once)."""
        kept: FloatArray = self._equity.values()
        if len(times) != len(kept):
            raise ValueError(f"{len(times)} times for a curve of {len(kept)}")
        return kept

    def curve(self, times: IntArray) -> EquityCurve:
        """The curve so far at ``times``, each time valued once, in order (views of the
        kept columns: take it once, at the end)."""
        if self.equity_only:
            raise ValueError("a book that keeps its equity only has no whole curve")
        if len(times) != len(self._cash.values()):
            raise ValueError(f"{len(times)} times for a curve of {len(self._cash.values())}")
        return _frozen(times.view(), self._cash.values(), self._gross.values(),
                       self._equity.values(), self._invested.values())

    def _marked(
        self, chunk: BarChunk, fills: ChunkFills, symbols: tuple[str, ...]
    ) -> tuple[FloatArray, FloatArray, BoolArray]:
        """Value, gross exposure and "invested" at the wanted rows (an equity-only book:
        the value; the others empty); positions moved on."""
        wanted, n = chunk.wanted, len(chunk)
        m = len(wanted)
        value = np.zeros(m, dtype=np.float64)
        kept = 0 if self.equity_only else m  # an equity-only book fills neither
        gross = np.zeros(kept, dtype=np.float64)
        invested = np.zeros(kept, dtype=np.bool_)
        fills_of = grouped(fills.code, chunk.n_symbols, False)
        traded = np.unique(fills.code)
        held = np.union1d(np.flatnonzero(self._quantity != 0.0), traded).tolist()
        starts, ends = [], []
        for s in held:  # ascending code: the whole-timeline curve's order of the sums
            mine = fills_of(s)
            if len(mine) and np.isnan(chunk.close_before[s]):
                _check_first_bar(chunk, int(fills.rows[mine[0]]), s, symbols)
            bounds, qty = self._steps(s, fills, mine)
            seg_start = np.concatenate(([0], bounds))
            seg_end = np.append(bounds, n)
            open_ = (qty != 0.0) & (seg_end > seg_start)
            starts.append(seg_start[open_])
            ends.append(seg_end[open_])
            qty_wanted = in_force(qty, bounds, wanted, n)
            held_at = qty_wanted != 0.0
            closes = chunk.closes_at_wanted(s)
            if closes is not None and _DENSE * int(np.count_nonzero(held_at)) >= m:
                self._add_dense(value, gross, invested, qty_wanted, held_at, closes)
                continue
            at = np.flatnonzero(held_at)
            if len(at):
                q = qty_wanted[at]
                marked = chunk.closes_at(s, wanted[at]) if closes is None else closes[at]
                marked *= q
                value[at] += marked
                if not self.equity_only:
                    np.negative(marked, out=marked, where=q < 0.0)  # |qty| * close, exactly
                    gross[at] += marked
                    invested[at] = True
        if not self.equity_only:
            self.open_rows += _covered(starts, ends)
        return value, gross, invested

    def _add_dense(self, value: FloatArray, gross: FloatArray, invested: BoolArray,
                   qty: FloatArray, held_at: BoolArray, closes: FloatArray) -> None:
        """A symbol held at most wanted rows, added over all of them: ``+0.0`` where it is
        not held leaves a sum as it is, so the values are those of the held rows alone."""
        marked = np.zeros(len(qty), dtype=np.float64)
        np.multiply(closes, qty, out=marked, where=held_at)
        value += marked
        if not self.equity_only:
            np.negative(marked, out=marked, where=qty < 0.0)  # |qty| * close, exactly
            gross += marked
            invested |= held_at

    def _steps(self, code: int, fills: ChunkFills, mine: IntArray) -> tuple[IntArray, FloatArray]:
        """The rows where the position of ``code`` changes (the last fill of each fill row)
        and the position from each step on (the first: before the chunk's fills)."""
        start = float(self._quantity[code])
        if not len(mine):
            return np.empty(0, dtype=np.int64), np.array([start])
        rows = fills.rows[mine]
        after = net_quantities(fills.signed[mine], fills.price[mine], start)
        self._quantity[code] = after[-1]
        last = np.append(rows[1:] != rows[:-1], True)
        return rows[last], np.concatenate(([start], after[last]))


def in_force(after: FloatArray, changes: IntArray, wanted: IntArray, n: int) -> FloatArray:
    """At each of the ``wanted`` rows (ascending, of ``n``), the value in force: ``after[k]``
    once the first ``k`` of the ``changes`` rows (ascending) have passed, at or before it.

    When every row is wanted (one symbol: a row a time), each value is repeated over its
    run of rows, several times cheaper than a binary search for every row.
    """
    if len(wanted) == n:
        runs = np.diff(changes, prepend=0, append=n)
        every: FloatArray = np.repeat(after, runs)
        return every
    # the same over the wanted rows: where each change falls among them, then each value
    # repeated up to the next (a search per change, not one per wanted row)
    falls = np.searchsorted(wanted, changes, side="left")
    some: FloatArray = np.repeat(after, np.diff(falls, prepend=0, append=len(wanted)))
    return some


def _turn_places(codes: IntArray, ts: IntArray, n_times: int) -> dict[int, int]:
    """Each code's place in a time's rows when every time's rows are the same codes in the
    same order, one row each (the symbols taking turns); else an empty dictionary."""
    n = len(codes)
    if n_times == 0 or n % n_times:
        return {}
    width = n // n_times
    places = turn_places(codes, width)
    if not places or not bool((ts.reshape(n_times, width) == ts[::width, None]).all()):
        return {}
    return places


def _check_first_bar(chunk: BarChunk, first_row: int, code: int, symbols: tuple[str, ...]) -> None:
    """A symbol's first fill must not come before its first bar."""
    bars = chunk.bars_of(code)
    if len(bars) == 0 or first_row < bars[0]:
        raise ValueError(
            f"a fill of {symbols[code]} is at row {first_row} of a chunk, before the first "
            "bar of that symbol; fill_row must point at or after the symbol's first bar"
        )
