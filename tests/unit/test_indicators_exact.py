"""Exact tick-grid means: equal means compare equal where pandas' float rolling mean does not."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from vibetrading_V2.core.errors import IndicatorInputError, OffTickPriceError
from vibetrading_V2.strategy.indicators import compare_sma, exact_rolling_sum, exact_sma, to_ticks

REPO = Path(__file__).resolve().parents[2]
# SMA(2) and SMA(3) of the last row are both exactly 1.07095: (1.0713 + 1.0706) / 2 and
# (1.07095 + 1.0713 + 1.0706) / 3
TIE = pd.Series([1.07095, 1.0713, 1.0706])


def test_float_rolling_mean_when_sma2_equals_sma3_then_pandas_reads_below() -> None:
    fast, slow = TIE.rolling(2).mean().iloc[-1], TIE.rolling(3).mean().iloc[-1]
    assert fast < slow  # the float error this module exists for


def test_exact_sma_when_sma2_equals_sma3_then_equal_floats_and_compare_zero() -> None:
    fast = exact_sma(TIE, 2, tick=0.00001).iloc[-1]
    slow = exact_sma(TIE, 3, tick=0.00001).iloc[-1]
    assert fast == slow == 1.07095
    assert compare_sma(TIE, 2, 3, tick=0.00001).iloc[-1] == 0.0


def test_float_rolling_mean_when_equal_sums_at_two_rows_then_pandas_differs_exact_not() -> None:
    # rows 0..2 and 1..3 hold the same prices, so the same sum; pandas' running total does not
    prices = pd.Series([1.07013, 1.07332, 1.07277, 1.07013])
    floats = prices.rolling(3).mean()
    assert floats.iloc[2] != floats.iloc[3]
    exact = exact_sma(prices, 3, tick="0.00001")
    assert exact.iloc[2] == exact.iloc[3]
    assert exact_rolling_sum(prices, 3, tick="0.00001").iloc[2:].tolist() == [321622, 321622]


def test_compare_sma_when_bundled_eurusd_then_finds_ties_floats_call_a_side() -> None:
    close = pd.read_parquet(REPO / "data" / "curated" / "1h" / "EURUSD.parquet")["close"]
    exact = compare_sma(close, 2, 3, tick="0.00001")
    floats = np.sign(close.rolling(2).mean() - close.rolling(3).mean())
    ties = exact == 0.0
    assert ties.sum() > 0
    assert (floats[ties] != 0.0).any()  # floats call some exact ties "above" or "below"
    assert (floats[~ties & exact.notna()] == exact[~ties & exact.notna()]).all()


def test_exact_sma_when_compared_with_fractions_then_correctly_rounded() -> None:
    rng = np.random.default_rng(11)
    ticks = rng.integers(100_000, 200_000, 200)
    prices = pd.Series(ticks / 100_000)
    out = exact_sma(prices, 7, tick="0.00001")
    for t in range(6, 200):
        exact = Fraction(int(ticks[t - 6 : t + 1].sum()), 7 * 100_000)
        assert out.iloc[t] == float(exact)


def test_compare_sma_when_price_against_its_mean_then_sign_of_exact_difference() -> None:
    prices = pd.Series([1.0, 2.0, 3.0, 1.0, 2.0])
    # close vs SMA(3): 3 > 2, 1 < 2, 2 == 2
    assert compare_sma(prices, 1, 3, tick="1").tolist()[2:] == [1.0, -1.0, 0.0]


def test_exact_sma_when_price_off_grid_then_off_tick_error_names_value_and_tick() -> None:
    prices = pd.Series([1.1234, 1.12345, 1.1236])
    with pytest.raises(OffTickPriceError) as caught:
        exact_sma(prices, 2, tick=0.0001)
    error = caught.value
    assert (error.value, error.tick, error.position) == (1.12345, "0.0001", 1)
    assert "1.12345" in str(error) and "0.0001" in str(error)
    assert isinstance(error, IndicatorInputError)


@pytest.mark.parametrize("tick", [0.0001, "0.0001", Decimal("0.0001"), Fraction(1, 10_000)])
def test_to_ticks_when_tick_given_any_way_then_same_integers(tick: object) -> None:
    prices = pd.Series([1.1234, 0.0001, 250.0])
    assert to_ticks(prices, tick).tolist() == [11234, 1, 2_500_000]  # type: ignore[arg-type]


def test_to_ticks_when_fractional_tick_then_exact() -> None:
    assert to_ticks(pd.Series([99.03125, 100.5]), Fraction(1, 32)).tolist() == [3169, 3216]


@pytest.mark.parametrize("tick", [0, -0.01, "abc", True, None, float("nan")])
def test_exact_sma_when_tick_invalid_then_indicator_input_error(tick: object) -> None:
    with pytest.raises(IndicatorInputError, match="tick"):
        exact_sma(pd.Series([1.0, 2.0]), 2, tick=tick)  # type: ignore[arg-type]


def test_exact_sma_when_nan_price_then_refused_not_rounded() -> None:
    with pytest.raises(IndicatorInputError, match="no NaN"):
        exact_sma(pd.Series([np.nan, 1.0, 2.0]), 2, tick="1")


def test_exact_sma_when_sums_exceed_int64_then_python_integers_stay_exact() -> None:
    big = pd.Series([float(2**49), float(2**49 - 1)] * 40)
    out = exact_sma(big, 3, tick="1")
    assert out.iloc[2] == float(Fraction(2 * 2**49 + 2**49 - 1, 3))
    assert compare_sma(big, 2, 4, tick="1").iloc[3:].eq(0.0).all()
