"""Curve statistics on any curve: invariants, and the drawdown episodes of a plain loop."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.portfolio.stats import performance_summary

DAY_NS = 86_400 * 1_000_000_000
INITIAL = 100.0


def loop_drawdowns(values: list[float], times: list[int]) -> tuple[list[float], list[float]]:
    """Depth (percent) and duration (days) of every episode, one point at a time."""
    depths: list[float] = []
    durations: list[float] = []
    peak, peak_time, depth, inside = values[0], times[0], 0.0, False
    for value, time in zip(values, times, strict=True):
        if value >= peak:
            if inside:
                depths.append(depth)
                durations.append((time - peak_time) / DAY_NS)
            peak, peak_time, depth, inside = value, time, 0.0, False
        else:
            inside = True
            depth = min(depth, 100.0 * (value / peak - 1.0))
    if inside:
        depths.append(depth)
        durations.append((times[-1] - peak_time) / DAY_NS)
    return depths, durations


_CURVES = st.lists(
    st.floats(min_value=1.0, max_value=1_000.0, allow_nan=False), min_size=0, max_size=60
)
_STEPS = st.lists(st.integers(min_value=0, max_value=5), min_size=60, max_size=60)


def _summary(equity: list[float], steps: list[int]) -> dict[str, float | int | None]:
    ts = [sum(steps[: i + 1]) * DAY_NS // 4 for i in range(len(equity))]
    return performance_summary(
        ts, equity, [], initial_cash=INITIAL, fees=0.0, exposure=0.5, periods_per_year=252.0
    )


@settings(max_examples=300, deadline=None)
@given(_CURVES, _STEPS)
def test_drawdowns_when_any_positive_curve_then_ordered_non_positive_and_durations_non_negative(
    equity: list[float], steps: list[int]
) -> None:
    result = _summary(equity, steps)
    worst, average = result["max_drawdown_pct"], result["avg_drawdown_pct"]
    longest, mean = result["max_drawdown_duration_days"], result["avg_drawdown_duration_days"]
    assert isinstance(worst, float) and isinstance(average, float)
    assert isinstance(longest, float) and isinstance(mean, float)
    assert worst <= average <= 0.0
    assert 0.0 <= mean <= longest
    peak = result["peak_equity"]
    assert isinstance(peak, float) and peak >= max([INITIAL, *equity])
    assert all(v is None or (isinstance(v, int | float) and math.isfinite(v))
               for v in result.values())


@settings(max_examples=300, deadline=None)
@given(_CURVES, _STEPS)
def test_drawdowns_when_any_curve_then_equal_to_a_point_by_point_loop(
    equity: list[float], steps: list[int]
) -> None:
    result = _summary(equity, steps)
    ts = [sum(steps[: i + 1]) * DAY_NS // 4 for i in range(len(equity))]
    depths, durations = loop_drawdowns([INITIAL, *equity], [ts[0] if ts else 0, *ts])
    if not depths:
        assert result["max_drawdown_pct"] == result["avg_drawdown_pct"] == 0.0
        return
    assert result["max_drawdown_pct"] == pytest.approx(min(depths), abs=1e-9)
    assert result["avg_drawdown_pct"] == pytest.approx(sum(depths) / len(depths), abs=1e-9)
    assert result["max_drawdown_duration_days"] == pytest.approx(max(durations))
    assert result["avg_drawdown_duration_days"] == pytest.approx(
        sum(durations) / len(durations)
    )
