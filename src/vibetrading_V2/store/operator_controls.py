"""Operator controls (kill switch, pause) kept in the state store, and the runs it saw.

An operator's command must outlive the process that reads it: ``python -m cli.control``
appends to ``control_log`` in the env's SQLite store, one row per control changed, with
when (wall clock), who (the OS user) and why. The current state of a control is its latest
row. ``kill`` sets the kill switch, ``pause`` pauses, ``resume`` clears both. A run polls
``control_cursor`` (the newest row's ``seq``) to notice a change cheaply.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Final

from vibetrading_V2.core.errors import StateStoreError

__all__ = [
    "CONTROL_ACTIONS",
    "ControlRecord",
    "RunRecord",
    "control_cursor",
    "current_controls",
    "last_run",
    "write_control",
]

# action -> the (control, active) rows it writes
CONTROL_ACTIONS: Final[dict[str, tuple[tuple[str, bool], ...]]] = {
    "kill": (("kill", True),),
    "pause": (("pause", True),),
    "resume": (("kill", False), ("pause", False)),
}

_COLUMNS = "seq, name, active, action, reason, who, wall_ns, account, venue"


@dataclass(frozen=True, slots=True)
class ControlRecord:
    """Why: the operator's latest word on one control, with who said it, when and why."""

    seq: int
    name: str  # "kill" or "pause"
    active: bool
    action: str  # the command that wrote it: kill, pause or resume
    reason: str
    who: str
    wall_ns: int
    account: str
    venue: str


@dataclass(frozen=True, slots=True)
class RunRecord:
    """Why: ``status`` and ``doctor`` say which run last opened a store, and for whom."""

    run_id: str
    account: str
    venue: str
    opened_wall_ns: int
    adopted_from: str | None


def write_control(
    conn: sqlite3.Connection,
    action: str,
    *,
    reason: str,
    who: str,
    wall_ns: int,
    account: str,
    venue: str,
) -> None:
    """Append the rows of ``action`` (one transaction is the caller's)."""
    rows = CONTROL_ACTIONS.get(action)
    if rows is None:
        raise StateStoreError(
            f"unknown operator control {action!r}",
            field="action",
            hint=f"use one of {', '.join(CONTROL_ACTIONS)}",
        )
    for name, active in rows:
        conn.execute(
            "INSERT INTO control_log (name, active, action, reason, who, wall_ns, account, "
            "venue) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (name, int(active), action, reason, who, wall_ns, account, venue),
        )


def current_controls(conn: sqlite3.Connection) -> list[ControlRecord]:
    """The latest row of each control ever set, by name."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM control_log WHERE seq IN "
        "(SELECT MAX(seq) FROM control_log GROUP BY name) ORDER BY name"
    ).fetchall()
    return [ControlRecord(r[0], r[1], bool(r[2]), *r[3:]) for r in rows]


def control_cursor(conn: sqlite3.Connection) -> int:
    """The newest control row's ``seq`` (0: none yet)."""
    return int(conn.execute("SELECT COALESCE(MAX(seq), 0) FROM control_log").fetchone()[0])


def last_run(conn: sqlite3.Connection) -> RunRecord | None:
    """The run that first opened the store most recently, if any did."""
    row = conn.execute(
        "SELECT run_id, account, venue, opened_wall_ns, adopted_from FROM runs "
        "ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return None if row is None else RunRecord(*row)
