"""The risk gate's trading state, moved by mark-to-market equity and the operator.

Trading states (``core.types.TradingState``):

* ``HALTED``: only cancels pass. Entered by the kill switch (operator, drawdown from peak
  reaching ``kill_switch_dd``, or a non-finite equity); latched until ``reset_kill_switch``.
* ``REDUCING``: only orders that shrink ``|position|`` without flipping it pass. Entered
  when the loss since the start of the trading day reaches ``daily_loss_limit`` (latched
  until the next day) or while drawdown from peak is at least ``max_drawdown``.
* ``ACTIVE``: every limit applies.

Breaches are tested as equity levels, exactly as the band uses them:
``equity <= peak * (1 - kill_switch_dd)``, ``equity <= day_start * (1 - daily_loss_limit)``,
``equity <= peak * (1 - max_drawdown)``; ``day_start`` is the equity of the first
``check_nav`` of each trading day (``trading_day.TradingDay``: UTC midnight by default, or
the configured boundary in the configured time zone).

Deposits (a paper top-up; negative: a withdrawal) are cash, not trading: ``book_deposit(D)``
shifts every reference level by ``D`` at once (the peak, the day's start, and the breach
levels made from them), so the loss measured against them stays the trading loss. A limit
stays a fraction of the reference as it was taken (the trading peak, the day's opening
equity), not of the deposit: ``level = shifted - limit * (shifted - deposits since taken)``.
A reference re-taken from the account's equity (a new day's start; the next peak after a
kill-switch reset) holds the cash then in the account, deposits included. A deposit changes
no state by itself: a halt stays latched until ``reset_kill_switch``, a daily-loss breach
holds to the day's end, a drawdown ``REDUCING`` lasts until trading wins the loss back.

The NAV band: ``nav_band`` is ``(low, high, next_day_ns)`` such that ``check_nav(ts, e)``
with ``low <= e <= high`` and ``ts < next_day_ns`` would change nothing (state, peak, day,
latches), so a per-bar loop may skip the call. Re-read it after ``check_nav``,
``activate_kill_switch``, ``reset_kill_switch``, ``book_deposit`` and ``restore``.
``revision`` grows with every change a restart must not lose (a higher peak, a new day, a
latch, a state, a deposit), so the runner saves the snapshot exactly when it moved.
"""

from __future__ import annotations

import math
from typing import Final

from vibetrading_V2.core.types import TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk_types import (
    RiskReason,
    RiskSnapshot,
    StateTransition,
    breach_text,
)
from vibetrading_V2.policies.safety_config import SafetyPolicy
from vibetrading_V2.policies.trading_day import NS_PER_DAY, TradingDay

__all__ = ["NS_PER_DAY", "NavGuard"]

_INF: Final = math.inf
_NEVER: Final = -(1 << 80)  # "no day seen yet": any real ts_ns is a new day

_ACTIVE: Final = TradingState.ACTIVE
_REDUCING: Final = TradingState.REDUCING
_HALTED: Final = TradingState.HALTED


def _factor(limit: float | None) -> float | None:
    return None if limit is None else 1.0 - limit


def _level(base: float, factor: float | None, deposits: float) -> float:
    """Equity at or below which a limit is breached; ``-inf`` when off or nothing seen.

    ``base`` is the reference shifted by the ``deposits`` booked since it was taken; the
    limit is a fraction of the reference without them (``deposits == 0``: ``base * factor``).
    """
    if factor is None or base == -_INF:
        return -_INF
    return (base - deposits) * factor + deposits


