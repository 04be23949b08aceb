"""A test-only kill hook: SIGKILL the process at a named commit point of a session store.

The crash test (``benchmarks/crash_test.py``, ``tests/integration/test_crash_restart.py``)
kills a paper session at precise places: between an intent's record and its order's, with
a client id issued but no order recorded, with an order recorded in flight but not sent,
with a fill received but not committed...
``VIBETRADING_CRASH_AT=<point>:<count>`` names the point and which time it is reached
(1 = the first). ``cli.paper`` reads the variable once at start and arms the hook
(``arm``); only then does ``session_store`` open a ``CrashingStore``, so an unarmed run
pays nothing. ``cli.live`` never arms it, and ``cli.paper`` refuses it under ``--env prod``
and any env whose kind is not paper: it cannot fire in a live run.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from vibetrading_V2.core.enums import OrderStatus
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.types import Fill, Intent, Order
from vibetrading_V2.store.sqlite import SqliteStateStore

__all__ = [
    "CRASH_ENV_VAR",
    "POINTS",
    "CrashAt",
    "CrashingStore",
    "arm",
    "armed",
    "crash_at_from_env",
]

CRASH_ENV_VAR: Final = "VIBETRADING_CRASH_AT"

POINTS: Final = (
    "intent_recorded",  # the intent committed, its order not yet recorded
    "id_issued",  # the order's client id committed, the order not yet recorded in flight
    "order_in_flight",  # the order committed in flight, not yet sent to the venue
    "order_sent",  # the venue answered, the answer not yet committed
    "order_recorded",  # the venue's answer committed
    "cancel_requested",  # a cancel's answer received, not yet committed
    "fill_received",  # a fill received, not yet committed
    "fill_committed",  # the fill committed (with its order's new state, when one is given)
    "bar_checkpoint",  # a bar time finished, its checkpoint not yet committed
    "bar_committed",  # the bar time's checkpoint committed
)
"""The named commit points, in the order a traded bar reaches them."""


@dataclass
class CrashAt:
    """Why: the one point (and the how-many-th time it is reached) at which to die."""

    point: str
    count: int
    seen: int = 0

    def reached(self, point: str) -> None:
        """Count ``point``; on the chosen time, SIGKILL this process (no cleanup at all)."""
        if point != self.point:
            return
        self.seen += 1
        if self.seen == self.count:
            os.kill(os.getpid(), signal.SIGKILL)


def crash_at_from_env(environ: Mapping[str, str]) -> CrashAt | None:
    """``VT_CRASH_AT`` parsed (``None`` when unset); a malformed value is a ``ConfigError``."""
    raw = environ.get(CRASH_ENV_VAR)
    if not raw:
        return None
    point, _, count = raw.partition(":")
    if point not in POINTS or not count.isdigit() or int(count) < 1:
        raise ConfigError(
            f"{CRASH_ENV_VAR}={raw!r} is not <point>:<count>",
            field=CRASH_ENV_VAR,
            hint=f"e.g. {CRASH_ENV_VAR}=fill_received:3; points: {', '.join(POINTS)}; "
            "or unset it (it is for the crash test only)",
        )
    return CrashAt(point, int(count))


_ARMED: list[CrashAt] = []


def arm(crash: CrashAt | None) -> None:
    """Make the session stores opened from now on die at ``crash`` (``None``: disarm)."""
    _ARMED.clear()
    if crash is not None:
        _ARMED.append(crash)


def armed() -> CrashAt | None:
    """The armed kill point, if ``arm`` armed one in this process."""
    return _ARMED[0] if _ARMED else None


class CrashingStore(SqliteStateStore):
    """A session store that passes each commit point to a ``CrashAt`` before or after it.

    Why it exists: the crash test needs a process to die exactly between two commits; the
    plain store carries no such check (a backtest or an unarmed session never sees this).
    """

    crash: CrashAt | None = None
    _fill_in_tx = False  # a fill recorded in the open transaction: committed with it

    def _reach(self, point: str) -> None:
        if self.crash is not None:
            self.crash.reached(point)

    def record_intent(self, ts_ns: int, strategy_id: str, intent: Intent) -> None:
        super().record_intent(ts_ns, strategy_id, intent)
        self._reach("intent_recorded")

    def issue_client_id(self, ts_ns: int, strategy_id: str, intent: Intent) -> str:
        issued = super().issue_client_id(ts_ns, strategy_id, intent)
        self._reach("id_issued")
        return issued

    def record_order(self, order: Order) -> None:
        status = order.status
        if status is OrderStatus.CANCELLED:
            self._reach("cancel_requested")
        elif status is not OrderStatus.IN_FLIGHT:
            self._reach("order_sent")
        super().record_order(order)
        self._reach("order_in_flight" if status is OrderStatus.IN_FLIGHT else "order_recorded")

    def record_fill(self, fill: Fill) -> bool:
        self._reach("fill_received")
        new = super().record_fill(fill)
        if self._in_tx:
            self._fill_in_tx = True
        else:
            self._reach("fill_committed")
        return new

    def commit(self) -> None:
        super().commit()
        if self._fill_in_tx:
            self._fill_in_tx = False
            self._reach("fill_committed")

    def rollback(self) -> None:
        self._fill_in_tx = False
        super().rollback()

    def checkpoint_venue(
        self, ts_ns: int, orders: Sequence[Order], controls: dict[str, str]
    ) -> None:
        self._reach("bar_checkpoint")
        super().checkpoint_venue(ts_ns, orders, controls)
        self._reach("bar_committed")
