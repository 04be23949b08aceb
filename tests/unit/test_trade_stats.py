"""Trade statistics: hand-computed on a few trades, and invariants on any trades."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Direction
from vibetrading_V2.portfolio.trade_stats import trade_summary
from vibetrading_V2.portfolio.trades import RoundTrip

DAY_NS = 86_400 * 1_000_000_000


def trade(net: float, ret: float | None = None, days: float = 1.0) -> RoundTrip:
    """A trade of ``net`` money and ``ret`` percent (``net`` if not given) held ``days``."""
    pct = net if ret is None else ret
    return RoundTrip(
        "s", "BTC", Direction.LONG, 0, round(days * DAY_NS), 1.0, 100.0, 100.0 + net, net,
        0.0, net, pct,
    )


def test_trade_summary_when_five_trades_then_every_figure_by_hand() -> None:
    nets = (10.0, -5.0, 0.0, 20.0, -15.0)
    result = trade_summary([trade(p, days=d) for p, d in zip(nets, (1, 2, 3, 4, 0.5), strict=True)])
    assert result["n_trades"] == 5
    assert result["win_rate_pct"] == pytest.approx(40.0)  # the zero trade is no win
    assert result["profit_factor"] == pytest.approx(30.0 / 20.0)
    assert result["expectancy"] == pytest.approx(2.0)
    assert result["expectancy_pct"] == pytest.approx(2.0)
    assert (result["best_trade_pct"], result["worst_trade_pct"]) == (20.0, -15.0)
    growth = 1.10 * 0.95 * 1.0 * 1.20 * 0.85
    assert result["avg_trade_pct"] == pytest.approx(100 * (growth ** (1 / 5) - 1))
    assert result["max_trade_duration_days"] == 4.0
    assert result["avg_trade_duration_days"] == pytest.approx(10.5 / 5)
    # deviations from the mean 2: 8, -7, -2, 18, -17; sum of squares 730 over 4
    assert result["sqn"] == pytest.approx(math.sqrt(5) * 2.0 / math.sqrt(730 / 4))
    # w = 0.4, average win 15, average loss 10: 0.4 - 0.6 / 1.5
    assert result["kelly"] == pytest.approx(0.0, abs=1e-12)


def test_trade_summary_when_even_wins_then_kelly_by_hand() -> None:
    result = trade_summary([trade(p) for p in (10.0, -5.0, 20.0, -15.0)])
    assert result["kelly"] == pytest.approx(0.5 - 0.5 / (15.0 / 10.0))


def test_trade_summary_when_no_trades_then_count_zero_and_the_rest_none() -> None:
    result = trade_summary([])
    assert result["n_trades"] == 0
    assert all(v is None for k, v in result.items() if k != "n_trades")


def test_trade_summary_when_no_losing_trade_then_profit_factor_and_kelly_none() -> None:
    result = trade_summary([trade(5.0), trade(0.0)])
    assert result["profit_factor"] is None and result["kelly"] is None
    assert result["win_rate_pct"] == 50.0


def test_trade_summary_when_only_losing_trades_then_profit_factor_zero() -> None:
    result = trade_summary([trade(-5.0), trade(-1.0)])
    assert result["profit_factor"] == 0.0
    assert result["kelly"] is None


def test_trade_summary_when_one_trade_then_sqn_none() -> None:
    assert trade_summary([trade(5.0)])["sqn"] is None
    assert trade_summary([trade(5.0), trade(5.0)])["sqn"] is None  # no deviation


def test_trade_summary_when_a_trade_lost_everything_then_geometric_average_none() -> None:
    result = trade_summary([trade(-100.0, ret=-100.0), trade(50.0)])
    assert result["avg_trade_pct"] is None
    assert result["expectancy_pct"] == pytest.approx(-25.0)


_RETURN = st.floats(min_value=-99.0, max_value=500.0, allow_nan=False)
_TRADE = st.builds(
    lambda net, ret, days: trade(net, ret, days),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    _RETURN,
    st.floats(min_value=0.0, max_value=400.0),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_TRADE, min_size=1, max_size=40))
def test_trade_summary_when_any_trades_then_ordered_and_bounded(trades: list[RoundTrip]) -> None:
    result = trade_summary(trades)
    worst, best = result["worst_trade_pct"], result["best_trade_pct"]
    geometric, mean = result["avg_trade_pct"], result["expectancy_pct"]
    assert isinstance(worst, float) and isinstance(best, float)
    assert isinstance(geometric, float) and isinstance(mean, float)
    slack = 1e-9 * max(1.0, abs(best), abs(worst))
    # the geometric mean never exceeds the arithmetic one (AM-GM)
    assert worst - slack <= geometric <= mean + slack <= best + 2 * slack
    win_rate = result["win_rate_pct"]
    assert isinstance(win_rate, float) and 0.0 <= win_rate <= 100.0
    longest, average = result["max_trade_duration_days"], result["avg_trade_duration_days"]
    assert isinstance(longest, float) and isinstance(average, float)
    assert 0.0 <= average <= longest * (1 + 1e-12)
    assert all(v is None or math.isfinite(v) for v in result.values())
    kelly = result["kelly"]
    assert kelly is None or kelly <= 1.0
