"""Vectorised equity curve: cash, gross exposure and equity on every row of a bar timeline.

A backtest over a million bars cannot afford a ledger snapshot per bar. Positions only
change at fills, so the curve is computed from the fills and the bar timeline (a run does
it a batch at a time, :mod:`~vibetrading_V2.portfolio.running_equity`), with numpy work
proportional to the fills and the rows a position is held (no Python step per fill unless
a position closes with float dust, see :func:`net_quantities`). Fills are netted with the
ledger's own rule (:class:`~vibetrading_V2.portfolio.netting.NetPosition`) and cash moves
exactly as in the ledger, so the curve's last row equals the ledger's equity at the last
marks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.netting import QTY_REL_TOL, NetPosition

__all__ = [
    "EquityCurve",
    "check_fill_rows",
    "equity_curve",
    "exposure_fraction",
    "net_quantities",
    "per_timestamp",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_BUY, _SELL = Side.BUY, Side.SELL  # module constants: enum attribute access is slow in 3.11
_SIGN = {_BUY: float(_BUY.sign), _SELL: float(_SELL.sign)}
_BLOCK = 1 << 16  # rows valued at once
_NO_ROWS = np.empty(0, dtype=np.int64)
_SYMBOL, _SIDE, _QUANTITY, _PRICE, _FEE = map(
    attrgetter, ("symbol", "side", "quantity", "price", "fee")
)


@dataclass(frozen=True, slots=True)
class EquityCurve:
    """Account value on each row of a timeline, after that row's fills and marks.

    ``gross_exposure`` is ``sum |quantity| * last close``; ``invested`` is true where any
    position is open. Arrays are read-only and all have the same length.
    """

    ts_ns: IntArray
    cash: FloatArray
    gross_exposure: FloatArray
    equity: FloatArray
    invested: BoolArray

    def __len__(self) -> int:
        return len(self.ts_ns)


def equity_curve(
    symbol_index: npt.ArrayLike,
    ts_ns: npt.ArrayLike,
    close: npt.ArrayLike,
    n_symbols: int,
    fills: Sequence[Fill],
    symbols: Sequence[str],
    initial_cash: float,
    fill_row: npt.ArrayLike,
) -> EquityCurve:
    """Rebuild the equity curve of a merged multi-symbol bar timeline.

    Row ``i`` is a bar of ``symbols[symbol_index[i]]`` at ``ts_ns[i]`` closing at
    ``close[i]``; rows are time-ordered. Fill ``k`` is applied at row ``fill_row[k]``,
    before that row is marked to its close. Each symbol is valued at its own last close
    (forward-filled across other symbols' rows); a symbol contributes nothing before its
    first bar, so a fill of a symbol before its first bar is refused (``ValueError``), as
    are mismatched lengths, unsorted times or rows, and non-finite closes.
    """
    sym, ts, px, rows = _checked_inputs(symbol_index, ts_ns, close, n_symbols, fills,
                                        symbols, fill_row)
    n = len(sym)

    fill_sym, signed, price, fee = _fill_columns(fills, symbols)
    cash_after = _cash_after(signed, price, fee, initial_cash)
    # row i holds the cash after the fills at rows <= i: cash_after[k] from fill k's row on
    cash_rows = np.repeat(cash_after, np.diff(rows, prepend=0, append=n))

    one_symbol = n_symbols == 1  # every row is a bar of it: its last close is the row's
    if one_symbol and len(fills):
        # the position on every row, dense: whole-array products instead of fancy indexing
        qty_rows = _position_rows(rows, net_quantities(signed, price), n)
        # as few new arrays as can be (a million rows: the page faults of fresh memory cost
        # more than the sums); a flat row is 0.0 * close = 0.0, as in the general path
        equity = np.multiply(qty_rows, px)
        equity += cash_rows
        invested = qty_rows != 0.0
        gross = np.abs(qty_rows, out=qty_rows)  # the positions are not needed any more
        gross *= px
        return _frozen(ts.view(), cash_rows, gross, equity, invested)
    value, gross, invested, _ = marked_rows(
        grouped(sym, n_symbols, one_symbol), px, n_symbols, symbols, fill_sym, signed, price,
        rows, np.arange(n), n,
    )
    return _frozen(ts.copy(), cash_rows, gross, cash_rows + value, invested)


def _checked_inputs(
    symbol_index: npt.ArrayLike, ts_ns: npt.ArrayLike, close: npt.ArrayLike, n_symbols: int,
    fills: Sequence[Fill], symbols: Sequence[str], fill_row: npt.ArrayLike,
) -> tuple[IntArray, IntArray, FloatArray, IntArray]:
    """The timeline's columns and the fills' rows as typed arrays, validated."""
    sym = np.asarray(symbol_index, dtype=np.int64)
    ts = np.asarray(ts_ns, dtype=np.int64)
    px = np.asarray(close, dtype=np.float64)
    rows = np.asarray(fill_row, dtype=np.int64)
    _validate(sym, ts, px, n_symbols, fills, symbols, rows)
    return sym, ts, px, rows


def marked_rows(
    bars_of: Callable[[int], IntArray],
    px: FloatArray,
    n_symbols: int,
    symbols: Sequence[str],
    fill_sym: IntArray,
    signed: FloatArray,
    price: FloatArray,
    rows: IntArray,
    wanted: IntArray,
    n: int,
) -> tuple[FloatArray, FloatArray, BoolArray, int]:
    """Market value, gross exposure and "invested" on the ``wanted`` rows (sorted) of a
    timeline of ``n`` rows, and how many of its rows hold any position.

    ``bars_of(s)``: the rows of symbol ``s``, ascending. Each symbol adds ``quantity * its
    last close`` on the wanted rows it is held, symbol after symbol; its last close is found
    among its own bars by a binary search per wanted held row (so valuing one row in N
    costs a N-th).
    """
    m = len(wanted)
    value = np.zeros(m, dtype=np.float64)
    gross = np.zeros(m, dtype=np.float64)
    invested = np.zeros(m, dtype=np.bool_)
    held_starts, held_ends = [], []
    fills_of = grouped(fill_sym, n_symbols, n_symbols == 1)
    for s in range(n_symbols):
        mine = fills_of(s)
        if len(mine) == 0:
            continue
        first_row = int(rows[mine[0]])
        bar_rows = bars_of(s)
        if len(bar_rows) == 0 or first_row < bar_rows[0]:
            raise ValueError(
                f"a fill of {symbols[s]} is at row {first_row}, before the first bar "
                "of that symbol; fill_row must point at or after the symbol's first bar"
            )
        quantity = net_quantities(signed[mine], price[mine])
        starts, ends, qty_held = _held_segments(rows[mine], quantity, n)
        held_starts.append(starts)
        held_ends.append(ends)
        # the wanted rows inside each held segment, as places in ``wanted``
        at, qty = _held_rows(wanted.searchsorted(starts), wanted.searchsorted(ends), qty_held)
        for lo in range(0, len(at), _BLOCK):  # a block at a time: few temporaries of m rows
            _add_marks(value, gross, invested, at[lo : lo + _BLOCK], qty[lo : lo + _BLOCK],
                       wanted, bar_rows, px)  # fmt: skip
    return value, gross, invested, _covered(held_starts, held_ends)


def _add_marks(
    value: FloatArray, gross: FloatArray, invested: BoolArray, at: IntArray, qty: FloatArray,
    wanted: IntArray, bar_rows: IntArray, px: FloatArray,
) -> None:  # fmt: skip
    """Add ``qty`` held, valued at the symbol's last close (its bars are ``bar_rows``), to
    the wanted rows at places ``at``: ``value += qty * close``, ``gross += |qty| * close``."""
    # the symbol's last close on each held row (its first bar is at or before)
    slot = bar_rows.searchsorted(wanted[at], side="right")
    slot -= 1
    marked = px[bar_rows[slot]]
    marked *= qty
    value[at] += marked
    np.negative(marked, out=marked, where=qty < 0.0)  # |qty| * close, exactly
    gross[at] += marked
    invested[at] = True


def _covered(starts: list[IntArray], ends: list[IntArray]) -> int:
    """How many rows lie in at least one of the segments ``[starts, ends)`` (of any symbol):
    the segments by start, each adding what it reaches past the furthest end before it."""
    begin = np.concatenate(starts) if starts else _NO_ROWS
    if begin.size == 0:
        return 0
    order = np.argsort(begin, kind="stable")
    begin = begin[order]
    reach = np.concatenate(ends)[order]
    del order
    np.maximum.accumulate(reach, out=reach)  # the furthest end of the segments so far
    covered = int(reach[0] - begin[0])
    np.maximum(begin[1:], reach[:-1], out=begin[1:])  # where each one's new rows begin
    return covered + int((reach[1:] - begin[1:]).sum())


def _cash_after(
    signed: FloatArray, price: FloatArray, fee: FloatArray, initial_cash: float
) -> FloatArray:
    """Cash after k fills: initial - flow_1 - ... - flow_k, subtracted one at a time as the
    ledger does (a + (-b) is a - b exactly, and accumulate adds in order)."""
    flows = np.empty(len(signed) + 1, dtype=np.float64)
    flows[0] = float(initial_cash)
    np.negative(signed * price + fee, out=flows[1:])
    cash: FloatArray = np.add.accumulate(flows)
    return cash


def grouped(
    codes: npt.NDArray[np.integer], n_groups: int, one_group: bool
) -> Callable[[int], IntArray]:
    """``group(k)``: the places of code ``k`` in ``codes``, ascending (one stable sort by
    code for all groups, by radix when the codes are small, instead of a pass per group)."""
    if one_group:
        everything: IntArray = np.arange(len(codes))
        return lambda _: everything
    narrow = codes
    if codes.itemsize > 2 and n_groups < 2**15:
        narrow = codes.astype(np.int16)
    order = np.argsort(narrow, kind="stable")
    bounds = np.searchsorted(narrow[order], np.arange(n_groups + 1)).tolist()
    return lambda k: order[bounds[k] : bounds[k + 1]]


def net_quantities(signed: FloatArray, price: FloatArray, start: float = 0.0) -> FloatArray:
    """The position after each fill of one symbol from a position of ``start``, netted by
    :class:`NetPosition`'s rule.

    Adding, reducing and flipping all leave ``before + signed`` (a flip's remainder is that
    sum exactly), so the positions are the running sum of the signed quantities, except
    where a reduction leaves float dust, which the rule sets to zero. The running sum is
    used where no such reset is needed, which is checked; otherwise (and for zero or
    non-finite quantities) the fills are replayed through ``NetPosition`` one by one.
    """
    running: FloatArray = np.add.accumulate(np.concatenate(([start], signed)))
    quantity, before = running[1:], running[:-1]
    size, held = np.abs(signed), np.abs(before)
    reducing = (before != 0.0) & ((before > 0.0) != (signed > 0.0))
    dust = np.abs(size - held) <= QTY_REL_TOL * np.maximum(size, held)
    if not (bool(np.any(reducing & dust & (quantity != 0.0)))
            or bool(np.any(signed == 0.0)) or not bool(np.all(np.isfinite(signed)))):
        return quantity
    book = NetPosition(quantity=start)
    replayed = []
    for q, p in zip(signed.tolist(), price.tolist(), strict=True):
        book.move(q, p)
        replayed.append(book.quantity)
    return np.array(replayed, dtype=np.float64)


def per_timestamp(curve: EquityCurve) -> EquityCurve:
    """Keep the last row of each timestamp: one value per time, for ``equity.csv``."""
    ts = curve.ts_ns
    if len(ts) == 0:
        return curve
    changes = ts[1:] != ts[:-1]
    if bool(changes.all()):  # one row per time already (one symbol): nothing to drop
        return curve
    last = np.flatnonzero(np.append(changes, True))
    return _frozen(
        ts[last],
        curve.cash[last],
        curve.gross_exposure[last],
        curve.equity[last],
        curve.invested[last],
    )


def exposure_fraction(curve: EquityCurve) -> float:
    """Fraction of the curve's rows with an open position (0.0 for an empty curve)."""
    if len(curve) == 0:
        return 0.0
    return float(np.count_nonzero(curve.invested)) / len(curve)


def _held_segments(
    fill_rows: IntArray, quantity: FloatArray, n_rows: int
) -> tuple[IntArray, IntArray, FloatArray]:
    """Row ranges ``[a, b)`` over which the position is a constant non-zero ``qty``.

    ``quantity[k]`` is the position after the fill at ``fill_rows[k]`` (non-decreasing);
    the last fill of a row sets the position from that row on.
    """
    last = _last_fill_of_each_row(fill_rows)
    starts = fill_rows[last]
    ends = np.append(starts[1:], n_rows)
    qty = quantity[last]
    open_ = qty != 0.0
    return starts[open_], ends[open_], qty[open_]


def _position_rows(fill_rows: IntArray, quantity: FloatArray, n_rows: int) -> FloatArray:
    """The position on each of ``n_rows`` rows: 0 before the first fill, then the position
    after the last fill of each fill row, up to the next fill row."""
    last = _last_fill_of_each_row(fill_rows)
    starts = fill_rows[last]
    held: FloatArray = np.repeat(
        np.concatenate(([0.0], quantity[last])), np.diff(starts, prepend=0, append=n_rows)
    )
    return held


def _last_fill_of_each_row(fill_rows: IntArray) -> BoolArray:
    """Where ``fill_rows`` (non-decreasing) holds the last fill of its row: that fill sets
    the position from the row on."""
    last: BoolArray = np.append(fill_rows[1:] != fill_rows[:-1], True)
    return last


def _held_rows(starts: IntArray, ends: IntArray, qty: FloatArray) -> tuple[IntArray, FloatArray]:
    """Every row of the (disjoint, ordered) segments ``[starts, ends)`` and the quantity held.

    One pass of numpy over all rows held, instead of a few numpy calls per segment: a
    strategy that trades often has as many segments as round trips.
    """
    lengths = ends - starts
    offsets = np.cumsum(lengths) - lengths  # where each segment begins in the output
    rows: IntArray = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(
        starts - offsets, lengths
    )
    held: FloatArray = np.repeat(qty, lengths)
    return rows, held


def _fill_columns(
    fills: Sequence[Fill], symbols: Sequence[str]
) -> tuple[IntArray, FloatArray, FloatArray, FloatArray]:
    """Symbol code, signed quantity (buy > 0), price and fee of every fill, as arrays.

    One C-level pass per field and no tuple per fill: tens of thousands of new container
    objects would wake the garbage collector, which then walks the whole heap.
    """
    n = len(fills)
    code = {name: i for i, name in enumerate(symbols)}
    sign = np.fromiter(map(_SIGN.__getitem__, map(_SIDE, fills)), dtype=np.float64, count=n)
    return (
        np.fromiter(map(code.__getitem__, map(_SYMBOL, fills)), dtype=np.int64, count=n),
        sign * np.fromiter(map(_QUANTITY, fills), dtype=np.float64, count=n),
        np.fromiter(map(_PRICE, fills), dtype=np.float64, count=n),
        np.fromiter(map(_FEE, fills), dtype=np.float64, count=n),
    )


def _validate(
    sym: IntArray,
    ts: IntArray,
    px: FloatArray,
    n_symbols: int,
    fills: Sequence[Fill],
    symbols: Sequence[str],
    rows: IntArray,
) -> None:
    n = len(sym)
    if len(ts) != n or len(px) != n:
        raise ValueError(
            f"symbol_index, ts_ns and close differ in length: {n}, {len(ts)}, {len(px)}"
        )
    if len(symbols) != n_symbols:
        raise ValueError(f"n_symbols is {n_symbols} but {len(symbols)} symbols were given")
    if n and (sym.min() < 0 or sym.max() >= n_symbols):
        raise ValueError(f"symbol_index must lie in [0, {n_symbols})")
    if n > 1 and bool(np.any(ts[1:] < ts[:-1])):
        raise ValueError("ts_ns must be sorted in time (non-decreasing)")
    if not bool(np.all(np.isfinite(px))):
        raise ValueError("close contains NaN or infinite prices")
    check_fill_rows(fills, rows, n, symbols)


def check_fill_rows(fills: Sequence[Fill], rows: IntArray, n: int,
                    symbols: Sequence[str]) -> None:
    """Each fill has a row of the ``n``-row timeline, in time order, of a known symbol."""
    if len(rows) != len(fills):
        raise ValueError(f"{len(fills)} fills but {len(rows)} fill rows")
    if len(rows) and (rows.min() < 0 or rows.max() >= n):
        raise ValueError(f"fill_row must lie in [0, {n})")
    if len(rows) > 1 and bool(np.any(rows[1:] < rows[:-1])):
        raise ValueError("fill_row must be non-decreasing: fills are applied in time order")
    unknown = sorted({f.symbol for f in fills} - set(symbols))
    if unknown:
        raise ValueError(f"fills of symbols not in the timeline: {', '.join(unknown)}")


def _frozen(
    ts: IntArray, cash: FloatArray, gross: FloatArray, equity: FloatArray, invested: BoolArray
) -> EquityCurve:
    arrays = (ts, cash, gross, equity, invested)
    for array in arrays:
        array.flags.writeable = False
    return EquityCurve(*arrays)
