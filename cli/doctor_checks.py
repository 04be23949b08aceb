"""The checks of ``cli.doctor``: each one a function returning one line of its table.

A check passes, fails, is skipped (it could not be made) or only informs. Required checks
decide the exit code: one that fails or is skipped fails the doctor. Checks read, never
write: the store is opened read-only, directories are tested for permission, not created.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from cli.containers import Container
from cli.credentials import missing_credentials, required_credentials
from cli.outputs import check_writable_dir
from cli.preflight import SIMULATOR, check_live_env, run_directories, store_file
from cli.settings import AppSettings, load_settings
from vibetrading_V2.core.errors import ConfigError, StateStoreError, VibeTradingError
from vibetrading_V2.data.schema import format_ts, timeframe_span_ns
from vibetrading_V2.store.sqlite_migrations import stored_version
from vibetrading_V2.store.sqlite_schema import SCHEMA_VERSION

__all__ = [
    "CLOSED_MARKET_NS",
    "CheckResult",
    "check_clock",
    "check_config",
    "check_credentials",
    "check_data",
    "check_directories",
    "check_schema",
    "check_store",
    "check_strategies",
    "check_venue",
    "fresh_within",
    "skipped",
]

Status = Literal["pass", "fail", "skip", "info"]
_DAY_NS = 86_400 * 1_000_000_000
_HOUR_NS = 3_600 * 1_000_000_000
CLOSED_MARKET_NS = 3 * _DAY_NS  # a weekend and a holiday: no bars, yet nothing is stale


@dataclass(frozen=True)
class CheckResult:
    """One line of the doctor's table: what was checked, how it came out, and why."""

    name: str
    status: Status
    detail: str
    required: bool = True

    @property
    def blocks(self) -> bool:
        """A required check that did not pass (failed, or could not be made)."""
        return self.required and self.status in ("fail", "skip")


def skipped(name: str, why: str, *, required: bool = True) -> CheckResult:
    """A check that could not be made, and why."""
    return CheckResult(name, "skip", f"skipped: {why}", required)


def _first_line(error: VibeTradingError) -> str:
    """The error's class, first message line, field and fix, on one line."""
    field = f" ({error.field})" if error.field else ""
    fix = f"; fix: {error.hint}" if error.hint else ""
    return f"{type(error).__name__}: {error.message.splitlines()[0]}{field}{fix}"


def check_config(env: str, config_dir: Path | None) -> tuple[CheckResult, AppSettings | None]:
    """The layered settings load (and a live env names a real venue)."""
    name = "config valid"
    try:
        settings = load_settings(env, config_dir)
    except VibeTradingError as exc:
        return CheckResult(name, "fail", _first_line(exc)), None
    what = f"kind {settings.kind}, venue {settings.execution.venue}"
    if settings.kind == "live":
        try:
            check_live_env(settings)
        except ConfigError as exc:
            return CheckResult(name, "fail", _first_line(exc)), settings
    return CheckResult(name, "pass", f"env {env!r}: {what}"), settings


def check_strategies(container: Container) -> CheckResult:
    """Every configured strategy file loads, validates and builds."""
    try:
        label = container.strategy_label()
        timeframe = container.timeframe()
    except VibeTradingError as exc:
        return CheckResult("strategies load", "fail", _first_line(exc))
    return CheckResult("strategies load", "pass", f"{label}, timeframe {timeframe}")


def check_credentials(settings: AppSettings, environ: Mapping[str, str]) -> CheckResult:
    """The venue's secrets are set in the environment (their values are never shown)."""
    name, venue = "credentials present", settings.execution.venue
    specs = required_credentials(venue)
    if not specs:
        why = ", whose IB gateway holds the login" if venue == "ibkr" else ""
        return CheckResult(name, "pass", f"not needed: execution.venue is {venue}{why}")
    missing = missing_credentials(venue, environ)
    if missing:
        return CheckResult(name, "fail", f"not set: {', '.join(missing)} (export them)")
    listed = ", ".join(spec.variable for spec in specs)
    return CheckResult(name, "pass", f"set: {listed} (values not shown)")


def check_directories(settings: AppSettings) -> CheckResult:
    """The output, log and state directories can be created and written."""
    shown, problems = [], []
    for directory in run_directories(settings):
        where = f"{_shown(directory.path, settings)} ({', '.join(directory.holds)})"
        try:
            check_writable_dir(directory.path, directory.setting)
        except ConfigError as exc:
            problems.append(f"{where}: {exc.message}")
        else:
            shown.append(where)
    if problems:
        return CheckResult("directories writable", "fail", "; ".join(problems))
    return CheckResult("directories writable", "pass", "; ".join(shown))


def _shown(path: Path, settings: AppSettings) -> str:
    root = settings.project_root
    return str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)


def _read_only(path: Path) -> closing[sqlite3.Connection]:
    return closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True))


