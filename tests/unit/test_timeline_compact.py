"""The compact bar timeline a run keeps: what it records from batches, and what is read back."""

from __future__ import annotations

from array import array

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.equity import equity_curve, exposure_fraction, per_timestamp
from vibetrading_V2.portfolio.run_equity import EquityTracker
from vibetrading_V2.portfolio.timeline import BarTimeline
from vibetrading_V2.portfolio.timeline_equity import timeline_equity
from vibetrading_V2.runner.timeline_recorder import TimelineRecorder


def _batch(
    symbols: tuple[str, ...], codes: np.ndarray, ts: np.ndarray, close: np.ndarray
) -> BarBatch:
    return BarBatch(symbols=symbols, symbol_index=codes, ts_ns=ts, open=close, high=close + 1.0,
                    low=close - 1.0, close=close, volume=np.ones(len(close)))


def _recorder() -> TimelineRecorder:
    return TimelineRecorder(EquityTracker(1_000.0), [], array("q"))


def _rows(seed: int, n: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, k, n)
    ts = np.sort(rng.integers(0, max(1, n // 2), n)).astype(np.int64) * 60
    return codes, ts, np.round(rng.uniform(10.0, 200.0, n), 2)


@settings(max_examples=60, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 400), st.integers(1, 6), st.integers(1, 50))
def test_recorder_when_rows_come_in_any_chunks_then_the_timeline_of_all_rows(
    seed: int, n: int, k: int, size: int
) -> None:
    symbols = tuple(f"S{i}" for i in range(k))
    codes, ts, close = _rows(seed, n, k)
    recorder = _recorder()
    for start in range(0, n, size):
        rows = slice(start, start + size)
        present = sorted(set(codes[rows].tolist()), reverse=True)  # the batch's own codes
        local = np.array([present.index(c) for c in codes[rows].tolist()], dtype=np.int64)
        batch = _batch(tuple(symbols[c] for c in present), local, ts[rows], close[rows])
        recorder.add(batch, present, list(symbols))

    got, _ = recorder.finish(symbols)
    want = BarTimeline.from_rows(symbols, codes, ts, close)

    assert got.times.tolist() == want.times.tolist()
    assert (got.ends is None) == (want.ends is None)
    assert want.row_ends().tolist() == (want.row_ends() if got.ends is None else got.ends).tolist()
    assert len(got) == n


def test_recorder_when_more_than_256_symbols_then_each_keeps_its_last_close() -> None:
    recorder = _recorder()
    names = [f"S{i}" for i in range(300)]
    one = np.zeros(1, dtype=np.int64)
    recorder.add(_batch(("S3",), one, np.array([60]), np.array([1.0])), [3], names)
    recorder.add(_batch(("S299",), one, np.array([120]), np.array([2.0])), [299], names)

    timeline, _ = recorder.finish(tuple(names))

    assert timeline.last_closes() == {"S3": (60, 1.0), "S299": (120, 2.0)}


def test_rows_after_when_times_repeat_then_counts_rows_strictly_after_and_before() -> None:
    timeline = BarTimeline.from_rows(("A", "B"), [0, 1, 0, 1, 0], [10, 10, 20, 20, 30],
                                     [1.0, 2.0, 3.0, 4.0, 5.0])
    assert timeline.rows_after(10, None) == 3
    assert timeline.rows_after(10, 30) == 2
    assert timeline.rows_after(5, 20) == 2
    assert timeline.rows_after(30, None) == 0
    assert timeline.time_of([0, 1, 2, 4]).tolist() == [10, 10, 20, 30]


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 120), st.integers(2, 5), st.integers(0, 40))
def test_timeline_equity_when_symbols_take_turns_then_bit_identical_to_the_full_curve(
    seed: int, n_times: int, k: int, n_fills: int
) -> None:
    rng = np.random.default_rng(seed)
    symbols = [f"S{i}" for i in range(k)]
    codes = np.tile(np.arange(k), n_times)
    ts = np.repeat(np.arange(n_times, dtype=np.int64) * 60, k)
    close = np.round(rng.uniform(10.0, 200.0, len(codes)), 2)
    rows = sorted(rng.integers(0, len(codes), n_fills).tolist())
    fills = [Fill(f"e{j}", "", symbols[codes[r]], Side.BUY if rng.random() < 0.5 else Side.SELL,
                  float(rng.integers(1, 6)), float(close[r]), 0.1, int(ts[r]))
             for j, r in enumerate(rows)]
    timeline = BarTimeline.from_rows(tuple(symbols), codes, ts, close)
    assert timeline.turns()

    curve, exposure = timeline_equity(timeline, fills, 10_000.0, rows)

    full = equity_curve(codes, ts, close, k, fills, symbols, 10_000.0, rows)
    expected = per_timestamp(full)
    for name in ("ts_ns", "cash", "gross_exposure", "equity", "invested"):
        assert getattr(curve, name).tobytes() == getattr(expected, name).tobytes(), name
    assert exposure == exposure_fraction(full)
