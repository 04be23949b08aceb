"""The report's thinning, candles, buy and hold and monthly returns (pure functions)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from vibetrading_V2.ops.report_series import (
    buy_and_hold,
    candles,
    minmax_indices,
    monthly_returns,
    utc_times,
)


def test_minmax_indices_when_series_is_long_then_every_spike_and_both_ends_kept() -> None:
    values = np.zeros(100_000)
    values[[7, 50_001, 99_998]] = [5.0, -3.0, 2.0]
    keep = minmax_indices(values, max_points=300)
    assert len(keep) <= 300 and {0, 7, 50_001, 99_998, 99_999} <= set(keep.tolist())
    assert (np.diff(keep) > 0).all()


def test_minmax_indices_when_nan_present_then_no_error_and_extremes_kept() -> None:
    values = np.full(10_000, np.nan)
    values[4_000] = 1.0
    assert 4_000 in minmax_indices(values, max_points=100).tolist()


def test_candles_when_longer_than_limit_then_merged_with_true_extremes() -> None:
    index = pd.date_range("2024-01-01", periods=10, freq="h", tz="UTC")
    bars = pd.DataFrame({"open": np.arange(10.0), "high": np.arange(10.0) + 1,
                         "low": np.arange(10.0) - 1, "close": np.arange(10.0) + 0.5,
                         "volume": 1.0}, index=index)  # fmt: skip
    merged, span = candles(bars, max_candles=4)
    assert span == 3 and merged.index.tolist() == index[[0, 3, 6, 9]].tolist()
    assert merged["open"].tolist() == [0.0, 3.0, 6.0, 9.0]
    assert merged["high"].tolist() == [3.0, 6.0, 9.0, 10.0]
    assert merged["low"].tolist() == [-1.0, 2.0, 5.0, 8.0]
    assert merged["close"].tolist() == [2.5, 5.5, 8.5, 9.5]
    assert merged["volume"].tolist() == [3.0, 3.0, 3.0, 1.0]


def test_buy_and_hold_when_two_symbols_start_apart_then_equal_weights_cash_until_first_bar(
) -> None:
    times = pd.date_range("2024-01-01", periods=3, freq="D", tz="UTC")
    closes = {
        "A": pd.Series([10.0, 20.0, 20.0], index=times),
        "B": pd.Series([5.0, 10.0], index=times[1:]),  # starts a day later
    }
    hold = buy_and_hold(times, closes, 1_000.0)
    assert hold is not None and hold.tolist() == [1_000.0, 1_500.0, 2_000.0]


def test_buy_and_hold_when_no_usable_close_then_none() -> None:
    times = pd.date_range("2024-01-01", periods=2, freq="D", tz="UTC")
    assert buy_and_hold(times, {"A": pd.Series([np.nan, 0.0], index=times)}, 1.0) is None


def test_monthly_returns_when_two_years_then_month_and_year_percent_from_month_ends() -> None:
    times = pd.DatetimeIndex(["2023-12-15", "2023-12-31", "2024-01-10", "2024-03-01"], tz="UTC")
    grid = monthly_returns(times, np.array([105.0, 110.0, 121.0, 108.9]), 100.0)
    assert grid.index.tolist() == [2023, 2024]
    assert grid.loc[2023, 12] == pytest.approx(10.0) and np.isnan(grid.loc[2023, 1])
    assert grid.loc[2024, 1] == pytest.approx(10.0) and grid.loc[2024, 3] == pytest.approx(-10.0)
    assert np.isnan(grid.loc[2024, 2])
    assert grid.loc[2024, "year"] == pytest.approx(-1.0)


def test_utc_times_when_naive_datetimes_then_value_error() -> None:
    with pytest.raises(ValueError, match="without a time zone"):
        utc_times(pd.Series(pd.date_range("2024-01-01", periods=2)), "equity.timestamp")
    seconds = pd.Series(pd.date_range("2024-01-01", periods=2, tz="UTC").as_unit("s"))
    assert utc_times(seconds, "x").asi8.tolist()[0] == 1_704_067_200 * 10**9
