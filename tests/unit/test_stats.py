"""Performance statistics, each checked on a tiny series computed by hand."""

from __future__ import annotations

import json
import math

import pytest

from vibetrading_V2.core.types import Direction
from vibetrading_V2.ops.summary_layout import SUMMARY_GROUPS
from vibetrading_V2.portfolio.stats import (
    buy_hold_return_pct,
    performance_summary,
)
from vibetrading_V2.portfolio.trades import RoundTrip

YEAR_NS = int(365.25 * 86_400 * 1e9)


DAY_NS = 86_400 * 1_000_000_000
CURVE_KEYS = [
    "duration_days", "initial_equity", "final_equity", "peak_equity", "total_return_pct",
    "annual_return_pct", "annual_volatility_pct", "cagr_pct", "exposure_pct", "fees",
    "sharpe", "sortino", "calmar", "max_drawdown_pct", "avg_drawdown_pct",
    "max_drawdown_duration_days", "avg_drawdown_duration_days",
]  # fmt: skip
TRADE_KEYS = [
    "n_trades", "win_rate_pct", "best_trade_pct", "worst_trade_pct", "avg_trade_pct",
    "max_trade_duration_days", "avg_trade_duration_days", "profit_factor", "expectancy_pct",
    "expectancy", "sqn", "kelly",
]  # fmt: skip


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
    result = summary([110.0, 99.0, 108.9], ts=[0, DAY_NS, 2 * DAY_NS], ppy=4.0)
    assert result["final_equity"] == pytest.approx(108.9)
    assert result["peak_equity"] == 110.0
    assert result["total_return_pct"] == pytest.approx(8.9)
    # mean 1/30, sample std 1/sqrt(75): sharpe = sqrt(75)/30 * sqrt(4)
    assert result["sharpe"] == pytest.approx(math.sqrt(75) / 30 * 2)
    assert result["annual_volatility_pct"] == pytest.approx(100 / math.sqrt(75) * 2)
    # downside deviation sqrt(0.01/3): sortino = (1/30) / (0.1/sqrt(3)) * sqrt(4)
    assert result["sortino"] == pytest.approx(math.sqrt(3) / 3 * 2)
    # three periods of a four-a-year series: 1.089 ** (4 / 3)
    annual = 100 * (1.089 ** (4 / 3) - 1)
    assert result["annual_return_pct"] == pytest.approx(annual)
    assert result["max_drawdown_pct"] == pytest.approx(-10.0)
    assert result["calmar"] == pytest.approx(annual / 10.0)
    # one episode, never recovered: from the peak (110, day 0) to the last point (day 2)
    assert result["avg_drawdown_pct"] == pytest.approx(-10.0)
    assert result["max_drawdown_duration_days"] == result["avg_drawdown_duration_days"] == 2.0
    assert result["duration_days"] == 2.0


def test_summary_when_two_drawdowns_recover_then_depths_and_durations_by_hand() -> None:
    # 100 (start) -> 90 -> 100 | 120 -> 108 -> 96 -> 130, one point a day from day 0
    result = summary([90.0, 100.0, 120.0, 108.0, 96.0, 130.0], ts=[d * DAY_NS for d in range(6)])
    # episode 1: -10 %, from the start (day 0) back at 100 on day 1; episode 2: 96 / 120,
    # -20 %, from the peak on day 2 to 130 on day 5
    assert result["max_drawdown_pct"] == pytest.approx(-20.0)
    assert result["avg_drawdown_pct"] == pytest.approx(-15.0)
    assert result["max_drawdown_duration_days"] == 3.0
    assert result["avg_drawdown_duration_days"] == 2.0
    assert result["peak_equity"] == 130.0


def test_summary_when_first_point_below_initial_cash_then_initial_is_first_peak() -> None:
    result = summary([90.0, 95.0, 80.0, 120.0])
    assert result["max_drawdown_pct"] == pytest.approx(-20.0)
    assert result["avg_drawdown_pct"] == pytest.approx(-20.0)  # one episode: 90, 95, 80


def test_summary_when_never_below_peak_then_drawdowns_zero_and_calmar_none() -> None:
    result = summary([100.0, 101.0, 102.0])
    assert result["max_drawdown_pct"] == result["avg_drawdown_pct"] == 0.0
    assert result["max_drawdown_duration_days"] == result["avg_drawdown_duration_days"] == 0.0
    assert result["calmar"] is None


