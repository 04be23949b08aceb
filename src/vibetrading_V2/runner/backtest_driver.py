"""The backtest's fast driver: a whole batch through the shared stages, row by row.

It calls the same stages in the same order as ``event_loop.EventStep`` (timers -> match
-> mark -> NAV check -> on_bar -> pipeline -> drain) but keeps what it checks on every row
in typed locals: the current symbol's cursors, the risk gate's quiet band and the rows at
which the next UTC day and the next timer start (rows are in time order, so each is a
row number found once, not a time compared per row). Only rows where something acts pay
for a stage call beyond marking and ``on_bar``.

A row ends by booking what the execution reported (one compare when nothing is new). A
slot gives no ``on_bar`` to the rows of a symbol its features failed on (``skipped``).

Compiled (``native_modules.txt``): the loop's locals are typed exactly, as a value typed
``Any`` would turn every operation on it back into a generic call.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.order_ports import NEEDS_BAR, NEEDS_CLOSE, NEEDS_NOTHING
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.slot_state import SlotState
from vibetrading_V2.runner.stages import Stages

__all__ = ["RowPlan", "walk_batch"]

_INT64_MAX: Final = 2**63 - 1
_NOTHING: Final = NEEDS_NOTHING  # what the execution needs of a row's bar
_CLOSE: Final = NEEDS_CLOSE
_BAR: Final = NEEDS_BAR
_MAX_CODE: Final = 0xFFFF  # a row's symbol code is kept in two bytes
_PROGRESS_MASK: Final = 0xFFFF  # a long batch reports its progress every 65,536 rows


class RowPlan:
    """Where each row of a batch sits: its symbol code, and the bar times of its rows.

    Why it exists: a one-symbol batch (a backtest) needs no per-row lists at all; a
    multi-symbol one gets its row codes once, vectorised, before the loop. A row's index
    in its symbol's history is the symbol's cursor's last one plus one (checked here).
    """

    def __init__(self, batch: BarBatch, codes: list[int], cursors: list[BarCursor]) -> None:
        n = len(batch)
        counts: list[int] = []
        if len(codes) == 1:  # the batch names one symbol: no need to look at every row
            batch_codes = list(codes)
            counts = [n]
        else:  # rows per symbol: a count, not a sort of every row
            local = np.asarray(batch.symbol_index, dtype=np.int64)
            counts = np.bincount(local, minlength=len(codes)).tolist()
            batch_codes = sorted({codes[k] for k in range(len(codes)) if counts[k]})
        self.single = len(batch_codes) == 1
        self.first_code: int = batch_codes[0]
        self.base: int = cursors[self.first_code].history_length - n
        # each row's symbol code as two bytes (little-endian): 2 bytes a row, not an 8-byte
        # list slot, read with the compiled bytes index (``code_at``)
        self.row_symbol = b""
        if not self.single:
            if max(codes) > _MAX_CODE:
                raise ValueError(f"a batch of {max(codes) + 1:,} symbols: at most "
                                 f"{_MAX_CODE + 1:,} are supported")
            self.row_symbol = np.asarray(codes, dtype="<u2")[local].tobytes()
        _check_cursors(codes, counts, cursors)
        self.ts: npt.NDArray[np.int64] = np.asarray(batch.ts_ns, dtype=np.int64)
        # the same times as Python ints one at a time, without numpy's scalar per read
        self.times: memoryview = self.ts.data
        # a batch out of order (never from a MarketFeed) checks day and timers on every row
        self.in_order = bool(np.all(self.ts[1:] >= self.ts[:-1]))
        # rows that share one time, in blocks of ``per_time`` (the symbols taking turns):
        # ``time_at`` reads the times once a block
        self._per_time = _rows_per_time(self.ts, len(batch_codes))
        self._block = -1
        self._time = 0

    def code_at(self, row: int) -> int:
        """The symbol code of row ``row`` of a batch of several symbols."""
        data = self.row_symbol
        return data[2 * row] | data[2 * row + 1] << 8

    def time_at(self, row: int) -> int:
        """The bar time of row ``row`` (read once for a block of rows at one time)."""
        block = row // self._per_time
        if block != self._block:
            self._block = block
            self._time = self.times[row]
        return self._time

    def row_at(self, at_ns: int, row: int) -> int:
        """The first row stamped at or after ``at_ns`` (the next row if out of order)."""
        if not self.in_order:
            return row + 1
        if at_ns > _INT64_MAX:
            return len(self.ts)
        if at_ns < -_INT64_MAX:
            return 0
        return int(self.ts.searchsorted(at_ns))  # side="left"; the method skips numpy's dispatch


def _check_cursors(codes: list[int], counts: list[int], cursors: list[BarCursor]) -> None:
    """Each symbol's rows continue its history from its cursor's bar (the loop moves the
    cursor on by one a row): its history holds the batch's rows after that bar."""
    for k, code in enumerate(codes):
        cursor = cursors[code]
        if counts[k] and cursor.index + 1 != cursor.history_length - counts[k]:
            raise ValueError(f"the cursor of {cursor.symbol} stands at bar {cursor.index}, "
                             f"not before the batch's {counts[k]:,} new bars of "
                             f"{cursor.history_length:,}")


def _rows_per_time(ts: npt.NDArray[np.int64], n_symbols: int) -> int:
    """``n_symbols`` when every block of that many rows shares one time (the symbols take
    turns, each on every time), else 1."""
    n = len(ts)
    if n_symbols < 2 or n % n_symbols:
        return 1
    blocks = ts.reshape(-1, n_symbols)
    return n_symbols if bool((blocks == blocks[:, :1]).all()) else 1


