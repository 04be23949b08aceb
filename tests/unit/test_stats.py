"""Performance statistics, each checked on a tiny series computed by hand."""

from __future__ import annotations

import json
import math

import pytest

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.types import Direction
from vibetrading_V2.portfolio.stats import performance_summary, periods_per_year_for
from vibetrading_V2.portfolio.trades import RoundTrip

YEAR_NS = int(365.25 * 86_400 * 1e9)


def trade(net: float) -> RoundTrip:
    return RoundTrip("s", "BTC", Direction.LONG, 0, 1, 1.0, 100.0, 100.0 + net, net, 0.0, net, net)


def summary(
    equity: list[float],
    *,
    ts: list[int] | None = None,
    trades: list[RoundTrip] | None = None,
    initial: float = 100.0,
    ppy: float = 1.0,
) -> dict[str, float | int | None]:
    return performance_summary(
        ts if ts is not None else list(range(len(equity))),
        equity,
        trades or [],
        initial_cash=initial,
        fees=1.5,
        exposure=0.25,
        periods_per_year=ppy,
    )


def test_summary_when_up_down_up_then_hand_computed_ratios() -> None:
    # values 100 -> 110 -> 99 -> 108.9: returns +10 %, -10 %, +10 %
    result = summary([110.0, 99.0, 108.9], ppy=4.0)
    assert result["final_equity"] == pytest.approx(108.9)
    assert result["total_return"] == pytest.approx(0.089)
    # mean 1/30, sample std 1/sqrt(75): sharpe = sqrt(75)/30 * sqrt(4)
    assert result["sharpe"] == pytest.approx(math.sqrt(75) / 30 * 2)
    # downside deviation sqrt(0.01/3): sortino = (1/30) / (0.1/sqrt(3)) * sqrt(4)
    assert result["sortino"] == pytest.approx(math.sqrt(3) / 3 * 2)
    assert result["max_drawdown"] == pytest.approx(0.1)


def test_summary_when_first_point_below_initial_cash_then_initial_is_first_peak() -> None:
    result = summary([90.0, 95.0, 80.0, 120.0])
    assert result["max_drawdown"] == pytest.approx(0.2)


def test_summary_when_never_below_peak_then_drawdown_zero() -> None:
    assert summary([100.0, 101.0, 102.0])["max_drawdown"] == 0.0


def test_summary_when_equity_constant_then_ratios_zero() -> None:
    result = summary([100.0, 100.0, 100.0])
    assert (result["sharpe"], result["sortino"], result["max_drawdown"]) == (0.0, 0.0, 0.0)


def test_summary_when_no_losing_period_then_sortino_zero_sharpe_positive() -> None:
    result = summary([101.0, 103.0])
    assert result["sortino"] == 0.0
    sharpe = result["sharpe"]
    assert isinstance(sharpe, float)
    assert sharpe > 0.0


def test_summary_when_single_point_then_ratios_zero() -> None:
    result = summary([105.0])
    assert (result["sharpe"], result["sortino"]) == (0.0, 0.0)
    assert result["max_drawdown"] == 0.0


def test_summary_when_equity_goes_negative_then_ratios_none() -> None:
    result = summary([50.0, -10.0, 20.0])
    assert (result["sharpe"], result["sortino"]) == (None, None)
    assert result["max_drawdown"] == pytest.approx(1.1)


def test_summary_when_empty_curve_then_initial_cash_and_no_nan() -> None:
    result = summary([])
    assert result["final_equity"] == 100.0
    assert result["total_return"] == 0.0
    assert result["cagr"] is None
    assert result["n_trades"] == 0


def test_summary_when_span_is_one_year_then_cagr_is_total_return() -> None:
    result = summary([105.0, 121.0], ts=[0, YEAR_NS])
    assert result["cagr"] == pytest.approx(0.21)


