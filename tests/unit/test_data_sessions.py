"""Session detection: crypto is 24x7, FX 24x5, equities exchange days with their bar count."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.unit.data_helpers import exchange_days, exchange_hours, fx_hours, ns
from vibetrading_V2.data.sessions import SessionInfo, detect_session


@pytest.mark.parametrize(
    ("ts", "timeframe", "expected"),
    [
        pytest.param(ns(pd.date_range("2021-01-01", periods=2_000, freq="1h", tz="UTC")),
                     "1h", SessionInfo("24x7"), id="crypto-hourly"),
        pytest.param(ns(pd.date_range("2021-01-01", periods=300, freq="1D", tz="UTC")),
                     "1d", SessionInfo("24x7"), id="crypto-daily"),
        pytest.param(fx_hours(), "1h", SessionInfo("24x5"), id="fx-hourly-sunday-open"),
        pytest.param(exchange_hours(), "1h", SessionInfo("exchange", 7), id="equity-hourly"),
        pytest.param(exchange_days(), "1d", SessionInfo("exchange"), id="equity-daily"),
    ],
)
def test_detect_session_when_market_kind_then_its_session(
    ts: np.ndarray, timeframe: str, expected: SessionInfo
) -> None:
    assert detect_session(ts, timeframe) == expected


def test_detect_session_when_one_odd_saturday_bar_then_still_exchange() -> None:
    ts = np.sort(np.append(exchange_days(), ns(pd.DatetimeIndex(["2012-03-10"], tz="UTC"))))
    assert detect_session(ts, "1d").kind == "exchange"


def test_detect_session_when_fewer_than_two_bars_then_24x7() -> None:
    assert detect_session(np.array([0], dtype=np.int64), "1h") == SessionInfo("24x7")
