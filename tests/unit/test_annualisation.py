"""Annualisation from the declared timeframe and the session: 252, 6,240, 8,760 a year."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.portfolio.annualisation import (
    Annualisation,
    Session,
    annualisation_for,
    broadest_session,
)
from vibetrading_V2.portfolio.stats import performance_summary


@pytest.mark.parametrize(
    ("timeframe", "session", "bars", "periods", "basis"),
    [
        ("1d", "exchange", None, 252.0, "1d bars, exchange days: 252 periods a year"),
        ("1h", "24x5", None, 6_240.0, "1h bars, 24x5 session: 6,240 periods a year"),
        ("1h", "24x7", None, 8_760.0, "1h bars, 24x7 session: 8,760 periods a year"),
        ("1h", "exchange", 7, 1_764.0, "1h bars, exchange days of 7 bars: 1,764 periods a year"),
        ("1d", "24x7", None, 365.0, "1d bars, 24x7 session: 365 periods a year"),
        ("1M", "24x7", None, 12.0, "1M bars: 12 periods a year (any session)"),
    ],
)
def test_annualisation_when_timeframe_and_session_then_periods_and_basis(
    timeframe: str, session: Session, bars: int | None, periods: float, basis: str
) -> None:
    result = annualisation_for(timeframe, session, bars_per_session=bars)
    assert result == Annualisation(periods, timeframe, session, basis)


def test_annualisation_when_weekly_then_weeks_of_a_365_day_year() -> None:
    assert annualisation_for("1w", "exchange").periods_per_year == pytest.approx(365 / 7)


def test_annualisation_when_exchange_intraday_without_bar_count_then_assumes_6_5_hours() -> None:
    result = annualisation_for("30m", "exchange")
    assert result.periods_per_year == 252 * 13 and "assumed 6.5 h" in result.basis


def test_annualisation_when_configured_then_configured_wins_and_basis_says_so() -> None:
    result = annualisation_for("1h", "24x5", configured=252.0)
    assert result.periods_per_year == 252.0
    assert result.basis == "configured: engine.periods_per_year = 252"
    assert result.to_dict() == {"periods_per_year": 252.0, "timeframe": "1h",
                                "session": "24x5", "basis": result.basis}


@pytest.mark.parametrize("configured", [0.0, -1.0, math.inf])
def test_annualisation_when_configured_not_positive_then_config_error(configured: float) -> None:
    with pytest.raises(ConfigError) as info:
        annualisation_for("1d", "exchange", configured=configured)
    assert info.value.field == "engine.periods_per_year"


def test_annualisation_when_timeframe_unknown_then_config_error_lists_choices() -> None:
    with pytest.raises(ConfigError, match="unknown timeframe '2h'") as info:
        annualisation_for("2h", "24x7")
    assert "1M" in str(info.value.hint)


@pytest.mark.parametrize(
    ("sessions", "expected"),
    [
        ([("exchange", 7), ("24x7", None)], ("24x7", None)),
        ([("24x5", None), ("exchange", 7)], ("24x5", None)),
        ([("exchange", 7), ("exchange", 9)], ("exchange", 9)),
        ([], ("exchange", None)),
    ],
)
def test_broadest_session_when_markets_mixed_then_the_broadest_counts(
    sessions: list[tuple[Session, int | None]], expected: tuple[Session, int | None]
) -> None:
    assert broadest_session(sessions) == expected


def test_sharpe_when_daily_bars_annualised_as_exchange_days_then_sqrt_252_not_sqrt_8760() -> None:
    rng = np.random.default_rng(3)
    equity = 100_000.0 * np.cumprod(1.0 + rng.normal(0.0005, 0.01, 250))
    ts = np.arange(250, dtype=np.int64) * 86_400 * 10**9

    def sharpe(timeframe: str, session: Session) -> float:
        periods = annualisation_for(timeframe, session).periods_per_year
        summary = performance_summary(ts, equity, [], initial_cash=100_000.0, fees=0.0,
                                      exposure=1.0, periods_per_year=periods)
        value = summary["sharpe"]
        assert isinstance(value, float)
        return value

    daily, mislabelled = sharpe("1d", "exchange"), sharpe("1h", "24x7")
    assert mislabelled / daily == pytest.approx(math.sqrt(8_760 / 252))


@pytest.mark.parametrize(
    ("timeframe", "expected"),
    [
        ("1m", 525_600.0),
        ("5m", 105_120.0),
        ("15m", 35_040.0),
        ("30m", 17_520.0),
        ("1h", 8_760.0),
        ("4h", 2_190.0),
        ("1d", 365.0),
        ("1w", 365.0 / 7.0),
        ("1M", 12.0),
    ],
)
def test_annualisation_when_24x7_then_bars_of_a_365_day_year(
    timeframe: str, expected: float
) -> None:
    assert annualisation_for(timeframe, "24x7").periods_per_year == pytest.approx(expected)
