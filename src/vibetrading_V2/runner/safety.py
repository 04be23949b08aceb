"""What the engine does when a strategy callback fails or the risk gate changes state.

Kept apart from the loop: the error budget and circuit breaker of a strategy's callbacks,
and the record, alerts and logs of the risk gate's state changes, restored after restarts.
"""

from __future__ import annotations

import traceback
from typing import Final

from vibetrading_V2.core.ports import AlertSink, Execution, Logger, MetricsSink, StateStore
from vibetrading_V2.core.types import TradingState
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.risk_types import RiskSnapshot
from vibetrading_V2.runner.run_record import ErrorRecord

__all__ = ["ACCOUNT_ID", "RiskStateKeeper", "StrategyBreaker"]

ACCOUNT_ID: Final = "account"  # the one account of a run, until settings name accounts

_HALTED: Final = TradingState.HALTED
_LOGGED_FIRST: Final = 3  # errors logged one by one before the budget is spent
_PACKAGE: Final = "vibetrading_V2"  # frames of the engine, not of the strategy
_CENT_FRACTION: Final = 1e-9  # below this share of the deposits: summation noise, not cash


class StrategyBreaker:
    """Counts a strategy's callback errors and disables it past its error budget.

    Why it exists: one broken strategy must neither stop the loop nor go on trading after
    it broke; the breaker's opening is recorded, counted and alerted on once.
    """

    def __init__(
        self,
        *,
        strategy_id: str,
        error_budget: int,
        store: StateStore,
        logger: Logger,
        metrics: MetricsSink,
        alerts: AlertSink,
    ) -> None:
        self._strategy_id = strategy_id
        self._budget = error_budget
        self._store = store
        self._logger = logger
        self._metrics = metrics
        self._alerts = alerts
        self.errors = 0
        self.disabled = False
        self._first_ts: int | None = None
        self._first_error: str | None = None
        self._first_traceback: str | None = None
        self._disabled_ts: int | None = None

    @property
    def record(self) -> ErrorRecord:
        """The errors so far: count, the first one with its traceback, when disabled."""
        return ErrorRecord(self.errors, self._first_ts, self._first_error,
                           self._first_traceback, self._disabled_ts)

    def failed(self, ts: int, symbol: str, exc: BaseException) -> None:
        """Count one error of the strategy (at bar ``ts`` of ``symbol``); maybe disable it."""
        self.errors += 1
        if self.errors == 1:  # the first in full, formatted once: later ones only counted
            self._first_ts = ts
            self._first_error = f"{type(exc).__name__}: {exc}"
            self._first_traceback = _user_traceback(exc)
        sid = self._strategy_id
        self._metrics.incr("strategy_errors_total", tags={"strategy": sid})
        if self.errors <= _LOGGED_FIRST or self.errors > self._budget:
            self._logger.error("strategy_error", strategy=sid, symbol=symbol, ts_ns=ts,
                               error=f"{type(exc).__name__}: {exc}", count=self.errors)
        if self.errors > self._budget and not self.disabled:
            self.disabled = True
            self._disabled_ts = ts
            reason = (f"{self.errors} errors exceed the error budget of {self._budget}; "
                      f"last: {type(exc).__name__}: {exc}")
            self._store.set_control(f"strategy_disabled:{sid}", reason)
            self._metrics.incr("strategy_circuit_open_total", tags={"strategy": sid})
            self._alerts.alert("high", "strategy_disabled", reason, {"ts_ns": ts})


    def restore_disabled(self, reason: str) -> None:
        """Open the breaker again after a restart: a strategy disabled by an earlier run stays
        disabled (``reason``: why, as that run recorded it) until an operator re-enables it."""
        self.disabled = True
        if self._first_error is None:
            self._first_error = f"disabled by an earlier run: {reason}"


