"""The equity curve per timestamp of a whole compact bar timeline (``equity.csv``'s rows).

A run values its curve batch by batch as it goes
(:mod:`~vibetrading_V2.portfolio.run_equity`) and keeps no timeline; this is the
whole-timeline reference that is tested to give the same bits, and the curve of a timeline
held in full (a strategy's PnL series of :mod:`~vibetrading_V2.portfolio.attribution`).

Only the last row of each time is ever written out, so a run of N symbols on the same
minutes is valued on one row in N: the same sums, in the same order, as the curve of every
row (:func:`~vibetrading_V2.portfolio.equity.equity_curve`) on those rows, so the values
are bit-identical. The exposure still counts every row, from the held segments. Nothing
here makes an array of a 64-bit value per row beyond the timeline's own closes: at 40
symbols × a year of minutes (21 million rows) each such array would be 168 MB.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.equity import (
    EquityCurve,
    IntArray,
    _cash_after,
    _fill_columns,
    _frozen,
    check_fill_rows,
    equity_curve,
    exposure_fraction,
    grouped,
    marked_rows,
    per_timestamp,
)
from vibetrading_V2.portfolio.timeline import BarTimeline

__all__ = ["timeline_equity", "timestamp_equity"]


def timeline_equity(
    timeline: BarTimeline, fills: Sequence[Fill], initial_cash: float, fill_row: npt.ArrayLike
) -> tuple[EquityCurve, float]:
    """The curve at the last row of each time, and the fraction of rows holding a position.

    Fill ``k`` is applied at row ``fill_row[k]``, before that row is marked to its close.
    Refused (``ValueError``): times that go back, codes outside the symbols, non-finite
    closes, fill rows out of range or out of order, fills of unknown symbols or before
    their symbol's first bar.
    """
    symbols, n = timeline.symbols, len(timeline)
    rows = np.asarray(fill_row, dtype=np.int64)
    _validate(timeline, fills, rows)
    if len(symbols) == 1 and timeline.ends is None:  # one row per time: the dense curve
        only = np.broadcast_to(np.zeros((), dtype=np.int64), (n,))  # code 0, no 8 B a row
        curve = equity_curve(only, timeline.times, timeline.close, 1, fills, symbols,
                             initial_cash, rows)
        return per_timestamp(curve), exposure_fraction(curve)
    if n == 0:
        empty = np.empty(0, dtype=np.float64)
        return _frozen(timeline.times.copy(), empty, empty.copy(), empty.copy(),
                       np.empty(0, np.bool_)), 0.0
    fill_sym, signed, price, fee = _fill_columns(fills, symbols)
    cash_after = _cash_after(signed, price, fee, initial_cash)
    last = timeline.row_ends() - 1  # each timestamp's last row
    cash = cash_after[np.searchsorted(rows, last, side="right")]
    value, gross, invested, open_rows = marked_rows(
        _bars_of(timeline), timeline.close, len(symbols), symbols, fill_sym, signed, price,
        rows, last, n,
    )
    curve = _frozen(timeline.times.copy(), cash, gross, cash + value, invested)
    return curve, open_rows / n


def timestamp_equity(
    symbol_index: npt.ArrayLike,
    ts_ns: npt.ArrayLike,
    close: npt.ArrayLike,
    n_symbols: int,
    fills: Sequence[Fill],
    symbols: Sequence[str],
    initial_cash: float,
    fill_row: npt.ArrayLike,
) -> tuple[EquityCurve, float]:
    """:func:`timeline_equity` of per-row columns (the arguments of ``equity_curve``)."""
    if len(symbols) != n_symbols:
        raise ValueError(f"n_symbols is {n_symbols} but {len(symbols)} symbols were given")
    lengths = {len(np.asarray(a)) for a in (symbol_index, ts_ns, close)}
    if len(lengths) > 1:
        raise ValueError(f"symbol_index, ts_ns and close differ in length: {sorted(lengths)}")
    ts = np.asarray(ts_ns, dtype=np.int64)
    if len(ts) > 1 and bool(np.any(ts[1:] < ts[:-1])):
        raise ValueError("ts_ns must be sorted in time (non-decreasing)")
    timeline = BarTimeline.from_rows(tuple(symbols), symbol_index, ts, close)
    return timeline_equity(timeline, fills, initial_cash, fill_row)


def _bars_of(timeline: BarTimeline) -> Callable[[int], IntArray]:
    """Each symbol's rows: a stride when the symbols take turns, else one radix sort."""
    k, n = len(timeline.symbols), len(timeline)
    if timeline.turns():
        return lambda s: np.arange(s, n, k, dtype=np.int64)
    return grouped(timeline.codes, k, k == 1)


def _validate(timeline: BarTimeline, fills: Sequence[Fill], rows: IntArray) -> None:
    n, times = len(timeline), timeline.times
    rows_of_times = len(times) if timeline.ends is None else int(timeline.ends[-1:].sum())
    if len(timeline.codes) != n or rows_of_times != n:
        raise ValueError(f"the timeline's codes, times and closes differ in length: "
                         f"{len(timeline.codes)}, {rows_of_times}, {n}")
    if n and int(timeline.codes.max()) >= len(timeline.symbols):
        raise ValueError(f"symbol_index must lie in [0, {len(timeline.symbols)})")
    if len(times) > 1 and bool(np.any(times[1:] <= times[:-1])):
        raise ValueError("ts_ns must be sorted in time (non-decreasing)")
    close = timeline.close  # min and max: NaN and infinities show there, with no mask a row
    if n and not (np.isfinite(close.min()) and np.isfinite(close.max())):
        raise ValueError("close contains NaN or infinite prices")
    check_fill_rows(fills, rows, n, timeline.symbols)
