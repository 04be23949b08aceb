"""What every indicator promises: causal, the stated warm-up, typed refusals of bad input.

Causality is a hypothesis property: computing over a history and over the same history
with bars appended gives identical values on the shared rows, bit for bit.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import IndicatorInputError, UserInputError
from vibetrading_V2.strategy import indicators as ind

Output = pd.Series | pd.DataFrame
Indicator = Callable[[pd.DataFrame], Output]

# name, computation over a bar frame, warm-up rows (NaN before the first value)
CATALOGUE: list[tuple[str, Indicator, int]] = [
    ("sma", lambda b: ind.sma(b.close, 5), 4),
    ("ema", lambda b: ind.ema(b.close, 5), 4),
    ("wma", lambda b: ind.wma(b.close, 5), 4),
    ("rsi", lambda b: ind.rsi(b.close, 5), 5),
    ("atr", lambda b: ind.atr(b.high, b.low, b.close, 5), 5),
    ("bollinger", lambda b: ind.bollinger(b.close, 5), 4),
    ("donchian", lambda b: ind.donchian(b.high, b.low, 5), 4),
    ("macd", lambda b: ind.macd(b.close, 3, 6, 4), 6 + 4 - 2),
    ("mfi", lambda b: ind.mfi(b.high, b.low, b.close, b.volume, 5), 5),
    ("stochastic", lambda b: ind.stochastic(b.high, b.low, b.close, 5, 3, 2), 5 + 3 + 2 - 3),
    ("adx", lambda b: ind.adx(b.high, b.low, b.close, 4), 2 * 4 - 1),
    ("zscore", lambda b: ind.rolling_zscore(b.close, 5), 4),
    ("fibonacci", lambda b: ind.fibonacci_levels(b.high, b.low, 5), 4),
    ("exact_sma", lambda b: ind.exact_sma(b.close, 5, tick="0.01"), 4),
    ("compare_sma", lambda b: ind.compare_sma(b.close, 2, 5, tick="0.01"), 4),
]
IDS = [row[0] for row in CATALOGUE]


def _bars(cents: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    """Bars on a 0.01 grid from (close, up, down, volume) integers."""
    close = np.array([c for c, _, _, _ in cents], dtype=np.int64)
    up = np.array([u for _, u, _, _ in cents], dtype=np.int64)
    down = np.array([d for _, _, d, _ in cents], dtype=np.int64)
    return pd.DataFrame(
        {
            "close": close / 100,
            "high": (close + up) / 100,
            "low": (close - down) / 100,
            "volume": np.array([v for *_, v in cents], dtype=np.float64),
        },
        index=pd.RangeIndex(len(cents)),
    )


BAR = st.tuples(
    st.integers(5_000, 20_000), st.integers(0, 300), st.integers(0, 300), st.integers(0, 1000)
)


def _values(out: Output) -> np.ndarray:
    columns = 1 if isinstance(out, pd.Series) else len(out.columns)
    return out.to_numpy(dtype=np.float64).reshape(len(out), columns)


@settings(max_examples=60, deadline=None)
@given(st.lists(BAR, max_size=40), st.lists(BAR, min_size=1, max_size=25))
def test_indicators_when_future_bars_appended_then_past_values_unchanged(
    history: list[tuple[int, int, int, int]], future: list[tuple[int, int, int, int]]
) -> None:
    past, full = _bars(history), _bars(history + future)
    for name, compute, _ in CATALOGUE:
        before = _values(compute(past))
        after = _values(compute(full))[: len(history)]
        np.testing.assert_array_equal(before, after, err_msg=name)


@pytest.mark.parametrize(("name", "compute", "warmup"), CATALOGUE, ids=IDS)
def test_indicator_when_enough_bars_then_exactly_warmup_nan_rows(
    name: str, compute: Indicator, warmup: int
) -> None:
    rng = np.random.default_rng(3)
    bars = _bars([(int(c), 40, 40, 100) for c in rng.integers(9_000, 11_000, 40)])
    values = _values(compute(bars))
    assert np.isnan(values[:warmup]).all(), name
    assert not np.isnan(values[warmup:]).any(), name


@pytest.mark.parametrize(("name", "compute", "warmup"), CATALOGUE, ids=IDS)
def test_indicator_when_fewer_bars_than_warmup_then_all_nan_same_length(
    name: str, compute: Indicator, warmup: int
) -> None:
    bars = _bars([(10_000 + i, 10, 10, 5) for i in range(warmup)])
    values = _values(compute(bars))
    assert len(values) == warmup and np.isnan(values).all()


@pytest.mark.parametrize("n", [0, -3, 1.5, True, "14", None])
def test_window_when_not_a_positive_int_then_indicator_input_error(n: object) -> None:
    close = pd.Series([1.0, 2.0, 3.0])
    for call in (ind.sma, ind.ema, ind.rsi, ind.rolling_zscore):
        with pytest.raises(IndicatorInputError, match="n must be"):
            call(close, n)  # type: ignore[operator]


def test_window_when_rsi_of_one_bar_then_refused_with_minimum() -> None:
    with pytest.raises(IndicatorInputError, match="between 2 and"):
        ind.rsi(pd.Series([1.0, 2.0, 3.0]), 1)


@pytest.mark.parametrize(
    ("series", "pattern"),
    [
        (pd.Series(["1.0", "2.0"]), "must hold numbers"),
        (pd.Series([True, False]), "must hold numbers"),
        ([1.0, 2.0, 3.0], "must be a pandas Series"),
        (pd.DataFrame({"close": [1.0, 2.0]}), "must be a pandas Series"),
        (pd.Series([1.0, np.nan, 3.0]), r"nan at row 1, after its first number"),
        (pd.Series([1.0, 2.0, np.inf]), r"inf at row 2"),
    ],
)
def test_series_when_not_numeric_or_gapped_then_indicator_input_error(
    series: object, pattern: str
) -> None:
    with pytest.raises(IndicatorInputError, match=pattern) as caught:
        ind.sma(series, 2)  # type: ignore[arg-type]
    assert isinstance(caught.value, UserInputError)


def test_series_when_integer_dtype_then_accepted_as_floats() -> None:
    assert ind.sma(pd.Series([1, 2, 3]), 2).tolist()[1:] == [1.5, 2.5]


def test_inputs_when_indexes_differ_then_indicator_input_error() -> None:
    high = pd.Series([2.0, 3.0, 4.0])
    low = pd.Series([1.0, 2.0, 3.0], index=[1, 2, 3])
    with pytest.raises(IndicatorInputError, match="low does not share the index"):
        ind.atr(high, low, high, 2)


def test_macd_when_fast_not_shorter_than_slow_then_refused() -> None:
    with pytest.raises(IndicatorInputError, match="fast"):
        ind.macd(pd.Series(np.arange(50.0)), 26, 12)


def test_bollinger_when_k_negative_then_refused() -> None:
    with pytest.raises(IndicatorInputError, match="k must be"):
        ind.bollinger(pd.Series(np.arange(50.0)), 20, -1.0)


def test_fibonacci_when_ratios_not_numbers_then_refused() -> None:
    prices = pd.Series(np.arange(10.0))
    with pytest.raises(IndicatorInputError, match="ratios"):
        ind.fibonacci_levels(prices, prices, 3, ratios=["0.5"])  # type: ignore[list-item]


def test_indicators_when_empty_series_then_empty_output() -> None:
    empty = pd.Series([], dtype=np.float64)
    assert len(ind.rsi(empty)) == 0 and len(ind.macd(empty)) == 0
    assert len(ind.exact_sma(empty, 3, tick="0.01")) == 0
