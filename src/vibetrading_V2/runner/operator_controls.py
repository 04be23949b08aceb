"""The runtime side of the durable operator controls (``python -m cli.control``).

The engine polls the state store's controls at start (before the first bar), once per
event in the paper/live event step and once per batch in a backtest's fast driver. One poll
costs one ``controls_changed_since`` call (one ``PRAGMA data_version`` on SQLite) while
nothing changed. A change is applied through the one risk gate:

* ``kill`` on: ``RiskEngine.activate_kill_switch`` (HALTED, persisted with the risk state),
  then every open order of the account is cancelled; ``resume`` unlatches it.
* ``pause`` on: no new intents are acted on (the strategies still see every bar, resting
  orders and protective stops stay, fills are booked); ``resume`` lifts it.

Each change is logged, alerted and listed among the run's trading-state changes. The seq
of the newest control row applied is kept in the store, so after a restart a kill that was
already applied (and persisted with the risk state) is not applied twice, and a resume
written while no run was up still lifts it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Protocol, runtime_checkable

from vibetrading_V2.core.ports import AlertSink, Logger, StateStore
from vibetrading_V2.runner.stages import Stages

__all__ = ["ControlReader", "OperatorControls"]

PAUSED: Final = "paused"


class ControlView(Protocol):
    """Why: the fields of a stored control the runtime reads (``store.ControlRecord``)."""

    @property
    def seq(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def active(self) -> bool: ...
    @property
    def who(self) -> str: ...
    @property
    def reason(self) -> str: ...


@runtime_checkable
class ControlReader(Protocol):
    """Why: a store other processes write controls into (SQLite); others have none."""

    def operator_controls(self) -> Sequence[ControlView]: ...


class OperatorControls:
    """Polls the store's operator controls and applies each change to the run.

    Why it exists: an operator must be able to stop a running account from outside the
    process, and the run must honour it on the next event, through the one risk gate.
    """

    def __init__(self, *, store: StateStore, stages: Stages, account_id: str, logger: Logger,
                 alerts: AlertSink) -> None:
        self._store = store
        self._reader = store if isinstance(store, ControlReader) else None
        self._stages = stages
        self._logger = logger
        self._alerts = alerts
        self._account_id = account_id
        self._key = f"control_seq:{account_id}"
        self._cursor = 0  # the store's controls cursor at the last poll
        self._applied = 0  # the seq of the newest control row applied (kept in the store)

    def start(self) -> None:
        """Before the first bar: apply the controls set while no run was up."""
        if self._reader is None:
            return
        stored = self._store.get_control(self._key)
        self._applied = int(stored) if stored is not None else 0
        self.poll(force=True)
        stages = self._stages
        if stages.risk.kill_switch_active or stages.paused:
            state = "halted" if stages.risk.kill_switch_active else PAUSED
            self._logger.warning("run_starts_" + state, account=self._account_id,
                                 detail="an operator control is set; "
                                        "python -m cli.control resume lifts it")

    def poll(self, *, force: bool = False) -> None:
        """Apply what changed since the last poll (one cheap call when nothing did)."""
        reader = self._reader
        if reader is None:
            return
        cursor = self._store.controls_changed_since(self._cursor)
        if cursor == self._cursor and not force:
            return
        self._cursor = cursor
        newest = self._applied
        for control in reader.operator_controls():
            if control.name == "pause":  # not in the risk state: re-applied on every start
                self._pause(control)
            elif control.name == "kill" and control.seq > self._applied:
                self._kill(control)
            newest = max(newest, control.seq)
        if newest != self._applied:
            self._applied = newest
            self._store.set_control(self._key, str(newest))

    def _now(self) -> int:
        return self._stages.clock.now_ns()

    def _kill(self, control: ControlView) -> None:
        stages = self._stages
        if control.active == stages.risk.kill_switch_active:
            return
        who = f"{control.who}: {control.reason}" if control.reason else control.who
        stages.control(self._now(), "kill" if control.active else "reset", who)

    def _pause(self, control: ControlView) -> None:
        stages = self._stages
        if control.active == stages.paused:
            return
        stages.set_paused(control.active)
        ts = self._now()
        state = str(stages.risk.state)
        old, new = (state, PAUSED) if control.active else (PAUSED, state)
        code = "operator_pause" if control.active else "operator_resume"
        detail = f"by {control.who}" + (f": {control.reason}" if control.reason else "")
        stages.risk_state.transitions.append((ts, old, new, code, detail))
        self._alerts.alert("high", f"trading_{'paused' if control.active else 'resumed'}",
                           f"{code}: {detail}", {"ts_ns": ts, "from": old})
        self._logger.warning("trading_state_changed", ts_ns=ts, reason=code, detail=detail,
                             from_state=old, to_state=new)
