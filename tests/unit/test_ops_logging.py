"""StructLogger: JSON lines with simulated time, redaction, levels, private pipelines."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from tests.fakes import ManualClock
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.ops.logging import NullLogger, StructLogger, format_ts_ns, redact

T0 = 1_704_067_200_000_000_000  # 2024-01-01T00:00:00Z


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _logger(stream: io.StringIO, clock: ManualClock, **kwargs: Any) -> StructLogger:
    return StructLogger(
        now_ns=clock.now_ns, env="dev", service="backtest", json_stream=stream, **kwargs
    )


def test_struct_logger_when_info_then_one_json_object_per_line_in_fixed_key_order() -> None:
    stream, clock = io.StringIO(), ManualClock(T0)
    log = _logger(stream, clock)
    log.info("order_sent", symbol="BTCUSDT", quantity=1.5)
    clock.advance(60 * 10**9)
    log.error("order_rejected", reason="min_notional")
    first, second = _lines(stream)
    assert list(first) == ["ts", "level", "event", "env", "service", "symbol", "quantity"]
    assert first == {
        "ts": "2024-01-01T00:00:00.000000Z",
        "level": "info",
        "event": "order_sent",
        "env": "dev",
        "service": "backtest",
        "symbol": "BTCUSDT",
        "quantity": 1.5,
    }
    assert second["ts"] == "2024-01-01T00:01:00.000000Z"
    assert second["level"] == "error"


@pytest.mark.parametrize(
    "name", ["api_key", "API_SECRET", "token", "db_password", "passphrase", "keyring"]
)
def test_struct_logger_when_secret_like_field_then_value_redacted(name: str) -> None:
    stream = io.StringIO()
    console = io.StringIO()
    log = _logger(stream, ManualClock(T0), console=console)
    log.warning("connecting", **{name: "hunter2"}, venue="bybit")
    (line,) = _lines(stream)
    assert line[name] == "***"
    assert line["venue"] == "bybit"
    assert "hunter2" not in stream.getvalue()
    assert "hunter2" not in console.getvalue()


def test_struct_logger_when_nested_secret_then_redacted_at_depth() -> None:
    stream = io.StringIO()
    log = _logger(stream, ManualClock(T0))
    log.info("settings", venue={"name": "bybit", "auth": [{"Secret": "s"}]})
    (line,) = _lines(stream)
    assert line["venue"] == {"name": "bybit", "auth": [{"Secret": "***"}]}


def test_struct_logger_when_below_level_then_dropped_per_output() -> None:
    stream, console = io.StringIO(), io.StringIO()
    log = _logger(stream, ManualClock(T0), json_level="info", console=console,
                  console_level="warning")
    log.debug("noise")
    log.info("fill", qty=1)
    log.warning("drawdown_near_limit")
    assert [line["event"] for line in _lines(stream)] == ["fill", "drawdown_near_limit"]
    text = console.getvalue()
    assert "drawdown_near_limit" in text
    assert "fill" not in text
    assert "2024-01-01T00:00:00.000000Z" in text


def test_struct_logger_when_values_not_json_native_then_line_still_valid_json() -> None:
    stream = io.StringIO()
    log = _logger(stream, ManualClock(T0))
    log.info("stats", sharpe=float("nan"), pf=float("inf"), tags={"a", "b"}, err=ValueError("x"),
             level="mine")
    (line,) = _lines(stream)
    assert line["sharpe"] == "NaN"
    assert line["pf"] == "Infinity"
    assert line["tags"] == ["a", "b"]
    assert line["err"] == "ValueError: x"
    assert line["level"] == "info"
    assert line["level_"] == "mine"


def test_struct_logger_when_two_instances_then_outputs_do_not_interfere() -> None:
    a, b = io.StringIO(), io.StringIO()
    log_a = StructLogger(now_ns=lambda: T0, env="dev", service="a", json_stream=a)
    log_b = StructLogger(now_ns=lambda: T0, env="prod", service="b", json_stream=b,
                         json_level="error")
    log_a.info("one")
    log_b.info("dropped")
    log_b.error("two")
    assert [(x["service"], x["event"]) for x in _lines(a)] == [("a", "one")]
    assert [(x["env"], x["event"]) for x in _lines(b)] == [("prod", "two")]


def test_struct_logger_when_closed_then_later_calls_are_ignored() -> None:
    stream = io.StringIO()
    log = _logger(stream, ManualClock(T0))
    log.close()
    log.info("after_close")
    log.close()
    assert stream.getvalue() == ""


def test_struct_logger_when_unknown_level_then_config_error_names_field() -> None:
    with pytest.raises(ConfigError) as info:
        StructLogger(now_ns=lambda: 0, env="dev", service="x", console_level="verbose")
    assert info.value.field == "console_level"


def test_format_ts_ns_when_sub_microsecond_then_truncated_to_microseconds() -> None:
    assert format_ts_ns(T0 + 1_234_567) == "2024-01-01T00:00:00.001234Z"
    assert format_ts_ns(0) == "1970-01-01T00:00:00.000000Z"


def test_redact_when_no_secret_keys_then_values_unchanged() -> None:
    data = {"symbol": "ETH", "qty": [1, 2]}
    assert redact(data) == data


def test_null_logger_when_called_then_accepts_everything() -> None:
    log = NullLogger()
    log.debug("a", x=1)
    log.info("b")
    log.warning("c")
    log.error("d", api_key="k")
