"""The curated-data check on small in-memory frames: each bad case names row, time, problem."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.validation import bar_arrays, validate_bars

SRC = "bars.csv"
T0 = "2024-01-01T00:00:00Z"


def _bars(n: int = 5) -> pd.DataFrame:
    """n valid hourly bars indexed by a UTC DatetimeIndex named timestamp."""
    index = pd.date_range("2024-01-01", periods=n, freq="h", tz="UTC", name="timestamp")
    close = 100.0 + np.arange(n, dtype=np.float64)
    return pd.DataFrame(
        {
            "open": close - 0.5,
            "high": close + 1.0,
            "low": close - 1.0,
            "close": close,
            "volume": np.full(n, 10.0),
        },
        index=index,
    )


def _text_bars(stamps: list[str]) -> pd.DataFrame:
    """Bars with a text timestamp column, as read from a CSV."""
    frame = _bars(len(stamps)).reset_index(drop=True)
    frame.insert(0, "timestamp", pd.Series(stamps, dtype=object))
    return frame


def _error(frame: pd.DataFrame, **kwargs: object) -> DataValidationError:
    with pytest.raises(DataValidationError) as info:
        validate_bars(frame, source=SRC, **kwargs)  # type: ignore[arg-type]
    assert info.value.path == SRC
    return info.value


def test_validate_bars_when_frame_is_well_formed_then_passes() -> None:
    validate_bars(_bars(), source=SRC)


def test_validate_bars_when_frame_is_empty_then_passes() -> None:
    validate_bars(_bars(0), source=SRC)


def test_bar_arrays_when_timestamps_in_column_then_returns_utc_nanoseconds() -> None:
    frame = _bars(3).reset_index()
    bars = bar_arrays(frame, source=SRC)
    assert bars.ts_ns.dtype == np.int64
    assert bars.ts_ns[0] == pd.Timestamp(T0).value
    assert np.diff(bars.ts_ns).tolist() == [3_600_000_000_000] * 2


@pytest.mark.parametrize("column", ["open", "high", "low", "close", "volume"])
@pytest.mark.parametrize("timestamps_in_column", [False, True])
def test_validate_bars_when_column_missing_then_error_names_it(
    column: str, timestamps_in_column: bool
) -> None:
    frame = _bars().drop(columns=column)
    error = _error(frame.reset_index() if timestamps_in_column else frame)
    assert f"missing column(s) {column};" in error.message
    assert error.field == column


def test_validate_bars_when_no_timestamp_column_or_index_then_error_names_it() -> None:
    error = _error(_bars().reset_index(drop=True))
    assert "missing column(s) timestamp" in error.message


@pytest.mark.parametrize("column", ["open", "high", "low", "close"])
def test_validate_bars_when_price_is_nan_then_error_names_row_and_time(column: str) -> None:
    frame = _bars()
    frame.loc[frame.index[2], column] = np.nan
    error = _error(frame)
    assert f"NaN or infinite {column} price at row 2" in error.message
    assert "2024-01-01T02:00:00Z" in error.message
    assert error.field == column


def test_validate_bars_when_price_is_infinite_then_error() -> None:
    frame = _bars()
    frame.loc[frame.index[1], "high"] = np.inf
    assert "NaN or infinite high price at row 1" in _error(frame).message


@pytest.mark.parametrize("value", [0.0, -1.0])
def test_validate_bars_when_price_not_positive_then_error(value: float) -> None:
    frame = _bars()
    frame.loc[frame.index[3], ["open", "low"]] = value
    error = _error(frame)
    assert "non-positive open price at row 3" in error.message
    assert "2024-01-01T03:00:00Z" in error.message


def test_validate_bars_when_high_below_low_then_error_counts_rows() -> None:
    frame = _bars()
    for row in (1, 4):
        frame.loc[frame.index[row], ["high", "low"]] = [99.0, 101.0]
        frame.loc[frame.index[row], ["open", "close"]] = 100.0
    error = _error(frame)
    assert "high < low at row 1" in error.message
    assert "2 offending rows in total" in error.message
    assert "high=99.0 low=101.0" in error.message


@pytest.mark.parametrize("column", ["open", "close"])
@pytest.mark.parametrize("offset", [-5.0, 5.0])
def test_validate_bars_when_open_or_close_outside_range_then_error(
    column: str, offset: float
) -> None:
    frame = _bars()
    frame.loc[frame.index[2], column] = frame["close"].iloc[2] + offset
    error = _error(frame)
    assert f"{column} outside [low, high] at row 2" in error.message
    assert error.field == column


def test_validate_bars_when_volume_negative_then_error() -> None:
    frame = _bars()
    frame.loc[frame.index[4], "volume"] = -1.0
    error = _error(frame)
    assert "negative volume at row 4" in error.message
    assert "2024-01-01T04:00:00Z" in error.message


def test_validate_bars_when_volume_nan_then_error() -> None:
    frame = _bars()
    frame.loc[frame.index[0], "volume"] = np.nan
    assert "NaN or infinite volume at row 0" in _error(frame).message


def test_validate_bars_when_timestamps_unsorted_then_error_names_row() -> None:
    frame = _bars().iloc[[0, 1, 3, 2, 4]]
    error = _error(frame)
    assert "timestamps not sorted at row 3" in error.message
    assert "2024-01-01T02:00:00Z, after 2024-01-01T03:00:00Z" in error.message
    assert error.field == "timestamp"


def test_validate_bars_when_timestamp_duplicated_then_error_counts() -> None:
    frame = _bars().iloc[[0, 1, 1, 2, 2, 3]]
    error = _error(frame)
    assert "duplicate timestamp at row 2" in error.message
    assert "2024-01-01T01:00:00Z" in error.message
    assert "2 offending rows" in error.message


def test_validate_bars_when_naive_and_aware_text_mixed_then_error() -> None:
    stamps = ["2024-01-01 00:00:00", "2024-01-01 01:00:00", "2024-01-01 02:00:00+00:00"]
    error = _error(_text_bars(stamps))
    assert "mixed naive and zone-aware timestamps" in error.message
    assert "row 2" in error.message
    assert "'2024-01-01 02:00:00+00:00'" in error.message


def test_validate_bars_when_utc_offsets_differ_then_error() -> None:
    stamps = ["2024-03-30 23:00:00+01:00", "2024-03-31 00:00:00+01:00", "2024-03-31 03:00:00+02:00"]
    error = _error(_text_bars(stamps))
    assert "timestamps with differing UTC offsets (row 0 has +01:00) at row 2" in error.message


def test_validate_bars_when_basic_format_offsets_differ_then_error() -> None:
    error = _error(_text_bars(["20240101T000000+0100", "20240101T010000+0200"]))
    assert "differing UTC offsets (row 0 has +01:00) at row 1" in error.message


def test_validate_bars_when_aware_datetime_objects_mixed_with_naive_then_error() -> None:
    stamps = [pd.Timestamp("2024-01-01 00:00"), pd.Timestamp("2024-01-01 01:00", tz="UTC")]
    frame = _bars(2).reset_index(drop=True)
    frame.insert(0, "timestamp", pd.Series(stamps, dtype=object))
    assert "mixed naive and zone-aware" in _error(frame).message


def test_bar_arrays_when_one_offset_everywhere_then_converted_to_utc() -> None:
    stamps = ["2024-01-01 02:00:00+02:00", "2024-01-01 03:00:00+0200"]
    bars = bar_arrays(_text_bars(stamps), source=SRC)
    assert bars.ts_ns[0] == pd.Timestamp(T0).value


def test_bar_arrays_when_z_and_plus_zero_mixed_then_same_offset_accepted() -> None:
    bars = bar_arrays(_text_bars(["2024-01-01T00:00:00Z", "2024-01-01 01:00:00+00:00"]), source=SRC)
    assert bars.ts_ns[1] - bars.ts_ns[0] == 3_600_000_000_000


def test_bar_arrays_when_bare_dates_then_naive_utc_midnight() -> None:
    bars = bar_arrays(_text_bars(["2012-01-31", "2012-02-29"]), source=SRC)
    assert bars.ts_ns[0] == pd.Timestamp("2012-01-31", tz="UTC").value


@pytest.mark.parametrize("bad", ["not a time", "", "2024-13-01 00:00:00", None])
def test_validate_bars_when_timestamp_unparseable_then_error_shows_value(bad: str | None) -> None:
    stamps: list[str] = ["2024-01-01 00:00:00", bad, "2024-01-01 02:00:00"]  # type: ignore[list-item]
    error = _error(_text_bars(stamps))
    assert "unparseable timestamp at row 1" in error.message


def test_validate_bars_when_datetime_index_has_nat_then_error() -> None:
    frame = _bars()
    frame.index = pd.DatetimeIndex([*frame.index[:2], pd.NaT, *frame.index[3:]], name="timestamp")
    assert "missing timestamp at row 2" in _error(frame).message


def test_validate_bars_when_timestamps_are_integers_then_unit_is_ambiguous() -> None:
    frame = _bars(2).reset_index(drop=True)
    frame.insert(0, "timestamp", [1_700_000_000, 1_700_003_600])
    assert "unit is ambiguous" in _error(frame).message


def test_validate_bars_when_price_text_unparseable_then_error_shows_value() -> None:
    frame = _bars(3).astype({"close": object})
    frame.loc[frame.index[1], "close"] = "1.2.3"
    error = _error(frame)
    assert "unparseable number in column 'close' at row 1" in error.message
    assert "'1.2.3'" in error.message


def test_validate_bars_when_first_line_given_then_error_points_at_file_line() -> None:
    frame = _bars()
    frame.loc[frame.index[3], "volume"] = -2.0
    error = _error(frame, first_line=2)
    assert error.line == 5
    assert str(error).startswith(f"{SRC}:5: negative volume at row 3")


def test_validate_bars_when_extra_feature_column_then_passes() -> None:
    frame = _bars()
    frame["sma"] = np.nan
    validate_bars(frame, source=SRC)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(min_value=2, max_value=40),
    data=st.data(),
)
def test_validate_bars_when_one_row_broken_then_reports_exactly_that_row(
    n: int, data: st.DataObject
) -> None:
    frame = _bars(n)
    row = data.draw(st.integers(min_value=0, max_value=n - 1))
    column, value = data.draw(
        st.sampled_from([("close", np.nan), ("low", -1.0), ("volume", -3.0), ("high", 1.0)])
    )
    frame.loc[frame.index[row], column] = value
    error = _error(frame)
    assert f"at row {row} " in error.message
    assert "1 offending row in total" in error.message
