"""Vectorised equity curve: cash, gross exposure and equity on every row of a bar timeline.

A backtest over a million bars cannot afford a ledger snapshot per bar. Positions only
change at fills, so the curve is rebuilt after the run from the fills and the bar
timeline, with numpy work proportional to the rows a position is held and a Python loop
over fills only. Fills are netted with the ledger's own rule
(:class:`~vibetrading_V2.portfolio.netting.NetPosition`) and cash moves exactly as in the
ledger, so the curve's last row equals the ledger's equity at the last marks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.netting import NetPosition

__all__ = ["EquityCurve", "equity_curve", "exposure_fraction", "per_timestamp"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_BUY, _SELL = Side.BUY, Side.SELL  # module constants: enum attribute access is slow in 3.11


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
    sym = np.asarray(symbol_index, dtype=np.int64)
    ts = np.asarray(ts_ns, dtype=np.int64)
    px = np.asarray(close, dtype=np.float64)
    rows = np.asarray(fill_row, dtype=np.int64)
    n = len(sym)
    _validate(sym, ts, px, n_symbols, fills, symbols, rows)

    cash = float(initial_cash)
    cash_after = [cash]
    books = [NetPosition() for _ in range(n_symbols)]
    code = {name: i for i, name in enumerate(symbols)}
    per_symbol: list[list[tuple[int, float]]] = [[] for _ in range(n_symbols)]
    for f, row in zip(fills, rows.tolist(), strict=True):
        side, quantity, price = f.side, f.quantity, f.price
        signed = quantity if side is _BUY else -quantity if side is _SELL else side.sign * quantity
        cash -= signed * price + f.fee
        cash_after.append(cash)
        s = code[f.symbol]
        book = books[s]
        book.move(signed, price)
        per_symbol[s].append((row, book.quantity))

    fills_done = np.zeros(n, dtype=np.int64)
    np.add.at(fills_done, rows, 1)
    cash_rows = np.array(cash_after, dtype=np.float64)[np.cumsum(fills_done)]

    value = np.zeros(n, dtype=np.float64)
    gross = np.zeros(n, dtype=np.float64)
    invested = np.zeros(n, dtype=np.bool_)
    order = np.argsort(sym, kind="stable")
    starts = np.searchsorted(sym[order], np.arange(n_symbols + 1))
    for s in range(n_symbols):
        if not per_symbol[s]:
            continue
        bar_rows = order[starts[s] : starts[s + 1]]
        if len(bar_rows) == 0 or per_symbol[s][0][0] < bar_rows[0]:
            raise ValueError(
                f"a fill of {symbols[s]} is at row {per_symbol[s][0][0]}, before the first bar "
                "of that symbol; fill_row must point at or after the symbol's first bar"
            )
        held, qty = _held_rows(_held_segments(per_symbol[s], n))
        # the symbol's last close on each held row (its first bar is at or before them)
        last_close = px[bar_rows[np.searchsorted(bar_rows, held, side="right") - 1]]
        value[held] += qty * last_close
        gross[held] += np.abs(qty) * last_close
        invested[held] = True
    return _frozen(ts.copy(), cash_rows, gross, cash_rows + value, invested)


def per_timestamp(curve: EquityCurve) -> EquityCurve:
    """Keep the last row of each timestamp: one value per time, for ``equity.csv``."""
    ts = curve.ts_ns
    if len(ts) == 0:
        return curve
    last = np.flatnonzero(np.append(ts[1:] != ts[:-1], True))
    if len(last) == len(ts):  # one row per time already (one symbol): nothing to drop
        return curve
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


def _held_segments(changes: list[tuple[int, float]], n_rows: int) -> list[tuple[int, int, float]]:
    """Row ranges ``[a, b)`` over which the position is a constant non-zero ``qty``."""
    last_per_row: dict[int, float] = {}
    for row, qty in changes:
        last_per_row[row] = qty
    starts = sorted(last_per_row)
    ends = [*starts[1:], n_rows]
    return [(a, b, last_per_row[a]) for a, b in zip(starts, ends, strict=True) if last_per_row[a]]


def _held_rows(segments: list[tuple[int, int, float]]) -> tuple[IntArray, FloatArray]:
    """Every row of the (disjoint, ordered) ``segments`` and the quantity held on it.

    One pass of numpy over all rows held, instead of a few numpy calls per segment: a
    strategy that trades often has as many segments as round trips.
    """
    if not segments:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
    starts = np.array([a for a, _, _ in segments], dtype=np.int64)
    lengths = np.array([b for _, b, _ in segments], dtype=np.int64) - starts
    offsets = np.cumsum(lengths) - lengths  # where each segment begins in the output
    rows: IntArray = np.arange(int(lengths.sum()), dtype=np.int64) + np.repeat(
        starts - offsets, lengths
    )
    qty: FloatArray = np.repeat(np.array([q for _, _, q in segments], dtype=np.float64), lengths)
    return rows, qty


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
    if len(rows) != len(fills):
        raise ValueError(f"{len(fills)} fills but {len(rows)} fill rows")
    if n and (sym.min() < 0 or sym.max() >= n_symbols):
        raise ValueError(f"symbol_index must lie in [0, {n_symbols})")
    if n > 1 and bool(np.any(ts[1:] < ts[:-1])):
        raise ValueError("ts_ns must be sorted in time (non-decreasing)")
    if not bool(np.all(np.isfinite(px))):
        raise ValueError("close contains NaN or infinite prices")
    if len(rows) and (rows.min() < 0 or rows.max() >= n):
        raise ValueError(f"fill_row must lie in [0, {n})")
    if len(rows) > 1 and bool(np.any(rows[1:] < rows[:-1])):
        raise ValueError("fill_row must be non-decreasing: fills are applied in time order")
    known = set(symbols)
    unknown = sorted({f.symbol for f in fills} - known)
    if unknown:
        raise ValueError(f"fills of symbols not in the timeline: {', '.join(unknown)}")


def _frozen(
    ts: IntArray, cash: FloatArray, gross: FloatArray, equity: FloatArray, invested: BoolArray
) -> EquityCurve:
    arrays = (ts, cash, gross, equity, invested)
    for array in arrays:
        array.flags.writeable = False
    return EquityCurve(*arrays)
