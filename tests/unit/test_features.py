"""FeatureBuilder: the frame the strategy sees, zero-copy first batches and chunked parity."""

from __future__ import annotations

from array import array
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from vibetrading_V2.core.errors import StrategyError
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.features import RAW_FIELDS, FeatureBuilder
from vibetrading_V2.runner.histories import SymbolHistories
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

N = 500
T0 = 1_600_000_000_000_000_000
MINUTE = 60_000_000_000


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


class Recorder(Strategy):
    """Keeps every frame it was given and writes into it in place, as a careless one may."""

    warmup_bars = 5

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        self.frames.append(frame.copy())
        close = frame["close"]
        out = pd.DataFrame(
            {"fast": close.rolling(3).mean(), "slow": close.rolling(5).mean()}, index=frame.index
        )
        frame.loc[frame.index[0], "close"] = -1.0
        frame["volume"] *= 2.0
        return out

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return None


def _bars(n: int = N) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.default_rng(7)
    ts = T0 + MINUTE * np.arange(n, dtype=np.int64)
    close = np.round(100.0 + np.cumsum(rng.normal(0.0, 0.5, n)), 4)
    raw = {name: close + i for i, name in enumerate(RAW_FIELDS)}
    return ts, raw


def _build(guard: RuntimeGuard, chunks: list[int]) -> tuple[FeatureBuilder, Recorder]:
    ts, raw = _bars()
    strategy = Recorder()
    builder = FeatureBuilder("X", strategy, guard, required=("close",), window=50,
                             vol_lookback=4)
    start = 0
    for size in chunks:
        builder.extend(ts[start : start + size],
                       {name: values[start : start + size] for name, values in raw.items()})
        start += size
    return builder, strategy


def test_features_frame_when_one_batch_then_utc_index_and_raw_columns(
    guard: RuntimeGuard,
) -> None:
    ts, raw = _bars()
    _, strategy = _build(guard, [N])
    (frame,) = strategy.frames
    expected = pd.DataFrame(
        raw, index=pd.DatetimeIndex(pd.to_datetime(ts, unit="ns", utc=True), name="timestamp")
    )
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    assert str(frame.index.dtype) == "datetime64[ns, UTC]"
    assert frame.index.freq is None


def test_features_extend_when_strategy_writes_into_its_frame_then_batch_is_untouched(
    guard: RuntimeGuard,
) -> None:
    ts, raw = _bars()
    kept = {name: values.copy() for name, values in raw.items()}
    builder = FeatureBuilder("X", Recorder(), guard, required=("close",), window=50)
    builder.extend(ts, raw)
    for name in RAW_FIELDS:
        np.testing.assert_array_equal(raw[name], kept[name])
        np.testing.assert_array_equal(np.asarray(builder.columns[name]), kept[name])
        assert raw[name].flags.writeable  # the caller's arrays stay as they were


def test_features_extend_when_chunked_then_columns_equal_one_batch(guard: RuntimeGuard) -> None:
    whole, _ = _build(guard, [N])
    chunked, _ = _build(guard, [120, 1, 1, 200, 3, N - 325])
    cut = chunked.trimmed  # a live history keeps a rolling window: its oldest bars went
    assert cut > 0 and len(chunked.ts_ns) + cut == N
    assert list(chunked.ts_ns) == list(whole.ts_ns)[cut:]
    assert chunked.columns.keys() == whole.columns.keys()
    for name, column in whole.columns.items():
        np.testing.assert_allclose(np.asarray(chunked.columns[name], dtype=np.float64),
                                   np.asarray(column, dtype=np.float64)[cut:],
                                   rtol=1e-12, equal_nan=True)
    assert isinstance(chunked.columns["close"], array)  # grown: compact doubles
    assert isinstance(whole.columns["close"], memoryview)  # one batch: a view, no copy


def test_features_extend_when_first_batch_then_raw_fields_are_read_as_floats(
    guard: RuntimeGuard,
) -> None:
    ts, raw = _bars()
    builder, _ = _build(guard, [N])
    for name in RAW_FIELDS:
        value = builder.columns[name][17]
        assert type(value) is float
        assert value == raw[name][17]
    assert builder.ts_ns[17] == int(ts[17])


class _KeepsItsArray(Strategy):
    """Returns a feature frame over an array of its own, which it changes afterwards."""

    warmup_bars = 0

    def __init__(self) -> None:
        self.signal = np.empty(0)

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        self.signal = frame["close"].to_numpy(dtype=np.float64, copy=True)
        return pd.DataFrame({"signal": self.signal}, index=frame.index, copy=False)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return None


