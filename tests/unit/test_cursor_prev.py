"""``bar.prev(name, bars)``: earlier values of a column, never later ones, within the history.

The cursor unit tests bind columns by hand; the engine tests run a strategy that looks back
over a whole backtest and over paper-sized batches (a trimmed rolling window), and expect
the same values and the same refusals from both.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.engine_helpers import bars, chunks, make_rig
from vibetrading_V2.core.errors import StrategyError
from vibetrading_V2.core.types import Intent
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.engine import EngineConfig
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard


def _cursor(closes: list[float], *, lookback: int | None = None, offset: int = 0) -> BarCursor:
    cursor = BarCursor("AAA", lookback=lookback)
    columns = {name: array("d", closes) for name in ("open", "high", "low", "close", "volume")}
    columns["double"] = array("d", [2.0 * c for c in closes])
    cursor.bind(array("q", range(len(closes))), columns, offset)
    return cursor


def test_prev_when_one_bar_back_then_the_previous_close_and_feature() -> None:
    cursor = _cursor([10.0, 11.0, 12.0])
    cursor.index = 2

    assert cursor.prev("close") == 11.0
    assert cursor.prev("double", 2) == 20.0
    assert cursor.prev("close", 0) == cursor.close == 12.0


def test_prev_when_before_the_first_bar_then_nan() -> None:
    cursor = _cursor([10.0, 11.0, 12.0])
    cursor.index = 1

    assert cursor.prev("close") == 10.0
    assert math.isnan(cursor.prev("close", 2))


def test_prev_when_negative_count_then_strategy_error_refusing_look_ahead() -> None:
    cursor = _cursor([10.0, 11.0, 12.0])
    cursor.index = 0

    with pytest.raises(StrategyError, match="no look-ahead") as caught:
        cursor.prev("close", -1)
    assert caught.value.hint is not None and "bar.prev('close', 1)" in caught.value.hint


def test_prev_when_past_the_lookback_bound_then_strategy_error_naming_the_fix() -> None:
    cursor = _cursor([float(i) for i in range(50)], lookback=5)
    cursor.index = 49

    assert cursor.prev("close", 5) == 44.0
    with pytest.raises(StrategyError, match="further back than the 5 bars") as caught:
        cursor.prev("close", 6)
    assert caught.value.hint is not None and "feature_window" in caught.value.hint


def test_prev_when_rows_were_dropped_from_a_live_history_then_strategy_error() -> None:
    cursor = _cursor([100.0, 101.0, 102.0], offset=10)  # bars 10..12 of the symbol kept
    cursor.index = 12

    assert cursor.prev("close", 2) == 100.0
    with pytest.raises(StrategyError, match="further back"):
        cursor.prev("close", 3)


def test_prev_when_column_unknown_then_key_error_with_suggestion() -> None:
    cursor = _cursor([1.0, 2.0])
    cursor.index = 1

    with pytest.raises(KeyError, match="did you mean 'double'"):
        cursor.prev("doubel")


@given(
    closes=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40),
    data=st.data(),
)
def test_prev_when_any_row_and_count_then_equals_pandas_shift(
    closes: list[float], data: st.DataObject
) -> None:
    cursor = _cursor(closes)
    row = data.draw(st.integers(0, len(closes) - 1))
    back = data.draw(st.integers(0, len(closes) + 2))
    cursor.index = row

    expected = pd.Series(closes).shift(back).iloc[row]

    got = cursor.prev("close", back)
    assert (math.isnan(got) and math.isnan(expected)) or got == expected


# -- through the engine: a backtest's whole history and a paper run's rolling window ----------


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


class _LookingBack(Strategy):
    """Goes long when the close rose over ``back`` bars; records what ``prev`` returned."""

    def __init__(self, back: int) -> None:
        self.back = back
        self.seen: list[tuple[float, float]] = []

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"top": frame["close"].rolling(3).max()}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        before, top_before = bar.prev("close", self.back), bar.prev("top")
        self.seen.append((before, top_before))
        rose = bar.close > before
        return Intent.long(bar.symbol, quantity=1.0) if rose else Intent.flat(bar.symbol)


def _closes() -> list[float]:
    return [100.0 + 5.0 * np.sin(i / 5.0) for i in range(200)]


def test_engine_when_prev_then_backtest_and_paper_batches_see_the_same_values(
    guard: RuntimeGuard,
) -> None:
    config = EngineConfig(feature_window=20)
    whole, live = _LookingBack(20), _LookingBack(20)

    reference = make_rig(whole, guard, engine=config).run(bars("AAA", _closes()))
    run = make_rig(live, guard, engine=config).run(*chunks(bars("AAA", _closes()), 3))

    np.testing.assert_array_equal(np.array(live.seen), np.array(whole.seen))
    assert np.isnan(whole.seen[19][0]) and whole.seen[20][0] == _closes()[0]
    assert [(f.price, f.ts_ns) for f in run.fills] == [(f.price, f.ts_ns) for f in reference.fills]
    assert run.strategy_errors == reference.strategy_errors == 0


def test_engine_when_prev_past_the_window_then_both_runs_count_the_same_errors(
    guard: RuntimeGuard,
) -> None:
    config = EngineConfig(feature_window=20, error_budget=1_000)

    reference = make_rig(_LookingBack(21), guard, engine=config).run(bars("AAA", _closes()))
    run = make_rig(_LookingBack(21), guard, engine=config).run(
        *chunks(bars("AAA", _closes()), 3))

    assert run.strategy_errors == reference.strategy_errors == len(_closes())
