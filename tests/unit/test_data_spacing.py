"""The bar spacing check: daily bars declared 1h or 1w are refused, session gaps are not."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.unit.data_helpers import exchange_days, exchange_hours, fx_hours, ns
from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.spacing import (
    check_spacing,
    describe_gap,
    measure_spacing,
    timeframe_for_gap,
)

NS_HOUR = 3_600 * 10**9


@pytest.mark.parametrize(
    ("ts", "timeframe"),
    [
        pytest.param(exchange_days(), "1d", id="daily-exchange-1d"),
        pytest.param(fx_hours(), "1h", id="hourly-fx-1h"),
        pytest.param(exchange_hours(), "1h", id="hourly-exchange-1h"),
        pytest.param(ns(pd.date_range("2012-01-31", periods=60, freq="ME", tz="UTC")), "1M",
                     id="month-ends-1M"),
        pytest.param(ns(pd.date_range("2012-01-06", periods=60, freq="W-FRI", tz="UTC")), "1w",
                     id="weekly-1w"),
    ],
)
def test_spacing_when_bars_match_timeframe_with_session_gaps_then_accepted(
    ts: np.ndarray, timeframe: str
) -> None:
    assert not measure_spacing(ts, timeframe).mismatch


def test_spacing_when_daily_bars_declared_1h_then_mismatch_measured_as_one_day() -> None:
    spacing = measure_spacing(exchange_days(), "1h")
    assert spacing.mismatch
    assert spacing.typical_ns == 24 * NS_HOUR and spacing.matching == 0
    assert spacing.suggestion() == "1d"


def test_spacing_when_daily_bars_declared_1w_then_every_gap_is_shorter() -> None:
    ts = exchange_days()
    spacing = measure_spacing(ts, "1w")
    assert spacing.mismatch and spacing.shorter == spacing.gaps == ts.size - 1


def test_spacing_when_hourly_bars_declared_4h_or_1d_then_mismatch() -> None:
    assert measure_spacing(fx_hours(), "4h").mismatch
    assert measure_spacing(exchange_hours(), "1d").mismatch


def test_spacing_when_four_hour_bars_declared_1h_then_mismatch() -> None:
    ts = ns(pd.date_range("2020-01-01", periods=200, freq="4h", tz="UTC"))
    spacing = measure_spacing(ts, "1h")
    assert spacing.mismatch and spacing.suggestion() == "4h"


def test_spacing_when_daily_bars_stamped_in_local_time_cross_dst_then_accepted() -> None:
    days = pd.bdate_range("2012-01-03", "2012-12-31")
    local = days + pd.Timedelta(hours=16)
    ts = ns(local.tz_localize("America/New_York").tz_convert("UTC"))
    assert not measure_spacing(ts, "1d").mismatch


def test_spacing_when_two_bars_straddle_a_night_then_not_judged() -> None:
    ts = np.array([0, 18 * NS_HOUR], dtype=np.int64)
    assert not measure_spacing(ts, "1h").mismatch


def test_check_spacing_when_mismatch_then_error_names_spacing_timeframe_file_and_fix() -> None:
    with pytest.raises(DataValidationError) as info:
        check_spacing(exchange_days(), "1h", source="GOOG.csv",
                      fix="import them with --timeframe {suggested}")
    error = info.value
    assert error.path == "GOOG.csv" and error.field == "timeframe"
    assert "1 day apart" in error.message and "declared timeframe is 1h" in error.message
    assert error.hint == "import them with --timeframe 1d"


@pytest.mark.parametrize(
    ("hours", "code"),
    [(1, "1h"), (4, "4h"), (24, "1d"), (24 * 7, "1w"), (24 * 31, "1M"), (0.5, "30m")],
)
def test_timeframe_for_gap_when_plain_spacing_then_its_code(hours: float, code: str) -> None:
    assert timeframe_for_gap(int(hours * NS_HOUR)) == code


def test_describe_gap_when_days_hours_minutes_then_short_words() -> None:
    assert describe_gap(24 * NS_HOUR) == "1 day"
    assert describe_gap(7 * 24 * NS_HOUR) == "7 days"
    assert describe_gap(NS_HOUR // 2) == "30 min"
