"""Structured logging adapters for the ``Logger`` port.

``StructLogger`` writes one JSON object per line to a file (or stream) and, optionally, a
readable line per event to a console. Each instance builds its own private structlog
pipeline: nothing here touches structlog's global configuration, so tests and several
loggers in one process never interfere.

JSON line schema (keys in this order, then the call's fields in call order)::

    {"ts": "2024-01-02T03:04:05.000000Z", "level": "info", "event": "order_sent",
     "env": "dev", "service": "backtest", "run_id": "20240102T030405Z-3f9a1c", ...fields}

``run_id`` (given by the caller, e.g. from :func:`new_run_id`) is on every line when set,
so the lines of one run can be told apart wherever they end up.

``ts`` comes from the ``now_ns`` callable handed in (a ``Clock.now_ns``), so a backtest logs
simulated time. A field whose name contains ``key``, ``secret``, ``token``, ``password`` or
``passphrase`` (any case, at any nesting depth) is written as ``"***"`` on every output.
A field named like a reserved key (``ts``, ``level``, ``env``, ``service``, ``run_id``) is
kept under that name with a trailing underscore (``level_``). Values that JSON cannot hold are made
readable: non-finite floats become ``"NaN"``/``"Infinity"``/``"-Infinity"``, enums their
value, datetimes ISO text, anything else its ``repr``.
"""

from __future__ import annotations

import dataclasses
import json
import math
import secrets
from collections.abc import Callable, Mapping, MutableMapping
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Any, TextIO

import structlog
from structlog.typing import FilteringBoundLogger

from vibetrading_V2.core.errors import ConfigError

__all__ = ["LOG_LEVELS", "NullLogger", "StructLogger", "format_ts_ns", "new_run_id", "redact"]

LOG_LEVELS = ("debug", "info", "warning", "error")
_SECRET_MARKERS = ("key", "secret", "token", "password", "passphrase")
_RESERVED = ("ts", "level", "event", "env", "service", "run_id")
_REDACTED = "***"
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

EventDict = MutableMapping[str, Any]


