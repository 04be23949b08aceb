"""Value formatting shared by summary.json, the HTML table, the console and the CSVs."""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from vibetrading_V2.ops.csv_writer import conform_frame, format_column
from vibetrading_V2.ops.formatting import (
    display_value,
    flatten_summary,
    iso_utc_strings,
    json_safe,
    round_sig,
)
from vibetrading_V2.ops.report_series import minmax_indices


class Color(StrEnum):
    RED = "red"


def test_json_safe_when_mixed_values_then_plain_json_data() -> None:
    value = {
        "f": 2 / 3, "i": np.int64(7), "nf": np.float32(0.5), "b": np.bool_(True), "n": None,
        "nan": float("nan"), "ninf": float("-inf"), "e": Color.RED, "l": (1.0, "x"),
        "t": pd.Timestamp("2024-01-01T00:00:00.5", tz="UTC"),
    }  # fmt: skip
    assert json_safe(value) == {
        "f": 0.6666666667, "i": 7, "nf": 0.5, "b": True, "n": None, "nan": "NaN",
        "ninf": "-Infinity", "e": "red", "l": [1.0, "x"], "t": "2024-01-01T00:00:00.500Z",
    }  # fmt: skip


def test_json_safe_when_unsupported_type_then_type_error_names_key() -> None:
    with pytest.raises(TypeError, match=r"summary\.bad"):
        json_safe({"bad": object()})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "-"),
        (True, "yes"),
        (1234567, "1,234,567"),
        (1234567.891, "1,234,567.89"),
        (0.123456789, "0.123457"),
        (float("nan"), "NaN"),
        ("abc", "abc"),
        (Color.RED, "red"),
    ],
)
def test_display_value_when_value_then_short_text(value: object, expected: str) -> None:
    assert display_value(value) == expected


def test_round_sig_when_long_float_then_ten_significant_digits() -> None:
    assert round_sig(123456.789012345) == 123456.789
    assert round_sig(1e-12 / 3) == 3.333333333e-13


def test_iso_utc_strings_when_mixed_precision_then_coarsest_exact_unit() -> None:
    times = pd.Series(pd.to_datetime(
        ["2024-01-01T00:00:00Z", "2024-01-01T00:00:01.250Z", None], utc=True, format="ISO8601"
    ))  # fmt: skip
    assert iso_utc_strings(times) == ["2024-01-01T00:00:00.000Z", "2024-01-01T00:00:01.250Z", None]
    other_zone = pd.Series(pd.DatetimeIndex(["2024-01-01 01:00"], tz="Europe/Berlin"))
    assert iso_utc_strings(other_zone) == ["2024-01-01T00:00:00Z"]


def test_flatten_summary_when_nested_then_dotted_sorted_keys() -> None:
    assert flatten_summary({"b": 1, "a": {"y": 2, "x": {"z": 3}}}) == {
        "a.x.z": 3,
        "a.y": 2,
        "b": 1,
    }


def test_format_column_when_floats_then_15_significant_digits_and_blank_nan() -> None:
    column = pd.Series([0.1 + 0.2, 1.0, float("nan"), -0.0, 1e21, float("inf")])
    assert format_column("x", column) == ["0.3", "1", "", "-0", "1e+21", "inf"]


def test_format_column_when_object_values_then_enum_value_and_blank_none() -> None:
    column = pd.Series([Color.RED, None, 2.5, "a,b"], dtype=object)
    assert format_column("x", column) == ["red", "", "2.5", "a,b"]


def test_conform_frame_when_empty_without_columns_then_schema_columns() -> None:
    out = conform_frame("t", pd.DataFrame(), ("a", "b"))
    assert list(out.columns) == ["a", "b"] and len(out) == 0


@settings(max_examples=60, deadline=None)
@given(
    values=arrays(np.float64, st.integers(1, 3000), elements=st.floats(-1e6, 1e6, allow_nan=False)),
    max_points=st.integers(4, 500),
)
def test_minmax_indices_when_any_series_then_bounded_sorted_and_extremes_kept(
    values: np.ndarray, max_points: int
) -> None:
    keep = minmax_indices(values, max_points)
    assert len(keep) <= max_points
    assert np.all(np.diff(keep) > 0)
    assert keep[0] == 0 and keep[-1] == len(values) - 1
    assert values[keep].min() == values.min()
    assert values[keep].max() == values.max()
