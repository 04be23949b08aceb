"""The equity valued batch by batch during a run is bit for bit the whole-timeline curve."""

from __future__ import annotations

from array import array
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.ports import BarBatch, SymbolRows
from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.equity import net_quantities
from vibetrading_V2.portfolio.open_positions import last_closes
from vibetrading_V2.portfolio.run_equity import EquityTracker
from vibetrading_V2.portfolio.running_equity import in_force
from vibetrading_V2.portfolio.stats import buy_hold_of_closes, buy_hold_return_pct
from vibetrading_V2.portfolio.timeline import BarTimeline, symbol_bounds
from vibetrading_V2.portfolio.timeline_equity import timeline_equity
from vibetrading_V2.runner.timeline_recorder import TimelineRecorder

_SIZES = (0.1, 0.2, 0.3, 0.6, 1.0, 2.5)  # sums of tenths leave float dust on a close-out
_CURVE = ("ts_ns", "cash", "gross_exposure", "equity", "invested")
_OWNERS = ("alpha", "beta")


def _timeline(rng: np.random.Generator, n_times: int, k: int,
              turns: bool = False) -> tuple[np.ndarray, ...]:
    """Each time a random, shuffled set of symbols (a symbol may start late); a few times
    hold a symbol twice. ``turns``: every symbol at every time, in one order (a merged
    feed's usual layout), but a few times where one symbol stands in for another."""
    codes, ts = [], []
    for t in range(n_times):
        present = (list(range(k)) if turns
                   else rng.permutation(k)[: rng.integers(1, k + 1)].tolist())
        if rng.random() < 0.1:
            present.append(present[0])
            if turns and k > 1:
                del present[-2]  # as many rows a time, one symbol twice and one missing
        codes += present
        ts += [t * 60] * len(present)
    close = np.round(rng.uniform(10.0, 200.0, len(codes)), 2)
    return np.array(codes, dtype=np.int64), np.array(ts, dtype=np.int64), close


def _fills(rng: np.random.Generator, codes: np.ndarray, ts: np.ndarray, close: np.ndarray,
           symbols: list[str], n_fills: int) -> tuple[list[Fill], list[int]]:
    """Fills at random rows of symbols that had a bar by then, sized to close out in dust."""
    first = {}
    for row, code in enumerate(codes.tolist()):
        first.setdefault(code, row)
    rows = sorted(rng.integers(0, len(codes), n_fills).tolist())
    fills = []
    for j, row in enumerate(rows):
        known = sorted(c for c, r in first.items() if r <= row)
        code = int(rng.choice(known))
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        fills.append(Fill(f"e{j}", "", symbols[code], side, float(rng.choice(_SIZES)),
                          float(close[row]) + 0.01, 0.1, int(ts[row]),
                          strategy_id=str(rng.choice(_OWNERS))))
    return fills, rows


def _replay(symbols: list[str], codes: np.ndarray, ts: np.ndarray, close: np.ndarray,
            fills: list[Fill], rows: list[int], cuts: list[int], late: bool,
            ids: tuple[str, ...], piece: int, opening: list[Fill]) -> TimelineRecorder:
    """The batches (cut at ``cuts``) through a recorder as the engine does: each batch's
    fills booked before it is added; with ``late``, the fills of a batch's last row after."""
    booked: list[Fill] = []
    booked_rows: array[int] = array("q")
    tracker = EquityTracker(10_000.0, ids, opening)
    recorder = TimelineRecorder(tracker, booked, booked_rows, piece)
    bounds = [0, *cuts, len(codes)]
    k = 0
    for a, b in pairwise(bounds):
        if a == b:
            continue
        while k < len(rows) and rows[k] < b - (1 if late else 0):
            booked.append(fills[k])
            booked_rows.append(rows[k])
            k += 1
        present = sorted(set(codes[a:b].tolist()), reverse=True)  # the batch's own codes
        local = np.array([present.index(c) for c in codes[a:b].tolist()], dtype=np.int64)
        batch = BarBatch(symbols=tuple(symbols[c] for c in present), symbol_index=local,
                         ts_ns=ts[a:b], open=close[a:b], high=close[a:b], low=close[a:b],
                         close=close[a:b], volume=np.ones(b - a))
        recorder.add(batch, present, symbols)
        while k < len(rows) and rows[k] < b:  # booked between batches, on the last row
            booked.append(fills[k])
            booked_rows.append(rows[k])
            k += 1
    return recorder


