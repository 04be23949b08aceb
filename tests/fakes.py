"""Hand-written fakes of our ports, importable by any test: ``from tests.fakes import ...``.

Each fake records what it was given so asserts can read its state; no mocks, no patching.
The in-memory adapters are deterministic and double as fakes, so they are re-exported
here: ``InMemoryMetrics`` (MetricsSink) and ``InMemoryStateStore`` (StateStore).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vibetrading_V2.ops.metrics import InMemoryMetrics
from vibetrading_V2.store.memory import InMemoryStateStore

__all__ = [
    "AlertCall",
    "FixedClock",
    "InMemoryMetrics",
    "InMemoryStateStore",
    "ListAlerts",
    "ListLogger",
    "LogCall",
    "ManualClock",
]


@dataclass(frozen=True, slots=True)
class LogCall:
    """One call made on a ``ListLogger``."""

    level: str
    event: str
    fields: dict[str, Any] = field(default_factory=dict)


class ListLogger:
    """``Logger`` fake: records every call; ``events(level)`` lists event names."""

    def __init__(self) -> None:
        self.calls: list[LogCall] = []

    def debug(self, event: str, **fields: Any) -> None:
        self.calls.append(LogCall("debug", event, dict(fields)))

    def info(self, event: str, **fields: Any) -> None:
        self.calls.append(LogCall("info", event, dict(fields)))

    def warning(self, event: str, **fields: Any) -> None:
        self.calls.append(LogCall("warning", event, dict(fields)))

    def error(self, event: str, **fields: Any) -> None:
        self.calls.append(LogCall("error", event, dict(fields)))

    def events(self, level: str | None = None) -> list[str]:
        return [c.event for c in self.calls if level is None or c.level == level]


@dataclass(frozen=True, slots=True)
class AlertCall:
    """One alert raised on a ``ListAlerts``."""

    level: str
    code: str
    message: str
    context: dict[str, Any] = field(default_factory=dict)


class ListAlerts:
    """``AlertSink`` fake: records every alert; ``codes()`` lists their codes."""

    def __init__(self) -> None:
        self.alerts: list[AlertCall] = []

    def alert(
        self, level: str, code: str, message: str, context: Mapping[str, Any] | None = None
    ) -> None:
        self.alerts.append(AlertCall(level, code, message, dict(context or {})))

    def codes(self) -> list[str]:
        return [a.code for a in self.alerts]


class FixedClock:
    """``Clock`` fake that always answers the same time."""

    def __init__(self, ts_ns: int = 0) -> None:
        self.ts_ns = ts_ns

    def now_ns(self) -> int:
        return self.ts_ns


class ManualClock:
    """``Clock`` fake that moves only when told (``advance`` / ``set``), never backwards."""

    def __init__(self, start_ns: int = 0) -> None:
        self._ts_ns = start_ns

    def now_ns(self) -> int:
        return self._ts_ns

    def advance(self, delta_ns: int) -> int:
        if delta_ns < 0:
            raise ValueError(f"a clock does not go backwards (delta_ns={delta_ns})")
        self._ts_ns += delta_ns
        return self._ts_ns

    def set(self, ts_ns: int) -> None:
        if ts_ns < self._ts_ns:
            raise ValueError(f"a clock does not go backwards ({ts_ns} < {self._ts_ns})")
        self._ts_ns = ts_ns
