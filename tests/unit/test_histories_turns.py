"""``SymbolHistories.extend`` on a merged batch: symbols taking turns get strided views."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from vibetrading_V2.core.ports import BarBatch, SymbolRows
from vibetrading_V2.runner.features import RAW_FIELDS
from vibetrading_V2.runner.histories import SymbolHistories
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard


class _Smas(Strategy):
    """Two rolling means: features that read each symbol's closes in order."""

    warmup_bars = 3

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame({"fast": close.rolling(2).mean(), "slow": close.rolling(4).mean()},
                            index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return None


def _histories() -> SymbolHistories:
    return SymbolHistories(_Smas(), RuntimeGuard(), required=("close",), window=100,
                           vol_lookback=None, periods_per_year=525_600.0)


def _batch(symbols: tuple[str, ...], local: Any, ts: Any, close: Any) -> BarBatch:
    return BarBatch(symbols=symbols, symbol_index=local, ts_ns=ts,
                    **{name: close + k for k, name in enumerate(RAW_FIELDS)})


def _never(ts_ns: int, symbol: str, error: BaseException) -> None:
    raise AssertionError(f"no features() error expected, got {error!r}")


def test_extend_when_symbols_take_turns_then_views_read_as_each_symbol_alone() -> None:
    symbols, steps = ("A", "B", "C"), 40
    rng = np.random.default_rng(3)
    order = np.array([2, 0, 1], dtype=np.int64)
    local = np.tile(order, steps)
    ts = np.repeat(1_000 + 60 * np.arange(steps, dtype=np.int64), 3)
    close = 100.0 + np.cumsum(rng.normal(0.0, 1.0, len(local)))
    merged = _histories()
    batch = _batch(symbols, local, ts, close)
    merged.extend(batch, merged.codes_of(batch), _never)
    # a second batch grows each view into an array of its own
    more = _batch(symbols, local[:6], ts[:6] + 60 * steps, close[:6] + 1.0)
    merged.extend(more, merged.codes_of(more), _never)
    for k, symbol in enumerate(symbols):
        alone = _histories()
        for part in (batch, more):
            rows = np.flatnonzero(np.asarray(part.symbol_index) == k)
            one = _batch((symbol,), np.zeros(len(rows), dtype=np.int64),
                         np.asarray(part.ts_ns)[rows], np.asarray(part.open)[rows])
            alone.extend(one, alone.codes_of(one), _never)
        mine, theirs = merged.cursors[symbol], alone.cursors[symbol]
        assert mine.history_length == theirs.history_length == steps + 2
        for i in range(steps + 2):
            mine.index = theirs.index = i
            assert (mine.ts_ns, mine.open, mine.close, mine.volume) == (
                theirs.ts_ns, theirs.open, theirs.close, theirs.volume)
            assert np.array_equal([mine["fast"], mine["slow"]], [theirs["fast"], theirs["slow"]],
                                  equal_nan=True)


def test_extend_when_the_batch_has_each_symbols_rows_then_same_histories_as_gathered() -> None:
    symbols, steps = ("A", "B"), 30
    local = np.tile(np.array([0, 1], dtype=np.int64), steps)
    ts = np.repeat(1_000 + 60 * np.arange(steps, dtype=np.int64), 2)
    close = 50.0 + np.cumsum(np.random.default_rng(5).normal(0.0, 1.0, len(local)))
    gathered, given = _histories(), _histories()
    for rows in (slice(0, 40), slice(40, None)):  # a first batch, then a later one
        plain = _batch(symbols, local[rows], ts[rows], close[rows])
        own = tuple(_rows_of(plain, local[rows] == k) for k in range(len(symbols)))
        gathered.extend(plain, gathered.codes_of(plain), _never)
        with_rows = replace(plain, by_symbol=own)
        given.extend(with_rows, given.codes_of(with_rows), _never)
    for symbol in symbols:
        mine, theirs = given.cursors[symbol], gathered.cursors[symbol]
        assert mine.history_length == theirs.history_length == steps
        for i in range(steps):
            mine.index = theirs.index = i
            assert (mine.ts_ns, mine.open, mine.close) == (theirs.ts_ns, theirs.open, theirs.close)
            assert np.array_equal([mine["fast"], mine["slow"]], [theirs["fast"], theirs["slow"]],
                                  equal_nan=True)


def _rows_of(batch: BarBatch, mine: Any) -> SymbolRows:
    columns: list[Any] = [np.ascontiguousarray(np.asarray(column)[mine]) for column in (
        batch.ts_ns, batch.open, batch.high, batch.low, batch.close, batch.volume)]
    return SymbolRows(*columns)
