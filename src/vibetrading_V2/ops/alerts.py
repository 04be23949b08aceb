"""An ``AlertSink`` that turns operator alerts into structured log events.

Alerts (kill switch, loss limits, drawdown, reconciliation drift) must reach a person.
Until a pager or chat adapter exists, the log is that channel: each alert becomes one
``alert`` event at warning or error level, and the sink keeps the list for reports/tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from vibetrading_V2.core.ports import Logger

__all__ = ["Alert", "LogAlertSink"]

_WARNING_LEVELS = frozenset({"debug", "info", "warning"})


@dataclass(frozen=True, slots=True)
class Alert:
    """One alert as it was raised."""

    level: str
    code: str
    message: str
    context: Mapping[str, Any] = field(default_factory=dict)


class LogAlertSink:
    """Writes each alert as an ``alert`` log event and remembers it.

    Levels ``debug``, ``info`` and ``warning`` log at warning; anything else (``error``,
    ``critical`` or an unknown level) logs at error, so a typo never hides an alert.
    The log event carries ``alert_level``, ``code``, ``message`` and ``context``.
    """

    def __init__(self, logger: Logger) -> None:
        self._logger = logger
        self._alerts: list[Alert] = []

    def alert(
        self, level: str, code: str, message: str, context: Mapping[str, Any] | None = None
    ) -> None:
        record = Alert(level=level, code=code, message=message, context=dict(context or {}))
        self._alerts.append(record)
        fields: dict[str, Any] = {
            "alert_level": level,
            "code": code,
            "message": message,
            "context": dict(record.context),
        }
        if level.lower() in _WARNING_LEVELS:
            self._logger.warning("alert", **fields)
        else:
            self._logger.error("alert", **fields)

    @property
    def alerts(self) -> tuple[Alert, ...]:
        """Every alert raised so far, oldest first."""
        return tuple(self._alerts)
