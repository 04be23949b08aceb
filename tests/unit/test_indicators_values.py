"""Indicator values: small series worked out by hand, and plain-loop references on random bars.

The references (tests/unit/indicator_reference.py) transcribe the seeding the docstrings
state, independently of TA-Lib and pandas. Bollinger bands, computed with pandas, are
also checked against TA-Lib's own ``BBANDS``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
import talib

from tests.unit import indicator_reference as ref
from vibetrading_V2.strategy import indicators as ind

NAN = math.nan


def _s(values: list[float]) -> pd.Series:
    return pd.Series(values, dtype=np.float64)


def _same(actual: pd.Series, expected: list[float], rtol: float = 1e-12) -> None:
    np.testing.assert_allclose(actual.to_numpy(), np.array(expected), rtol=rtol, atol=1e-12)


@pytest.fixture(scope="module")
def bars() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    close = 100.0 + np.cumsum(rng.normal(0.0, 1.0, 300))
    spread = np.abs(rng.normal(0.0, 0.8, (2, 300)))
    return pd.DataFrame(
        {
            "high": close + spread[0],
            "low": close - spread[1],
            "close": close,
            "volume": rng.integers(1, 500, 300).astype(np.float64),
        },
        index=pd.date_range("2024-01-01", periods=300, freq="h", tz="UTC"),
    )


def test_sma_when_hand_series_then_means_of_last_n() -> None:
    _same(ind.sma(_s([1, 2, 3, 4, 5]), 3), [NAN, NAN, 2, 3, 4])


def test_ema_when_hand_series_then_seeded_with_first_mean() -> None:
    # alpha = 2 / (3 + 1) = 0.5; seed mean(2, 4, 6) = 4; then 4 + .5 * 4 = 6; 6 + .5 * -2 = 5
    _same(ind.ema(_s([2, 4, 6, 8, 4]), 3), [NAN, NAN, 4, 6, 5])


def test_wma_when_hand_series_then_newest_weighs_most() -> None:
    _same(ind.wma(_s([1, 2, 3, 4]), 3), [NAN, NAN, 14 / 6, 20 / 6])


def test_rsi_when_hand_series_then_wilder_averages() -> None:
    # moves +1 +1 -1 +1; seed gain 1 loss 0 -> 100; gain .5 loss .5 -> 50; .75/.25 -> 75
    _same(ind.rsi(_s([1, 2, 3, 2, 3]), 2), [NAN, NAN, 100, 50, 75])


def test_rsi_when_prices_flat_then_zero() -> None:
    assert ind.rsi(_s([1.0] * 6), 3).iloc[3:].tolist() == [0.0, 0.0, 0.0]


def test_atr_when_hand_bars_then_first_is_mean_of_true_ranges_from_row_1() -> None:
    high, low, close = _s([10, 11, 12, 11]), _s([9, 10, 10, 9]), _s([9.5, 10.5, 11, 10])
    # TR = 1.5, 2, 2 from row 1; seed (1.5 + 2) / 2 = 1.75; then (1.75 + 2) / 2 = 1.875
    _same(ind.atr(high, low, close, 2), [NAN, NAN, 1.75, 1.875])


def test_bollinger_when_hand_series_then_population_std() -> None:
    bands = ind.bollinger(_s([1, 2, 3, 4]), 2, k=1.0)
    _same(bands["middle"], [NAN, 1.5, 2.5, 3.5])
    _same(bands["lower"], [NAN, 1.0, 2.0, 3.0])
    _same(bands["upper"], [NAN, 2.0, 3.0, 4.0])


def test_donchian_when_hand_bars_then_window_includes_current_bar() -> None:
    channel = ind.donchian(_s([3, 5, 4, 2]), _s([1, 2, 3, 1]), 2)
    _same(channel["upper"], [NAN, 5, 5, 4])
    _same(channel["lower"], [NAN, 1, 2, 1])
    _same(channel["middle"], [NAN, 3, 3.5, 2.5])


def test_rolling_zscore_when_hand_series_then_population_std_and_nan_when_flat() -> None:
    z = ind.rolling_zscore(_s([1, 2, 3, 3, 3]), 3)
    _same(z, [NAN, NAN, 1 / math.sqrt(2 / 3), (1 / 3) / math.sqrt(2 / 9), NAN])


def test_fibonacci_levels_when_swing_0_to_4_then_levels_down_from_high() -> None:
    levels = ind.fibonacci_levels(_s([2, 4]), _s([1, 0]), 2)
    assert list(levels.columns) == [f"fib_{r:g}" for r in ind.FIB_RATIOS]
    last = levels.iloc[-1]
    assert last["fib_0"] == 4.0 and last["fib_1"] == 0.0
    assert last["fib_0.618"] == pytest.approx(4 - 0.618 * 4)


def test_mfi_when_hand_bars_then_positive_share_of_flow() -> None:
    tp = _s([1, 2, 1, 3])  # high = low = close: the typical price itself
    # flows: +2 (row 1), -2 (row 2), +3 (row 3) -> 2/(2+2) = 50 %, 3/(3+2) = 60 %
    _same(ind.mfi(tp, tp, tp, _s([1, 1, 2, 1]), 2), [NAN, NAN, 50, 60])


def test_stochastic_when_hand_bars_then_smoothed_k_and_d() -> None:
    high, low = _s([3, 4, 5, 6, 7, 8]), _s([1, 2, 3, 2, 1, 2])
    close = _s([2, 3, 4, 5, 2, 7])
    # raw %K: 75, 75, 100/6, 600/7 from row 2; k = 2-bar means; d = 2-bar means of k
    k = [NAN, NAN, NAN, NAN, (75 + 100 / 6) / 2, (100 / 6 + 600 / 7) / 2]
    out = ind.stochastic(high, low, close, k=3, smooth_k=2, d=2)
    _same(out["k"], k)
    _same(out["d"], [NAN, NAN, NAN, NAN, (75 + k[4]) / 2, (k[4] + k[5]) / 2])


SINGLE = [
    ("sma", lambda b: ind.sma(b.close, 10), lambda b: ref.sma(list(b.close), 10)),
    ("ema", lambda b: ind.ema(b.close, 10), lambda b: ref.ema(list(b.close), 10)),
    ("wma", lambda b: ind.wma(b.close, 10), lambda b: ref.wma(list(b.close), 10)),
    ("rsi", lambda b: ind.rsi(b.close, 14), lambda b: ref.rsi(list(b.close), 14)),
    (
        "atr",
        lambda b: ind.atr(b.high, b.low, b.close, 14),
        lambda b: ref.atr(list(b.high), list(b.low), list(b.close), 14),
    ),
    (
        "adx",
        lambda b: ind.adx(b.high, b.low, b.close, 14),
        lambda b: ref.adx(list(b.high), list(b.low), list(b.close), 14),
    ),
    (
        "mfi",
        lambda b: ind.mfi(b.high, b.low, b.close, b.volume, 14),
        lambda b: ref.mfi(list(b.high), list(b.low), list(b.close), list(b.volume), 14),
    ),
]


@pytest.mark.parametrize(("name", "compute", "reference"), SINGLE, ids=[r[0] for r in SINGLE])
def test_indicator_when_random_bars_then_matches_documented_reference(
    name: str,
    compute: Callable[[pd.DataFrame], pd.Series],
    reference: Callable[[pd.DataFrame], list[float]],
    bars: pd.DataFrame,
) -> None:
    out = compute(bars)
    assert out.index.equals(bars.index)
    _same(out, reference(bars), rtol=1e-9)


def test_macd_when_random_bars_then_both_emas_seeded_at_slow_minus_one(
    bars: pd.DataFrame,
) -> None:
    out = ind.macd(bars.close, 12, 26, 9)
    line, sig, hist = ref.macd(list(bars.close), 12, 26, 9)
    _same(out["macd"], line, rtol=1e-9)
    _same(out["signal"], sig, rtol=1e-9)
    _same(out["hist"], hist, rtol=1e-7)


def test_stochastic_when_random_bars_then_matches_reference(bars: pd.DataFrame) -> None:
    out = ind.stochastic(bars.high, bars.low, bars.close, 14, 3, 3)
    k, d = ref.stochastic(list(bars.high), list(bars.low), list(bars.close), 14, 3, 3)
    _same(out["k"], k, rtol=1e-9)
    _same(out["d"], d, rtol=1e-9)


def test_bollinger_when_random_bars_then_matches_talib_bbands(bars: pd.DataFrame) -> None:
    upper, middle, lower = talib.BBANDS(bars.close.to_numpy(), 20, 2.0, 2.0, 0)
    bands = ind.bollinger(bars.close, 20, 2.0)
    np.testing.assert_allclose(bands["upper"], upper, rtol=1e-9)
    np.testing.assert_allclose(bands["middle"], middle, rtol=1e-9)
    np.testing.assert_allclose(bands["lower"], lower, rtol=1e-9)


def test_rolling_zscore_when_close_on_band_then_equals_k(bars: pd.DataFrame) -> None:
    bands = ind.bollinger(bars.close, 20, 1.5)
    z = ind.rolling_zscore(bars.close, 20)
    one_std = (bands["upper"] - bands["middle"]) / 1.5
    np.testing.assert_allclose(bars.close - bands["middle"], z * one_std, rtol=1e-9)


def test_ema_when_leading_nans_then_warm_up_starts_after_them() -> None:
    series = pd.concat([_s([NAN, NAN]), _s([2, 4, 6, 8])], ignore_index=True)
    _same(ind.ema(series, 3), [NAN, NAN, NAN, NAN, 4, 6])


def test_indicators_when_dated_index_then_index_kept(bars: pd.DataFrame) -> None:
    for out in (ind.rsi(bars.close), ind.macd(bars.close), ind.donchian(bars.high, bars.low)):
        assert out.index.equals(bars.index)