class NavGuard:
    """The account's trading state and the loss limits of one ``RiskPolicy`` that move it.

    Why it exists: the state must follow mark-to-market equity and the operator in one
    place, so every environment halts and reduces on the same levels. The state is
    plain attributes; ``snapshot``/``restore`` carry it across restarts, and every state
    change is queued as a :class:`StateTransition` for the runner to ``drain_transitions``.
    """

    _state: TradingState
    _kill_latched: bool
    _daily_breached: bool
    _peak: float
    _kill_level: float
    _dd_level: float
    _day: int | None
    _next_day_ns: int
    _day_start: float
    _day_level: float
    _band_low: float
    _band_high: float
    _deposits: float  # every deposit booked, net of withdrawals
    _peak_deposits: float  # of them, those since the peak's frame began (re-based at reset)
    _day_deposits: float  # of them, those since the day's start
    revision: int

    def __init__(self, policy: RiskPolicy, safety: SafetyPolicy | None = None) -> None:
        self.policy = policy
        self.safety = safety = safety or SafetyPolicy()
        self._days = TradingDay(safety)
        self.revision = 0
        self._kill_factor = _factor(policy.kill_switch_dd)
        self._dd_factor = _factor(policy.max_drawdown)
        self._day_factor = _factor(policy.daily_loss_limit)
        self._transitions: list[StateTransition] = []
        self.restore_snapshot(RiskSnapshot(_ACTIVE, -_INF, -_INF, None, False))

    # -- state -------------------------------------------------------------------------

    @property
    def state(self) -> TradingState:
        return self._state

    @property
    def kill_switch_active(self) -> bool:
        return self._kill_latched

    @property
    def peak(self) -> float:
        """Highest equity seen (``-inf`` before the first NAV or right after a reset)."""
        return self._peak

    @property
    def day_start_equity(self) -> float:
        return self._day_start

    @property
    def deposits(self) -> float:
        """Every deposit booked (``book_deposit``), net of withdrawals."""
        return self._deposits

    @property
    def nav_band(self) -> tuple[float, float, int]:
        """``(low, high, next_day_ns)``: inside it ``check_nav`` would change nothing."""
        return self._band_low, self._band_high, self._next_day_ns

    def drain_transitions(self) -> list[StateTransition]:
        """State changes since the last drain, oldest first; the queue is emptied."""
        out, self._transitions = self._transitions, []
        return out

    def snapshot(self) -> RiskSnapshot:
        return RiskSnapshot(
            self._state, self._peak, self._day_start, self._day, self._daily_breached,
            deposits=self._deposits, peak_deposits=self._peak_deposits,
            day_deposits=self._day_deposits,
        )

    def restore(
        self,
        state: TradingState,
        peak: float,
        day_start_equity: float,
        day: int | None,
        *,
        daily_breached: bool = False,
    ) -> None:
        """Take back a snapshot's fields (one without deposits); see :meth:`restore_snapshot`."""
        self.restore_snapshot(RiskSnapshot(state, peak, day_start_equity, day, daily_breached))

    def restore_snapshot(self, snapshot: RiskSnapshot) -> None:
        """Take back a :meth:`snapshot` after a restart; ``HALTED`` re-latches the kill switch.

        Records no transition (the runner persisted them when they happened). The next
        ``check_nav`` re-evaluates the state against the then current equity. The levels come
        back shifted by the deposits the snapshot booked: none is applied again.
        """
        snapshot.check()
        self._deposits = snapshot.deposits
        self._peak_deposits = snapshot.peak_deposits
        self._day_deposits = snapshot.day_deposits
        self._set(snapshot.state, peak=snapshot.peak, day_start=snapshot.day_start_equity,
                  day=snapshot.day, daily_breached=snapshot.daily_breached)

    def book_deposit(self, amount: float) -> None:
        """Cash paid in (``amount > 0``; a withdrawal: ``< 0``): shift every reference by it.

        The equity moves by ``amount`` and so does every level it is compared with, so the
        state does not change and no transition is recorded; ``revision`` grows (the shifted
        levels must reach the store). A reference not taken yet (``-inf``) stays so: the
        equity it will be taken from holds the cash already.
        """
        if amount - amount != 0.0:
            raise ValueError(f"a deposit must be a finite amount, got {amount!r}")
        if amount == 0.0:
            return
        self._deposits += amount
        if self._peak != -_INF:
            self._peak += amount
            self._peak_deposits += amount
        if self._day_start != -_INF:
            self._day_start += amount
            self._day_deposits += amount
        self._update_levels()
        self.revision += 1
        self._update_band()

    # -- operator controls -----------------------------------------------------------------

    def activate_kill_switch(self, ts_ns: int, reason: str) -> TradingState:
        """Halt trading now (only cancels pass); repeated calls change nothing."""
        if not self._kill_latched:
            self._kill_latched = True
            self._move(ts_ns, _HALTED, RiskReason.KILL_SWITCH, f"operator: {reason}")
            self._update_band()
        return self._state

    def reset_kill_switch(self, ts_ns: int, actor: str) -> TradingState:
        """Unlatch the kill switch; ``actor`` names who did it, for the record.

        The drawdown peak is re-based to the next NAV, otherwise the drawdown that tripped
        the switch would trip it again at once. A daily-loss breach of the same trading day
        still holds, so the state becomes ``REDUCING`` in that case, else ``ACTIVE``.
        """
        if self._kill_latched:
            self._kill_latched = False
            self._peak = -_INF
            self._peak_deposits = 0.0  # the next peak is taken from the equity, cash and all
            self._kill_level = self._dd_level = -_INF
            target = _REDUCING if self._daily_breached else _ACTIVE
            self._move(ts_ns, target, RiskReason.KILL_SWITCH_RESET, f"reset by {actor}")
            self._update_band()
        return self._state

    # -- NAV ---------------------------------------------------------------------------------

    def check_nav(self, ts_ns: int, equity: float) -> TradingState:
        """Update peak, day and latches from mark-to-market ``equity``; return the state."""
        if equity - equity != 0.0:  # NaN or infinite: fail closed
            return self._invalid_equity(ts_ns, equity)
        changed = False
        if ts_ns >= self._next_day_ns:
            self._new_day(ts_ns, equity)
            changed = True
        if equity > self._peak:
            self._peak = equity
            self._kill_level = _level(equity, self._kill_factor, self._peak_deposits)
            self._dd_level = _level(equity, self._dd_factor, self._peak_deposits)
            changed = True
        if not self._daily_breached and equity <= self._day_level:
            self._daily_breached = True
            changed = True
        if self._kill_latched:
            target = _HALTED
        elif equity <= self._kill_level:
            self._kill_latched = True
            target = _HALTED
        elif self._daily_breached or equity <= self._dd_level:
            target = _REDUCING
        else:
            target = _ACTIVE
        if target is not self._state:  # slow path only: enum attribute access is costly
            reason = self._nav_reason(target)
            self._move(ts_ns, target, reason, self._nav_detail(reason, equity))
            changed = True
        if changed:
            self.revision += 1
            self._update_band()
        elif self._band_low > self._band_high:  # empty band: forced re-check
            self._update_band()
        return self._state

    def _invalid_equity(self, ts_ns: int, equity: float) -> TradingState:
        if not self._kill_latched:
            self._kill_latched = True
            self._move(ts_ns, _HALTED, RiskReason.INVALID_EQUITY, f"equity is {equity!r}")
            self._update_band()
        return self._state

    def _new_day(self, ts_ns: int, equity: float) -> None:
        day = self._days.day_of(ts_ns)
        self._day = day
        self._next_day_ns = self._days.start_ns(day + 1)
        self._day_start = equity
        self._day_deposits = 0.0
        self._day_level = _level(equity, self._day_factor, 0.0)
        self._daily_breached = False

    def _nav_reason(self, target: TradingState) -> RiskReason:
        if target is _HALTED:
            return RiskReason.KILL_SWITCH
        if target is _REDUCING:
            return RiskReason.DAILY_LOSS if self._daily_breached else RiskReason.MAX_DRAWDOWN
        return RiskReason.RECOVERED

    def _nav_detail(self, reason: RiskReason, equity: float) -> str:
        """A person's sentence for a NAV transition, e.g. the drawdown that tripped a limit."""
        policy = self.policy
        if reason is RiskReason.DAILY_LOSS:
            return breach_text("loss", "the day's start", self._day_start, equity,
                               "daily_loss_limit", policy.daily_loss_limit,
                               deposits=self._day_deposits)
        if reason is RiskReason.KILL_SWITCH:
            return breach_text("drawdown", "the peak", self._peak, equity, "kill_switch_dd",
                               policy.kill_switch_dd, deposits=self._peak_deposits)
        if reason is RiskReason.MAX_DRAWDOWN:
            return breach_text("drawdown", "the peak", self._peak, equity, "max_drawdown",
                               policy.max_drawdown, deposits=self._peak_deposits)
        return f"equity {equity:,.2f}: no loss limit breached"

    # -- internals ---------------------------------------------------------------------------

    def _set(
        self,
        state: TradingState,
        *,
        peak: float,
        day_start: float,
        day: int | None,
        daily_breached: bool,
    ) -> None:
        self._state = state
        self._kill_latched = state is _HALTED
        self._peak = peak
        self._day = day
        self._next_day_ns = _NEVER if day is None else self._days.start_ns(day + 1)
        self._day_start = day_start
        self._update_levels()
        self._daily_breached = daily_breached
        self._band_low, self._band_high = _INF, -_INF  # empty: the next NAV is checked

    def _update_levels(self) -> None:
        self._kill_level = _level(self._peak, self._kill_factor, self._peak_deposits)
        self._dd_level = _level(self._peak, self._dd_factor, self._peak_deposits)
        self._day_level = _level(self._day_start, self._day_factor, self._day_deposits)

    def _move(self, ts_ns: int, target: TradingState, reason: RiskReason, detail: str) -> None:
        self.revision += 1
        self._transitions.append(StateTransition(ts_ns, self._state, target, reason, detail))
        self._state = target

    def _update_band(self) -> None:
        high = self._peak
        floor = -_INF  # highest level whose crossing (equity <= level) changes something
        if not self._daily_breached:
            floor = max(floor, self._day_level)
        if not self._kill_latched:
            floor = max(floor, self._kill_level)
            if not self._daily_breached:
                if self._state is _ACTIVE:
                    floor = max(floor, self._dd_level)
                else:  # REDUCING on drawdown: recovers once equity rises above the level
                    high = min(high, self._dd_level)
        self._band_low = math.nextafter(floor, _INF)  # finite even when floor is -inf
        self._band_high = high

