"""InMemoryMetrics and LogAlertSink."""

from __future__ import annotations

import pytest

from tests.fakes import InMemoryMetrics, ListLogger
from vibetrading_V2.ops.alerts import Alert, LogAlertSink
from vibetrading_V2.ops.metrics import series_key


def test_metrics_when_counters_incremented_with_tags_then_series_kept_apart() -> None:
    m = InMemoryMetrics()
    m.incr("orders")
    m.incr("orders", 2)
    m.incr("orders", tags={"symbol": "ETH", "side": "buy"})
    assert m.counter("orders") == 3
    assert m.counter("orders", {"side": "buy", "symbol": "ETH"}) == 1
    assert m.counter("never") == 0


def test_metrics_when_gauge_set_twice_then_last_value_wins() -> None:
    m = InMemoryMetrics()
    m.gauge("equity", 100)
    m.gauge("equity", 99.5)
    assert m.gauge_value("equity") == 99.5
    assert m.gauge_value("missing") is None


def test_metrics_when_timings_recorded_then_summary_has_count_min_max_mean() -> None:
    m = InMemoryMetrics()
    for v in (3.0, 1.0, 2.0):
        m.timing_ms("bar_ms", v, {"stage": "risk"})
    stats = m.timing("bar_ms", {"stage": "risk"})
    assert stats is not None
    assert stats.as_dict() == {
        "count": 3, "last_ms": 2.0, "max_ms": 3.0, "mean_ms": 2.0, "min_ms": 1.0,
        "total_ms": 6.0,
    }


def test_metrics_snapshot_when_recorded_in_any_order_then_identical_sorted_dict() -> None:
    def fill(order: list[str]) -> dict[str, dict[str, object]]:
        m = InMemoryMetrics()
        for name in order:
            m.incr(name, tags={"b": "2", "a": "1"})
            m.gauge(name, 1.0)
        return m.snapshot()

    first, second = fill(["z", "a", "m"]), fill(["m", "z", "a"])
    assert first == second
    assert list(first["counters"]) == ["a{a=1,b=2}", "m{a=1,b=2}", "z{a=1,b=2}"]
    assert list(first) == ["counters", "gauges", "timings"]


def test_metrics_when_negative_increment_then_value_error() -> None:
    with pytest.raises(ValueError, match="decremented"):
        InMemoryMetrics().incr("orders", -1)


def test_metrics_reset_when_called_then_snapshot_empty() -> None:
    m = InMemoryMetrics()
    m.incr("x")
    m.timing_ms("t", 1.0)
    m.reset()
    assert m.snapshot() == {"counters": {}, "gauges": {}, "timings": {}}


def test_series_key_when_empty_name_then_value_error() -> None:
    with pytest.raises(ValueError):
        series_key("")


@pytest.mark.parametrize(
    ("level", "log_level"),
    [("info", "warning"), ("warning", "warning"), ("error", "error"),
     ("critical", "error"), ("typo", "error")],
)
def test_log_alert_sink_when_alert_then_logged_at_mapped_level(level: str, log_level: str) -> None:
    logger = ListLogger()
    sink = LogAlertSink(logger)
    sink.alert(level, "kill_switch", "trading halted", {"by": "operator"})
    (call,) = logger.calls
    assert (call.level, call.event) == (log_level, "alert")
    assert call.fields == {
        "alert_level": level, "code": "kill_switch", "message": "trading halted",
        "context": {"by": "operator"},
    }


def test_log_alert_sink_when_several_alerts_then_kept_in_order() -> None:
    sink = LogAlertSink(ListLogger())
    sink.alert("warning", "drawdown", "near limit")
    sink.alert("error", "daily_loss", "limit hit", {"pnl": -120.0})
    assert sink.alerts == (
        Alert("warning", "drawdown", "near limit", {}),
        Alert("error", "daily_loss", "limit hit", {"pnl": -120.0}),
    )