def _store_or_reason(settings: AppSettings) -> tuple[Path | None, str]:
    path = store_file(settings)
    if path is None:
        return None, "no store: this env keeps its state in memory"
    if not path.exists():
        return None, f"no store yet ({_shown(path, settings)}): a run creates it"
    return path, ""


def check_store(settings: AppSettings) -> CheckResult:
    """SQLite's ``PRAGMA integrity_check`` on the env's store, when there is one."""
    name = "store intact"
    path, reason = _store_or_reason(settings)
    if path is None:
        return CheckResult(name, "pass", reason)
    try:
        with _read_only(path) as conn:
            rows = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return CheckResult(name, "fail", f"{_shown(path, settings)} cannot be read: {exc}")
    if rows != ["ok"]:
        return CheckResult(name, "fail", f"{_shown(path, settings)}: {'; '.join(rows[:3])}")
    return CheckResult(name, "pass", f"{_shown(path, settings)}: integrity_check ok")


def check_schema(settings: AppSettings) -> CheckResult:
    """The store's schema version is one this build reads (older ones migrate on open)."""
    name = "schema version"
    path, reason = _store_or_reason(settings)
    if path is None:
        return CheckResult(name, "pass", reason)
    try:
        with _read_only(path) as conn:
            version = stored_version(conn, str(path))
    except (sqlite3.DatabaseError, StateStoreError) as exc:
        message = exc.message if isinstance(exc, StateStoreError) else str(exc)
        return CheckResult(name, "fail", f"cannot read the version: {message}")
    if version is None:
        return CheckResult(name, "pass", f"empty: v{SCHEMA_VERSION} is created on first use")
    if version > SCHEMA_VERSION:
        return CheckResult(name, "fail", f"v{version}, written by a newer build (this one "
                           f"reads v{SCHEMA_VERSION})")
    if version < SCHEMA_VERSION:
        return CheckResult(name, "pass", f"v{version}: migrated to v{SCHEMA_VERSION} when a "
                           "run opens it")
    return CheckResult(name, "pass", f"v{version} (this build's)")


def fresh_within(timeframe: str, session: str) -> int:
    """How old the newest bar may be: two bars, plus a closed market's days off."""
    longest = timeframe_span_ns(timeframe)[1]
    return 2 * longest + (0 if session == "24x7" else CLOSED_MARKET_NS)


def _age(ns: int) -> str:
    return f"{ns / _DAY_NS:,.1f} days" if ns >= _DAY_NS else f"{ns / _HOUR_NS:.1f} hours"


def check_data(settings: AppSettings, container: Container | None, now_ns: int) -> CheckResult:
    """The newest bar of every traded series, against its timeframe (live: required)."""
    name, live = "data fresh", settings.kind == "live"
    if container is None:
        return skipped(name, "the strategies did not load, so the series are unknown")
    try:
        source, timeframe = container.catalog(), container.timeframe()
        stale: list[str] = []
        fresh: list[str] = []
        for symbol in container.symbols():
            ts = source.load_arrays(symbol, timeframe).ts_ns
            if ts.size == 0:
                stale.append(f"{symbol} {timeframe}: no bars")
                continue
            age = now_ns - int(ts[-1])
            line = f"{symbol} {timeframe}: newest bar {format_ts(int(ts[-1]))}, {_age(age)} old"
            allowed = fresh_within(timeframe, source.session(symbol, timeframe).kind)
            (fresh if age <= allowed else stale).append(line)
    except VibeTradingError as exc:
        return CheckResult(name, "fail", _first_line(exc))
    if not stale:
        return CheckResult(name, "pass", "; ".join(fresh), required=live)
    note = "" if live else " (a backtest or replay runs on history: for information)"
    return CheckResult(name, "fail" if live else "info", "; ".join(stale + fresh) + note,
                       required=live)


def check_venue(settings: AppSettings, container: Container) -> CheckResult:
    """The venue answers through its adapter (the simulator runs in process)."""
    name, venue = "venue reachable", settings.execution.venue
    if venue == SIMULATOR:
        return CheckResult(name, "pass", "simulator: in process, nothing to reach")
    live = settings.kind == "live"
    try:
        container.execution()
    except ConfigError:
        return skipped(name, f"no {venue} adapter in this version (cli.live refuses this "
                       "env)", required=live)
    return skipped(name, f"the {venue} adapter offers no reachability probe yet",
                   required=live)


def check_clock(settings: AppSettings, now_ns: int) -> CheckResult:
    """The local clock against the venue's (informational until a venue adapter exists)."""
    name = "clock skew"
    if settings.kind == "backtest":
        return CheckResult(name, "pass", "not needed: a backtest runs on its bars' time",
                           required=False)
    local = f"local clock {format_ts(now_ns - now_ns % 1_000_000_000)}"
    if settings.execution.venue == SIMULATOR:
        return CheckResult(name, "info", f"{local}; the simulator runs on this clock",
                           required=False)
    return CheckResult(name, "info", f"{local}; no {settings.execution.venue} adapter to "
                       "ask for the venue's time", required=False)