def test_summary_when_span_is_two_years_then_cagr_is_geometric() -> None:
    result = summary([121.0], ts=[0])
    assert result["cagr"] is None  # zero span
    result = summary([110.0, 121.0], ts=[0, 2 * YEAR_NS])
    assert result["cagr"] == pytest.approx(0.1)


def test_summary_when_cagr_overflows_then_none() -> None:
    assert summary([100.0, 200.0], ts=[0, 60_000_000_000])["cagr"] is None


def test_summary_when_final_equity_not_positive_then_cagr_none() -> None:
    assert summary([50.0, -10.0], ts=[0, YEAR_NS])["cagr"] is None


def test_summary_when_mixed_trades_then_hand_computed_trade_stats() -> None:
    result = summary([100.0], trades=[trade(p) for p in (10.0, -5.0, 0.0, 20.0, -15.0)])
    assert result["n_trades"] == 5
    assert result["win_rate"] == pytest.approx(0.4)
    assert result["profit_factor"] == pytest.approx(1.5)
    assert result["avg_trade_net_pnl"] == pytest.approx(2.0)
    assert (result["best_trade"], result["worst_trade"]) == (20.0, -15.0)


def test_summary_when_no_losing_trade_then_profit_factor_none() -> None:
    result = summary([100.0], trades=[trade(5.0), trade(0.0)])
    assert result["profit_factor"] is None
    assert result["win_rate"] == 0.5


def test_summary_when_only_losing_trades_then_profit_factor_zero() -> None:
    assert summary([100.0], trades=[trade(-5.0)])["profit_factor"] == 0.0


def test_summary_when_no_trades_then_trade_stats_none() -> None:
    result = summary([100.0])
    for key in ("win_rate", "profit_factor", "avg_trade_net_pnl", "best_trade", "worst_trade"):
        assert result[key] is None


def test_summary_when_serialised_then_plain_json_in_fixed_key_order() -> None:
    result = summary([110.0, 99.0], trades=[trade(1.0)])
    assert list(result) == [
        "final_equity",
        "total_return",
        "cagr",
        "sharpe",
        "sortino",
        "max_drawdown",
        "n_trades",
        "win_rate",
        "profit_factor",
        "avg_trade_net_pnl",
        "best_trade",
        "worst_trade",
        "exposure",
        "fees",
    ]
    assert all(type(v) in (int, float, type(None)) for v in result.values())
    json.dumps(result, allow_nan=False)
    assert (result["exposure"], result["fees"]) == (0.25, 1.5)


@pytest.mark.parametrize(
    ("equity", "ts", "initial", "ppy"),
    [
        ([1.0, float("nan")], [0, 1], 1.0, 1.0),
        ([1.0], [0, 1], 1.0, 1.0),
        ([1.0], [0], 0.0, 1.0),
        ([1.0], [0], 1.0, 0.0),
    ],
)
def test_summary_when_inputs_invalid_then_value_error(
    equity: list[float], ts: list[int], initial: float, ppy: float
) -> None:
    with pytest.raises(ValueError):
        summary(equity, ts=ts, initial=initial, ppy=ppy)


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
def test_periods_per_year_when_known_timeframe_then_24x7_count(
    timeframe: str, expected: float
) -> None:
    assert periods_per_year_for(timeframe) == pytest.approx(expected)


def test_periods_per_year_when_override_then_override_wins() -> None:
    assert periods_per_year_for("1d", override=252) == 252.0


def test_periods_per_year_when_unknown_timeframe_then_config_error_lists_choices() -> None:
    with pytest.raises(ConfigError, match="unknown timeframe") as info:
        periods_per_year_for("2h")
    assert info.value.field == "timeframe"
    assert info.value.hint is not None and "4h" in info.value.hint


def test_periods_per_year_when_override_not_positive_then_config_error() -> None:
    with pytest.raises(ConfigError) as info:
        periods_per_year_for("1d", override=0.0)
    assert info.value.field == "periods_per_year"