@settings(max_examples=150, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 60), st.integers(1, 5), st.integers(0, 60),
       st.lists(st.integers(0, 400), max_size=8), st.booleans(), st.booleans(),
       st.integers(1, 80), st.integers(0, 3), st.booleans())
def test_recorder_when_batches_cut_anywhere_then_equity_bit_identical_to_the_whole_timeline(
    seed: int, n_times: int, k: int, n_fills: int, cuts: list[int], late: bool,
    several: bool, piece: int, n_opening: int, turns: bool,
) -> None:
    rng = np.random.default_rng(seed)
    symbols = [f"S{i}" for i in range(k)]
    codes, ts, close = _timeline(rng, n_times, k, turns)
    fills, rows = _fills(rng, codes, ts, close, symbols, n_fills)
    cuts = sorted(min(c, len(codes)) for c in cuts)
    ids = _OWNERS if several else ("alpha",)

    opening = [Fill(f"o{j}", "", str(rng.choice(symbols)), Side.BUY, 0.3, 50.0, 0.2, 0,
                    strategy_id=str(rng.choice(_OWNERS))) for j in range(n_opening)]
    recorder = _replay(symbols, codes, ts, close, fills, rows, cuts, late, ids, piece, opening)
    timeline, equity = recorder.finish(tuple(symbols))
    fills, rows = _with_opening(timeline.first_rows.tolist(), symbols, opening, fills, rows)

    whole = BarTimeline.from_rows(tuple(symbols), codes, ts, close)
    want, exposure = timeline_equity(whole, fills, 10_000.0, rows)
    for name in _CURVE:
        got = getattr(equity.account, name)
        assert got.tobytes() == getattr(want, name).tobytes(), name
        assert got.dtype == getattr(want, name).dtype, name
    assert equity.exposure == exposure
    assert list(equity.strategy_pnl) == (list(_OWNERS) if several else [])
    for sid, pnl in equity.strategy_pnl.items():
        mine = [j for j, f in enumerate(fills) if f.strategy_id == sid]
        alone, _ = timeline_equity(whole, [fills[j] for j in mine], 0.0, [rows[j] for j in mine])
        assert pnl.tobytes() == alone.equity.tobytes(), sid
    assert timeline.last_closes() == last_closes(whole)
    assert buy_hold_of_closes(timeline.first_last_closes()) == buy_hold_return_pct(
        codes, close, k)
    assert len(timeline) == len(codes)
    bounds = symbol_bounds(codes, k)
    assert timeline.first_rows.tolist() == [b[0] if b else -1 for b in bounds]
    assert timeline.times.tolist() == whole.times.tolist()
    assert timeline.rows_after(60, None) == whole.rows_after(60, None)


def _with_opening(first_rows: list[int], symbols: list[str], opening: list[Fill],
                  fills: list[Fill], rows: list[int]) -> tuple[list[Fill], list[int]]:
    """The fills as the whole-timeline curve takes a session's earlier fills: each at its
    symbol's first row, before that row's own; none if a symbol of them has no bar."""
    first = {s: r for s, r in zip(symbols, first_rows, strict=True) if r >= 0}
    if not opening or any(f.symbol not in first for f in opening):
        return fills, rows
    tagged = sorted([(first[f.symbol], 0, j, f) for j, f in enumerate(opening)]
                    + [(r, 1, j, f) for j, (r, f) in enumerate(zip(rows, fills, strict=True))],
                    key=lambda t: (t[0], t[1], t[2]))
    return [t[3] for t in tagged], [t[0] for t in tagged]


def test_tracker_when_a_fill_comes_before_its_symbols_first_bar_then_refused() -> None:
    tracker = EquityTracker(1_000.0)
    fill = Fill("e0", "", "B", Side.BUY, 1.0, 10.0, 0.0, 60)
    codes, ts = np.array([0, 1], dtype=np.uint8), np.array([60, 60], dtype=np.int64)

    with pytest.raises(ValueError, match="before the first bar of that symbol"):
        tracker.value(codes[:1], ts[:1], np.array([10.0]), ["A", "B"], [fill], array("q", [0]))


