"""Reconciliation inside a run: at start, after a reconnect, and on the ``reconcile`` timer.

The engine builds one ``ReconcileRuntime`` when ``EngineConfig.reconcile_every_ns`` is set
(paper and live; off by default, so a backtest, whose simulator is its own venue, never
pays for it). It runs a ``Reconciler`` pass over the run's own parts: the execution is the
venue (its ``AccountView``), the state store the local record, the ledger the local book.
A missing fill is booked the way the engine books a streamed one (record, ledger, the
strategy's ``on_fill``; a fill no slot of the run sent is booked to the first slot's books
untold), at the timeline row of the event being applied. A block halts new intents like an
operator's pause (``Stages.set_blocked``); cancels, resting orders and fills go on. A
block and its end are alerted and listed among the run's trading-state changes. After
each pass the risk gate's in-flight orders are exactly the store's (orders sent, no answer
yet): one a pass resolved stops counting against exposure, and one left in flight by an
earlier process (a restart) counts again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Final, Protocol, runtime_checkable

from vibetrading_V2.core.enums import OrderStatus
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.order_ports import StateStore
from vibetrading_V2.core.ports import AlertSink, Logger
from vibetrading_V2.core.types import Fill, Order
from vibetrading_V2.runner.reconcile import Reconciler, ReconcileReport
from vibetrading_V2.runner.stages import Stages
from vibetrading_V2.runner.timers import TimerFired

__all__ = ["BLOCKED", "RECONCILE", "ReconcileRuntime", "attach_reconciliation"]

RECONCILE: Final = "reconcile"  # the timer's name
BLOCKED: Final = "blocked"  # the trading state a block is listed as


@runtime_checkable
class _ReadableStore(Protocol):
    """Why: reconciliation reads the store's orders and fill ids (both stores have them)."""

    def open_orders(self) -> list[Order]: ...

    def order(self, client_order_id: str) -> Order | None: ...

    def has_fill(self, execution_id: str) -> bool: ...

    def record_order(self, order: Order) -> None: ...


class ReconcileRuntime:
    """Runs reconciliation passes for the engine and applies their block to the stages.

    Why it exists: the reconciler knows nothing of slots, rows or the trading state; this
    is where a pass meets the running engine.
    """

    def __init__(
        self, *, stages: Stages, store: StateStore, logger: Logger, alerts: AlertSink,
        grace_ns: int, row: Callable[[], int],
        cancel_requested: Callable[[], Collection[str]] | None = None,
    ) -> None:
        if not isinstance(store, _ReadableStore):
            raise ConfigError(
                f"reconciliation cannot read a {type(store).__name__}: it needs the store's "
                "open_orders(), order() and has_fill()", field="reconcile_every_ns",
                hint="use the SQLite or in-memory state store, or set reconcile_every_ns=0")
        self._stages = stages
        self._row = row
        self._store: _ReadableStore = store
        self.reconciler = Reconciler(
            venue=stages.execution, record=store, book=stages.ledger, book_fill=self._book,
            logger=logger, grace_ns=grace_ns, cancel_requested=cancel_requested,
            on_block=self._on_block,
        )
        self._alerts = alerts
        self.reports: list[ReconcileReport] = []
        self._logger = logger

    def run(self, why: str) -> ReconcileReport:
        """One pass now (``why``: start, reconnect, timer); its report."""
        now = self._stages.clock.now_ns()
        report = self.reconciler.run(now)
        self.reports.append(report)
        self._sync_in_flight()
        self._logger.info("reconciled", why=why, ts_ns=now, changed=report.changed,
                          discrepancies=len(report.discrepancies),
                          blocked=report.blocked is not None)
        return report

    def on_timer(self, fired: TimerFired) -> None:
        self.run(RECONCILE)

    def _on_block(self, reason: str | None) -> None:
        """Block or unblock new intents; alert it and list it as a trading-state change."""
        stages = self._stages
        now = stages.clock.now_ns()
        state = str(stages.risk.state)
        old, new = (state, BLOCKED) if reason is not None else (BLOCKED, state)
        code = "reconcile_block" if reason is not None else "reconcile_unblock"
        detail = reason or "the venue and the store agree again"
        stages.set_blocked(reason)
        stages.risk_state.transitions.append((now, old, new, code, detail))
        self._alerts.alert("high",
                           f"trading_{'blocked' if reason is not None else 'unblocked'}",
                           f"{code}: {detail}", {"ts_ns": now})

    def _sync_in_flight(self) -> None:
        """The risk gate's in-flight orders := the store's (no order is mid-submit here)."""
        in_flight = self._stages.risk.in_flight
        stuck = {o.client_order_id: o.request for o in self._store.open_orders()
                 if o.status is OrderStatus.IN_FLIGHT}
        for request in in_flight.requests():
            if request.client_order_id not in stuck:
                in_flight.answered(request.client_order_id)
        for request in stuck.values():
            in_flight.sent(request)

    def _book(self, fill: Fill) -> bool:
        """Book one missing fill as ``Stages.drain`` books a streamed one."""
        stages = self._stages
        before = len(stages.fills)
        slot = next((s for s in stages.slots if s.strategy_id == fill.strategy_id), None)
        owner = slot if slot is not None else stages.slots[0]
        owner.router.book_fill(fill, self._row(), stages.fills, stages.fill_rows,
                               owner.cursors, stages.account, tell=slot is not None)
        if len(stages.fills) == before:
            return False
        stages.account.refresh([fill.symbol])
        return True


def attach_reconciliation(
    stages: Stages, store: StateStore, logger: Logger, every_ns: int, grace_ns: int, *,
    fast: bool, row: Callable[[], int], alerts: AlertSink,
) -> ReconcileRuntime | None:
    """The run's reconciliation, called on the ``reconcile`` timer; ``None`` if not asked.

    ``fast``: the run walks the fast backtest driver, which has no place for it.
    """
    if every_ns <= 0:
        return None
    if fast:
        raise ConfigError(
            "reconciliation runs in the event step, not in the fast backtest driver",
            field="reconcile_every_ns",
            hint="set fast_backtest=False with reconcile_every_ns, or reconcile_every_ns=0")
    runtime = ReconcileRuntime(stages=stages, store=store, logger=logger, alerts=alerts,
                               grace_ns=grace_ns, row=row)
    stages.on_timer(RECONCILE, runtime.on_timer)
    return runtime