def _user_traceback(exc: BaseException) -> str:
    """The traceback of ``exc`` from the first frame outside this package (user code)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None and _PACKAGE in tb.tb_frame.f_code.co_filename:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb)).rstrip()


class RiskStateKeeper:
    """Records the risk gate's state changes and takes the gate's state back after a restart.

    Why it exists: a halted or reducing account must stay so across a restart, and every
    change of trading state must reach the store, the alerts and the log. The state is the
    account's, not a strategy's: it is stored under the account's id, and a halt cancels
    every open order of the account's execution, whichever strategy sent it.
    """

    def __init__(
        self,
        *,
        account_id: str,
        risk: RiskEngine,
        execution: Execution,
        store: StateStore,
        logger: Logger,
        alerts: AlertSink,
    ) -> None:
        self._account_id = account_id
        self._risk = risk
        self._execution = execution
        self._store = store
        self._logger = logger
        self._alerts = alerts
        self._key = f"risk_snapshot:{account_id}"
        self._state_key = f"trading_state:{account_id}"
        # (ts_ns, from_state, to_state, reason code, detail) of each change, in order
        self.transitions: list[tuple[int, str, str, str, str]] = []
        self._saved = risk.revision  # the gate's revision last written to the store
        self._recorded: float | None = None  # the deposits in the store, once known
        self._restored = False  # ``restore`` ran: the gate holds the stored levels

    def restore(self) -> None:
        """Take back the risk gate's state recorded by an earlier run, if any, then book the
        deposits recorded after it was saved (``deposits_recorded``), none twice."""
        self._restored = True
        stored = self._store.get_control(self._key)
        if stored is not None:
            snapshot = RiskSnapshot.from_json(stored)
            self._risk.restore_snapshot(snapshot)
            self._saved = self._risk.revision
            self._logger.info("risk_state_restored", account=self._account_id,
                              state=str(snapshot.state))
        self._book_unbooked_deposits()

    def deposits_recorded(self, total: float) -> None:
        """A restarted session's deposits recorded in the store (``Bankroll.restore``): the
        gate's levels must count them all, and count each once (checked by ``restore``, or
        now if the gate's state was restored already)."""
        self._recorded = total
        if self._restored:
            self._book_unbooked_deposits()

    def book_deposit(self, ts_ns: int, amount: float) -> None:
        """Cash paid into the account now (a top-up): shift the gate's levels by it and save
        them at once, so the store never holds equity with a deposit and levels without."""
        self._risk.book_deposit(amount)
        if self._recorded is not None:
            self._recorded += amount
        self._save()
        self._logger.info("risk_levels_shifted", account=self._account_id, ts_ns=ts_ns,
                          deposit=amount, deposits=self._risk.deposits)

    def _book_unbooked_deposits(self) -> None:
        """Shift the levels by the recorded deposits the gate has not booked (a session killed
        between recording a top-up and saving the shifted levels)."""
        if self._recorded is None:
            return
        missing = self._recorded - self._risk.deposits
        if abs(missing) > _CENT_FRACTION * max(1.0, abs(self._recorded)):
            self._risk.book_deposit(missing)
            self._save()
            self._logger.warning("risk_deposits_booked_on_restore", account=self._account_id,
                                 deposits=missing)

    def _save(self) -> None:
        self._saved = self._risk.revision
        self._store.set_control(self._key, self._risk.snapshot().to_json())

    def after_nav(self, state: TradingState) -> None:
        """After ``check_nav``: save what moved, record, alert and log its transitions;
        cancel all if halted.

        The snapshot is saved whenever the gate's revision moved: a new state, but also a
        higher peak or a new day's start, so a restart resumes from the very same levels.
        """
        risk = self._risk
        transitions = risk.drain_transitions()
        if risk.revision != self._saved:
            self._save()
        for t in transitions:
            self.transitions.append(
                (t.ts_ns, str(t.from_state), str(t.to_state), str(t.reason), t.detail)
            )
            self._store.set_control(self._state_key, str(t.to_state))
            message = f"{t.reason}: {t.detail}" if t.detail else str(t.reason)
            self._alerts.alert("critical" if t.to_state is _HALTED else "high",
                               f"trading_state_{t.to_state}", message,
                               {"ts_ns": t.ts_ns, "from": str(t.from_state)})
            self._logger.warning("trading_state_changed", ts_ns=t.ts_ns, reason=t.reason,
                                 detail=t.detail, from_state=str(t.from_state),
                                 to_state=str(t.to_state))
        if state is _HALTED:
            self.cancel_account_orders("trading halted")

    def cancel_account_orders(self, reason: str) -> int:
        """Cancel every open order of the account, of every strategy; record each."""
        store = self._store
        cancelled = 0
        for order in self._execution.cancel_all():
            store.record_order(order)
            cancelled += 1
        if cancelled:
            self._logger.warning("orders_cancelled", account=self._account_id, reason=reason,
                                 count=cancelled)
        return cancelled
