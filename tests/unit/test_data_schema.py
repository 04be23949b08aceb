"""Catalog names and paths: every SDK timeframe has a safe, collision-free directory."""

from __future__ import annotations

import pytest

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.schema import (
    check_symbol,
    check_timeframe,
    dataset_relpath,
    format_ts,
    timeframe_dirname,
    timeframe_from_dirname,
)
from vibetrading_V2.strategy.bundle import TIMEFRAMES


def test_timeframe_dirname_when_every_sdk_timeframe_then_round_trips() -> None:
    for timeframe in TIMEFRAMES:
        assert timeframe_from_dirname(timeframe_dirname(timeframe)) == timeframe


def test_timeframe_dirname_when_compared_case_insensitively_then_no_collisions() -> None:
    names = [timeframe_dirname(tf).lower() for tf in TIMEFRAMES]
    assert len(set(names)) == len(names)
    assert timeframe_dirname("1m") == "1min"
    assert timeframe_dirname("1M") == "1mo"


def test_dataset_relpath_when_valid_then_timeframe_dir_and_symbol_file() -> None:
    assert dataset_relpath("EURUSD", "1h") == "1h/EURUSD.parquet"
    assert dataset_relpath("BTCUSD", "1M") == "1mo/BTCUSD.parquet"


@pytest.mark.parametrize("symbol", ["", "eurusd", "../x", "A/B", "A B"])
def test_check_symbol_when_unsafe_or_lower_case_then_error(symbol: str) -> None:
    with pytest.raises(DataValidationError) as info:
        check_symbol(symbol)
    assert info.value.field == "symbol"


@pytest.mark.parametrize("timeframe", ["", "h", "0h", "1y", "1H", "1h/..", "60"])
def test_check_timeframe_when_not_a_bar_size_then_error(timeframe: str) -> None:
    with pytest.raises(DataValidationError) as info:
        check_timeframe(timeframe)
    assert info.value.field == "timeframe"


def test_timeframe_from_dirname_when_not_a_timeframe_dir_then_none() -> None:
    assert timeframe_from_dirname("manifest.json") is None
    assert timeframe_from_dirname("1M") is None


def test_format_ts_when_whole_seconds_then_no_fraction() -> None:
    assert format_ts(1_500_000_000_000_000_000) == "2017-07-14T02:40:00Z"
    assert format_ts(1_500_000_000_000_000_001) == "2017-07-14T02:40:00.000000001Z"
    assert format_ts(-1) == "1969-12-31T23:59:59.999999999Z"