def format_ts_ns(ts_ns: int) -> str:
    """Render UTC epoch nanoseconds as ISO-8601 with microseconds and a ``Z`` suffix."""
    moment = _EPOCH + timedelta(microseconds=ts_ns // 1000)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_run_id() -> str:
    """A run id: the wall-clock start (UTC, to the second) and 6 random hex digits."""
    return f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _is_secret(name: str) -> bool:
    lowered = name.lower()
    return any(marker in lowered for marker in _SECRET_MARKERS)


def redact(value: Any) -> Any:
    """Return ``value`` with every secret-like mapping key's value replaced by ``"***"``."""
    if isinstance(value, Mapping):
        return {
            k: (_REDACTED if isinstance(k, str) and _is_secret(k) else redact(v))
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """Turn ``value`` into something ``json.dumps(allow_nan=False)`` accepts."""
    if value is None or isinstance(value, bool | int | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "Infinity" if value > 0 else "-Infinity"
        return value
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=repr)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, BaseException):
        return f"{type(value).__name__}: {value}"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    item = getattr(value, "item", None)  # numpy scalars
    if callable(item):
        try:
            return _jsonable(item())
        except (TypeError, ValueError):
            pass
    return repr(value)


def _check_level(name: str, value: str) -> str:
    if value not in LOG_LEVELS:
        raise ConfigError(
            f"unknown log level {value!r}",
            field=name,
            hint=f"use one of {', '.join(LOG_LEVELS)}",
        )
    return value


class _Stamp:
    """Processor: put ts, level, env and service first, user fields after (renamed on clash)."""

    def __init__(
        self, now_ns: Callable[[], int], env: str, service: str, run_id: str | None = None
    ) -> None:
        self._now_ns = now_ns
        self._env = env
        self._service = service
        self._run_id = run_id

    def __call__(self, _logger: object, method_name: str, event_dict: EventDict) -> EventDict:
        event = event_dict.pop("event")
        ordered: dict[str, Any] = {
            "ts": format_ts_ns(self._now_ns()),
            "level": method_name,
            "event": event,
            "env": self._env,
            "service": self._service,
        }
        if self._run_id is not None:
            ordered["run_id"] = self._run_id
        for name, value in event_dict.items():
            ordered[f"{name}_" if name in _RESERVED else name] = value
        return ordered


def _redact_processor(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    redacted: dict[str, Any] = redact(event_dict)
    return redacted


def _drop_env_service(_logger: object, _method: str, event_dict: EventDict) -> EventDict:
    event_dict.pop("env", None)
    event_dict.pop("service", None)
    event_dict.pop("run_id", None)
    return event_dict


def _render_json(_logger: object, _method: str, event_dict: EventDict) -> str:
    return json.dumps(_jsonable(event_dict), allow_nan=False, ensure_ascii=False)


def _private_logger(level: str, stream: TextIO, processors: list[Any]) -> FilteringBoundLogger:
    """A structlog bound logger built by hand, so no global configuration is read or set."""
    cls: Any = structlog.make_filtering_bound_logger(level)
    sink: FilteringBoundLogger = cls(structlog.WriteLogger(stream), processors, {})
    return sink


class StructLogger:
    """The production ``Logger``: JSON lines for machines, a readable console for people.

    Exists so every component logs the same shape (time from the injected clock, env,
    service, redacted secrets) without any process-wide logging configuration.

    ``json_path`` appends to a file (parent directories are created), or starts it afresh
    with ``fresh=True`` (one file per run); ``run_id`` is written on every line; ``json_stream``
    writes to an open text stream instead (not closed by ``close()``). Give at most one;
    with neither, no JSON is written. ``console`` is a text stream (e.g. ``sys.stderr``)
    or ``None`` to disable console output. Levels are one of ``LOG_LEVELS``.
    """

    def __init__(
        self,
        *,
        now_ns: Callable[[], int],
        env: str,
        service: str,
        json_path: Path | None = None,
        json_stream: TextIO | None = None,
        json_level: str = "debug",
        console: TextIO | None = None,
        console_level: str = "info",
        colors: bool = False,
        run_id: str | None = None,
        fresh: bool = False,
    ) -> None:
        if json_path is not None and json_stream is not None:
            raise ConfigError(
                "both json_path and json_stream were given",
                field="json_path",
                hint="give a file path or an open stream, not both",
            )
        _check_level("json_level", json_level)
        _check_level("console_level", console_level)
        stamp = _Stamp(now_ns, env, service, run_id)
        self._owned_file: TextIO | None = None
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            if fresh:
                self._owned_file = json_path.open("w", encoding="utf-8", newline="\n")
            else:
                self._owned_file = json_path.open("a", encoding="utf-8", newline="\n")
            json_stream = self._owned_file
        self._sinks: list[FilteringBoundLogger] = []
        if json_stream is not None:
            self._sinks.append(
                _private_logger(json_level, json_stream, [stamp, _redact_processor, _render_json])
            )
        if console is not None:
            renderer = structlog.dev.ConsoleRenderer(
                colors=colors, timestamp_key="ts", sort_keys=False, pad_event_to=24
            )
            self._sinks.append(
                _private_logger(
                    console_level, console, [stamp, _redact_processor, _drop_env_service, renderer]
                )
            )
        self._closed = False

    def debug(self, event: str, **fields: Any) -> None:
        for sink in self._sinks:
            sink.debug(event, **fields)

    def info(self, event: str, **fields: Any) -> None:
        for sink in self._sinks:
            sink.info(event, **fields)

    def warning(self, event: str, **fields: Any) -> None:
        for sink in self._sinks:
            sink.warning(event, **fields)

    def error(self, event: str, **fields: Any) -> None:
        for sink in self._sinks:
            sink.error(event, **fields)

    def close(self) -> None:
        """Flush and close the owned log file; later calls log nothing. Idempotent."""
        if self._closed:
            return
        self._closed = True
        self._sinks = []
        if self._owned_file is not None:
            self._owned_file.flush()
            self._owned_file.close()
            self._owned_file = None

    def __enter__(self) -> StructLogger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class NullLogger:
    """A ``Logger`` that drops everything: for runs where logging is switched off."""

    def debug(self, event: str, **fields: Any) -> None:
        return None

    def info(self, event: str, **fields: Any) -> None:
        return None

    def warning(self, event: str, **fields: Any) -> None:
        return None

    def error(self, event: str, **fields: Any) -> None:
        return None