def test_features_extend_when_strategy_changes_its_returned_array_later_then_columns_stay(
    guard: RuntimeGuard,
) -> None:
    ts, raw = _bars()
    strategy = _KeepsItsArray()
    builder = FeatureBuilder("X", strategy, guard, required=("close",), window=50)
    builder.extend(ts, raw)

    strategy.signal[:] = 0.0  # after the fact: the history must not change with it

    np.testing.assert_array_equal(np.asarray(builder.columns["signal"]), raw["close"])


class _Lookback(Strategy):
    """Rolling mean and standard deviation over ``warmup_bars`` closes; keeps frame lengths."""

    def __init__(self, warmup: int) -> None:
        self.warmup_bars = warmup
        self.frame_rows: list[int] = []

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        self.frame_rows.append(len(frame))
        close = frame["close"].rolling(self.warmup_bars)
        return pd.DataFrame({"mean": close.mean(), "std": close.std()}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return None


def _histories(guard: RuntimeGuard, warmup: int, sizes: list[int]) -> tuple[
    SymbolHistories, _Lookback
]:
    ts, raw = _bars()
    strategy = _Lookback(warmup)
    # a feature window shorter than the warm-up: the warm-up sets the window (2 × warm-up)
    histories = SymbolHistories(strategy, guard, required=("close",), window=1,
                                vol_lookback=None, periods_per_year=8760.0)
    start = 0
    for size in sizes:
        rows = slice(start, start + size)
        batch = BarBatch(symbols=("X",), symbol_index=np.zeros(size, dtype=np.int64),
                         ts_ns=ts[rows], **{name: raw[name][rows] for name in RAW_FIELDS})
        histories.extend(batch, histories.codes_of(batch), _never)
        start += size
    return histories, strategy


def _never(ts_ns: int, symbol: str, error: BaseException) -> None:
    raise AssertionError(f"no features() error expected, got {error!r}")


@pytest.mark.parametrize("warmup", [6, 40])
def test_features_live_window_when_small_batches_then_values_equal_the_full_history(
    guard: RuntimeGuard, warmup: int
) -> None:
    first = 2 * warmup + 3  # a live start: a short history, then a few bars at a time
    sizes = [first] + [1, 2, 5, 1, 3] * 30
    sizes.append(N - sum(sizes))
    whole, _ = _histories(guard, warmup, [N])
    live, strategy = _histories(guard, warmup, sizes)

    window = 2 * warmup  # what features() saw per later batch: the window and the new rows
    assert strategy.frame_rows[1:] == [window + size for size in sizes[1:]]
    got, want = live.cursors["X"], whole.cursors["X"]
    cut = got.history_length - len(got.timestamps)  # the bars the rolling window dropped
    assert got.history_length == want.history_length == N
    assert cut > 0 and len(got.timestamps) <= 2 * window + sizes[-1]  # bounded
    assert list(got.timestamps) == list(want.timestamps)[cut:]
    for name in RAW_FIELDS:  # raw fields are copied, never recomputed: exactly equal
        assert _read(got, name) == _read(want, name)[cut:]
    # rolling sums started at another row differ in the last bits, hence the tolerances; the
    # standard deviation subtracts running sums of squares of ~100, so its error is 1e-12 of
    # the price level, not of the (much smaller) deviation itself
    np.testing.assert_allclose(_read(got, "mean"), _read(want, "mean")[cut:], rtol=1e-12,
                               equal_nan=True)
    np.testing.assert_allclose(_read(got, "std"), _read(want, "std")[cut:], rtol=0.0,
                               atol=1e-10, equal_nan=True)
    assert np.isnan(_read(want, "mean")[: warmup - 1]).all()
    assert not np.isnan(_read(got, "std")).any()  # what the window keeps is past warm-up


def _read(cursor: BarCursor, name: str) -> list[float]:
    """Every kept row's value of column ``name``, read through the cursor as on_bar does."""
    values = []
    for row in range(cursor.history_length - len(cursor.timestamps), cursor.history_length):
        cursor.index = row
        values.append(float(cursor[name]))
    return values


class _Twice(Recorder):
    """Returns one feature name twice (a concat of two frames that share a column)."""

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.concat([close.rolling(3).mean().rename("fast"),
                          close.rolling(5).mean().rename("fast")], axis=1)


def test_features_when_a_column_name_is_returned_twice_then_strategy_error_names_it(
    guard: RuntimeGuard,
) -> None:
    ts, raw = _bars()
    builder = FeatureBuilder("X", _Twice(), guard, required=("close",), window=50)
    with pytest.raises(StrategyError, match=r"\['fast'\] more than once"):
        builder.extend(ts, raw)