def walk_batch(
    stages: Stages, batch: BarBatch, codes: list[int], offset: int,
    tick: Callable[[int], None] | None,
) -> int:
    """Walk the batch's rows (timeline rows from ``offset``); return the rows reported."""
    n = len(batch)
    if n == 0:
        return 0
    slots: list[SlotState] = stages.slots
    plan = RowPlan(batch, codes, slots[0].cursors)
    single, row_symbol, base = plan.single, plan.row_symbol, plan.base
    first, many = slots[0], len(slots) > 1  # the first slot's work is written out, others looped
    account, execution, watches = stages.account, stages.execution, stages.watches
    first_cursors, first_live, cursors_of, live_of = _code_tables(slots, many)
    s: int = plan.first_code
    account.select(s)
    # the first slot's cursor (the bar the execution and marks read), the symbol's watch
    cursor, live_first, watch = first_cursors[s], first_live[s], watches[s]
    cursors: list[BarCursor] = cursors_of[s] if many else []
    live: list[bool] = live_of[s] if many else []
    band_low, band_high = stages.band_low, stages.band_high
    day_row, timer_row = plan.row_at(stages.next_day, -1), plan.row_at(stages.timer_due, -1)
    idx: int = base
    for i in range(n):
        if not i & _PROGRESS_MASK and i and tick is not None:
            tick(_PROGRESS_MASK + 1)
        if single:
            idx = base + i
        else:
            code = row_symbol[2 * i] | row_symbol[2 * i + 1] << 8  # ``RowPlan.code_at``
            if code != s:
                s = code
                account.select(s)
                cursor, live_first, watch = first_cursors[s], first_live[s], watches[s]
                if many:
                    cursors, live = cursors_of[s], live_of[s]
            idx = cursor.index + 1  # the symbol's next bar (``RowPlan`` checked the start)
        cursor.index = idx  # the row's bar: read by the execution, stages and on_bar
        if i >= timer_row:
            timer_row = _fire_due(stages, plan, cursor, i)
        need = watch.need() if stages.watching else _NOTHING
        if need == _BAR:
            stages.match(cursor, offset + i, plan.time_at(i))
        equity = account.equity_at(cursor)  # below: NaN also leaves the band
        if need == _CLOSE:  # a held symbol with no order: the execution's mark follows it
            stages.mark_close(watch, plan.time_at(i), account.read_close(cursor))
        if not band_low <= equity <= band_high or i >= day_row:
            band_low, band_high, day_row = _check_nav(stages, plan, cursor, equity, i)
        if live_first and not first.breaker.disabled:
            out = stages.decide(first, cursor, s, idx)
            if out is not None:
                stages.act(first, s, out, cursor, offset + i)
        if many:
            _decide_others(stages, cursors, live, s, idx, offset + i)
        if execution.update_count != stages.seen_updates:  # news outside a submit or match
            stages.drain(offset + i)
    stages.stamp(int(plan.ts[-1]))  # the clock stands at the batch's last bar
    return 0 if tick is None else (n - 1) // (_PROGRESS_MASK + 1) * (_PROGRESS_MASK + 1)


def _fire_due(stages: Stages, plan: RowPlan, cursor: BarCursor, row: int) -> int:
    """Fire the timers due at the row's bar time; the row the next one falls on."""
    ts = cursor.ts_ns
    if ts >= stages.timer_due:
        stages.fire_timers(stages.stamp(ts))
    return plan.row_at(stages.timer_due, row)


def _check_nav(
    stages: Stages, plan: RowPlan, cursor: BarCursor, equity: float, row: int
) -> tuple[float, float, int]:
    """The NAV check stage at the row's bar; the new quiet band and next day's row."""
    stages.check_nav(stages.stamp(cursor.ts_ns), equity, cursor)
    return stages.band_low, stages.band_high, plan.row_at(stages.next_day, row)


def _live_codes(slot: SlotState, n_codes: int) -> list[bool]:
    """Per symbol code: whether the slot runs on that symbol's rows of this batch."""
    skipped = slot.skipped
    return [code not in skipped for code in range(n_codes)]


def _code_tables(
    slots: list[SlotState], many: bool
) -> tuple[list[BarCursor], list[bool], list[list[BarCursor]], list[list[bool]]]:
    """Per symbol code, made once per batch: the first slot's cursor and whether it runs on
    the code's rows, and (several slots) every slot's; a row that switches symbols only
    picks them up."""
    first = slots[0]
    n_codes = len(first.cursors)
    cursors_of, live_of = _per_code(slots, n_codes) if many else ([], [])
    return first.cursors, _live_codes(first, n_codes), cursors_of, live_of


def _per_code(
    slots: list[SlotState], n_codes: int
) -> tuple[list[list[BarCursor]], list[list[bool]]]:
    """Per symbol code: every slot's cursor of it, and whether each slot runs on it."""
    live = [_live_codes(slot, n_codes) for slot in slots]
    return ([[slot.cursors[code] for slot in slots] for code in range(n_codes)],
            [[flags[code] for flags in live] for code in range(n_codes)])


def _decide_others(
    stages: Stages, cursors: list[BarCursor], live: list[bool], code: int, idx: int, row: int
) -> None:
    """``on_bar`` and the pipeline for every slot but the first, in slot order, each on its
    own cursor moved to the row's bar (the first slot's is moved inline)."""
    slots = stages.slots
    lead = cursors[0]
    for j in range(1, len(slots)):
        cursor = cursors[j]
        cursor.follow(lead)
        if live[j]:
            slot = slots[j]
            if not slot.breaker.disabled:
                out = stages.decide(slot, cursor, code, idx)
                if out is not None:
                    stages.act(slot, code, out, cursor, row)
