"""Common export headers map onto the curated names; a missing column says how to map it."""

from __future__ import annotations

import pytest

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.headers import ColumnPlan, parse_column_mapping, plan_columns

OHLCV = ["Open", "High", "Low", "Close", "Volume"]
CURATED = ("open", "high", "low", "close", "volume")


def _plan(header: list[str], **kwargs: object) -> ColumnPlan:
    return plan_columns(header, source="bars.csv", line=1, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["Date", "Datetime", "time", "TIMESTAMP", "timestamp", ""])
def test_plan_columns_when_common_timestamp_header_then_it_is_the_timestamp(name: str) -> None:
    assert _plan([name, *OHLCV]).names == ("timestamp", *CURATED)


def test_plan_columns_when_adj_close_and_not_adjusted_then_dropped() -> None:
    plan = _plan(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"])
    assert plan.names == ("timestamp", "open", "high", "low", "close", None, "volume")
    assert plan.kept() == [0, 1, 2, 3, 4, 6]


def test_plan_columns_when_adjusted_then_adj_close_kept() -> None:
    plan = _plan(["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"], adjusted=True)
    assert plan.names[5] == "adj_close"


def test_plan_columns_when_adjusted_without_adj_close_then_refused() -> None:
    with pytest.raises(DataValidationError, match=r"missing column.*Adj Close"):
        _plan(["Date", *OHLCV], adjusted=True)


def test_plan_columns_when_close_missing_then_error_says_how_to_map_it() -> None:
    with pytest.raises(DataValidationError) as info:
        _plan(["Date", "Open", "High", "Low", "Last", "Volume"])
    assert "missing column(s) close" in info.value.message
    assert "'Last'" in info.value.message  # the columns found are listed
    assert "--column close=Last" in str(info.value.hint)


def test_plan_columns_when_mapped_then_the_named_column_is_used() -> None:
    plan = _plan(["Date", "Open", "High", "Low", "Last", "Volume"], mapping={"close": "last"})
    assert plan.names == ("timestamp", *CURATED)


def test_plan_columns_when_mapping_names_a_missing_column_then_refused() -> None:
    with pytest.raises(DataValidationError, match="no column 'Px'"):
        _plan(["Date", *OHLCV], mapping={"close": "Px"})


def test_plan_columns_when_symbol_column_then_kept_aside() -> None:
    assert _plan(["Date", "Symbol", *OHLCV]).names[1] == "symbol"


def test_parse_column_mapping_when_field_unknown_or_malformed_then_refused() -> None:
    assert parse_column_mapping(["close=Last", "Volume = Vol"]) == {
        "close": "Last", "volume": "Vol"}
    for bad in ("close", "price=Last", "close="):
        with pytest.raises(DataValidationError, match="cannot read --column"):
            parse_column_mapping([bad])