def test_tracker_when_a_fill_row_lies_past_the_last_row_then_refused() -> None:
    tracker = EquityTracker(1_000.0)
    fill = Fill("e0", "", "A", Side.BUY, 1.0, 10.0, 0.0, 60)
    tracker.value(np.zeros(1, dtype=np.uint8), np.array([60]), np.array([10.0]), ["A"],
                  [fill], array("q", [3]))

    with pytest.raises(ValueError, match="fill_row must lie in"):
        tracker.result([fill], array("q", [3]), np.array([60]))


@settings(max_examples=300, deadline=None, database=None)
@given(st.lists(st.tuples(st.sampled_from(_SIZES), st.booleans()), min_size=1, max_size=30),
       st.integers(0, 30))
def test_net_quantities_when_split_anywhere_then_the_positions_of_one_pass(
    moves: list[tuple[float, bool]], split: int
) -> None:
    signed = np.array([q if buy else -q for q, buy in moves])
    price = np.full(len(signed), 100.0)
    whole = net_quantities(signed, price)
    k = min(split, len(signed) - 1)
    start = float(whole[k - 1]) if k else 0.0

    rest = net_quantities(signed[k:], price[k:], start)

    assert rest.tobytes() == whole[k:].tobytes()


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 60), st.lists(st.integers(0, 59), max_size=12), st.data())
def test_in_force_when_every_or_some_rows_wanted_then_the_binary_search_answer(
    n: int, changes: list[int], data: st.DataObject
) -> None:
    rows = np.array(sorted(c for c in changes if c < n), dtype=np.int64)
    after = np.arange(len(rows) + 1, dtype=np.float64) * 1.5
    every = np.arange(n, dtype=np.int64)
    some = np.array(sorted(set(data.draw(st.lists(st.integers(0, n - 1), max_size=n)))),
                    dtype=np.int64)
    for wanted in (every, some):
        expected = after[np.searchsorted(rows, wanted, side="right")]
        assert np.array_equal(in_force(after, rows, wanted, n), expected)


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(2, 5),
       st.lists(st.integers(0, 1500), max_size=6))
def test_recorder_when_batches_carry_each_symbols_rows_then_candles_as_from_the_merged_rows(
    seed: int, n_times: int, k: int, cuts: list[int],
) -> None:
    rng = np.random.default_rng(seed)
    symbols = [f"S{i}" for i in range(k)]
    codes, ts, close = _timeline(rng, n_times, k, turns=True)
    fields = {f: np.round(rng.uniform(10.0, 200.0, len(codes)), 2)
              for f in ("open", "high", "low", "volume")}
    merged, split = (TimelineRecorder(EquityTracker(1.0, ("a",), []), [], array("q"), 64)
                     for _ in range(2))
    bounds = [0, *sorted(min(c, len(codes)) for c in cuts), len(codes)]
    for a, b in pairwise(bounds):
        if a == b:
            continue
        present = sorted(set(codes[a:b].tolist()))
        local = np.array([present.index(c) for c in codes[a:b].tolist()], dtype=np.int64)
        columns = {"ts_ns": ts[a:b], "close": close[a:b],
                   **{f: v[a:b] for f, v in fields.items()}}
        own = tuple(SymbolRows(*(np.ascontiguousarray(columns[f][local == j]) for f in
                                 ("ts_ns", "open", "high", "low", "close", "volume")))
                    for j in range(len(present)))
        for recorder, by_symbol in ((merged, None), (split, own)):
            recorder.add(BarBatch(symbols=tuple(symbols[c] for c in present),
                                  symbol_index=local, by_symbol=by_symbol, **columns),
                         present, symbols)
    assert merged.candles.keys() == split.candles.keys()
    for name, candles in merged.candles.items():
        want, got = candles.arrays(), split.candles[name].arrays()
        assert want[0].tobytes() == got[0].tobytes() and want[1].tobytes() == got[1].tobytes()
        for f in want[2]:
            assert want[2][f].tobytes() == got[2][f].tobytes(), (name, f)