def test_summary_when_equity_constant_then_ratios_zero() -> None:
    result = summary([100.0, 100.0, 100.0])
    assert (result["sharpe"], result["sortino"], result["max_drawdown_pct"]) == (0.0, 0.0, 0.0)
    assert result["annual_volatility_pct"] == 0.0


def test_summary_when_no_losing_period_then_sortino_zero_sharpe_positive() -> None:
    result = summary([101.0, 103.0])
    assert result["sortino"] == 0.0
    sharpe = result["sharpe"]
    assert isinstance(sharpe, float)
    assert sharpe > 0.0


def test_summary_when_single_point_then_ratios_zero() -> None:
    result = summary([105.0])
    assert (result["sharpe"], result["sortino"]) == (0.0, 0.0)
    assert result["max_drawdown_pct"] == 0.0


def test_summary_when_equity_goes_negative_then_ratios_none() -> None:
    result = summary([50.0, -10.0, 20.0])
    assert (result["sharpe"], result["sortino"], result["annual_volatility_pct"]) == (
        None, None, None,
    )
    assert result["max_drawdown_pct"] == pytest.approx(-110.0)


def test_summary_when_empty_curve_then_initial_cash_and_no_nan() -> None:
    result = summary([])
    assert result["final_equity"] == result["initial_equity"] == result["peak_equity"] == 100.0
    assert result["total_return_pct"] == 0.0
    assert result["cagr_pct"] is None
    assert result["annual_return_pct"] is None
    assert result["duration_days"] is None
    assert result["n_trades"] == 0


def test_summary_when_span_is_one_year_then_cagr_is_total_return() -> None:
    result = summary([105.0, 121.0], ts=[0, YEAR_NS])
    assert result["cagr_pct"] == pytest.approx(21.0)


def test_summary_when_span_is_two_years_then_cagr_is_geometric() -> None:
    result = summary([121.0], ts=[0])
    assert result["cagr_pct"] is None  # zero span
    result = summary([110.0, 121.0], ts=[0, 2 * YEAR_NS])
    assert result["cagr_pct"] == pytest.approx(10.0)


def test_summary_when_cagr_overflows_then_none() -> None:
    assert summary([100.0, 200.0], ts=[0, 60_000_000_000])["cagr_pct"] is None


def test_summary_when_final_equity_not_positive_then_cagr_none() -> None:
    result = summary([50.0, -10.0], ts=[0, YEAR_NS])
    assert (result["cagr_pct"], result["annual_return_pct"], result["calmar"]) == (
        None, None, None,
    )


def test_summary_when_exposure_fraction_given_then_reported_in_percent() -> None:
    result = summary([100.0])
    assert (result["exposure_pct"], result["fees"]) == (25.0, 1.5)


def test_summary_when_mixed_trades_then_trade_figures_come_along() -> None:
    result = summary([100.0], trades=[trade(p) for p in (10.0, -5.0, 0.0, 20.0, -15.0)])
    assert result["n_trades"] == 5
    assert result["win_rate_pct"] == pytest.approx(40.0)
    assert result["profit_factor"] == pytest.approx(1.5)


def test_summary_when_serialised_then_plain_json_in_fixed_key_order() -> None:
    result = summary([110.0, 99.0], trades=[trade(1.0)])
    assert list(result) == CURVE_KEYS + TRADE_KEYS
    assert all(type(v) in (int, float, type(None)) for v in result.values())
    json.dumps(result, allow_nan=False)


def test_summary_keys_when_compared_with_the_summary_layout_then_each_is_a_layout_figure() -> None:
    layout = {f.key for _, figures in SUMMARY_GROUPS for f in figures}
    assert set(CURVE_KEYS + TRADE_KEYS) <= layout


@pytest.mark.parametrize(
    ("closes", "codes", "n_symbols", "expected"),
    [
        ([100.0, 110.0, 121.0], [0, 0, 0], 1, 21.0),
        # A: 100 -> 120 (+20 %), B: 50 -> 45 (-10 %): equal weight +5 %
        ([100.0, 50.0, 110.0, 45.0, 120.0], [0, 1, 0, 1, 0], 2, 5.0),
        ([100.0, 50.0], [0, 0], 2, -50.0),  # a symbol without bars is left out
        ([], [], 1, None),
        ([0.0, 5.0], [0, 0], 1, None),
    ],
)
def test_buy_hold_when_symbols_move_then_equal_weight_first_to_last_close(
    closes: list[float], codes: list[int], n_symbols: int, expected: float | None
) -> None:
    result = buy_hold_return_pct(codes, closes, n_symbols)
    assert result == (None if expected is None else pytest.approx(expected))


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
