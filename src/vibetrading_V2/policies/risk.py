"""The one risk gate: ``check_order`` holds every order rule, ``check_nav`` the state.

No other module re-implements a risk check. The gate is put together from small parts,
one job each: the trading state and its loss guards (``nav_guard``: ACTIVE / REDUCING /
HALTED, the kill switch, the daily-loss guard on the configured trading day), the exposure
limits (``order_limits``), the exposure still pending in open and in-flight orders
(``exposure``) and the submit-rate throttle (``throttle``). An order is judged on the
position it would leave if every pending order of its symbol filled too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.core.ports import Clock
from vibetrading_V2.core.types import Order, Side, TradingState
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.exposure import (
    NO_PENDING,
    InFlightOrders,
    PendingExposure,
    PositionBook,
    pending_exposure,
)
from vibetrading_V2.policies.nav_guard import NS_PER_DAY, NavGuard
from vibetrading_V2.policies.order_limits import TOLERANCE, OrderLimits
from vibetrading_V2.policies.risk_types import (
    RiskDecision,
    RiskReason,
    RiskSnapshot,
    StateTransition,
)
from vibetrading_V2.policies.safety_config import SafetyPolicy
from vibetrading_V2.policies.throttle import SubmitThrottle

__all__ = [
    "NS_PER_DAY",
    "RiskDecision",
    "RiskEngine",
    "RiskReason",
    "RiskSnapshot",
    "StateTransition",
]

_REDUCING: Final = TradingState.REDUCING
_HALTED: Final = TradingState.HALTED
_BUY: Final = Side.BUY
_APPROVED: Final = {s: RiskDecision(True, (), s) for s in TradingState}


class RiskEngine(NavGuard):
    """Decides whether an order may go out, given the account's trading state.

    Why it exists: one object decides whether an order may go out and in which mode the
    account trades, so no rule is duplicated or skipped in some environment. ``in_flight``
    holds the orders sent and not yet answered (the pipeline fills it), which the exposure
    checks count. ``clock`` times the throttle; it is needed only when one is configured.
    """

    def __init__(
        self, policy: RiskPolicy, safety: SafetyPolicy | None = None, clock: Clock | None = None
    ) -> None:
        super().__init__(policy, safety)
        self._limits = OrderLimits(policy)
        self.in_flight = InFlightOrders()
        limit = self.safety.max_submits_per_second
        self._throttle = None if limit is None else SubmitThrottle(limit)
        self._clock = clock
        if self._throttle is not None and clock is None:
            raise ConfigError("a submit throttle needs the run's clock, and none was given",
                              field="safety.max_submits_per_second",
                              hint="build the gate with clock= (the container does), or "
                              "leave max_submits_per_second unset")

    def pending(self, open_orders: Sequence[Order], *, strategy_id: str, symbol: str,
                book: PositionBook) -> PendingExposure:
        """What the account's open and in-flight orders would add to a new order of
        ``strategy_id`` in ``symbol`` (whose own working orders it replaces)."""
        if not open_orders and not len(self.in_flight):  # the common case: nothing pending
            return NO_PENDING
        return pending_exposure(open_orders, self.in_flight.requests(), strategy_id=strategy_id,
                                symbol=symbol, book=book)

    def check_order(
        self,
        *,
        symbol: str,
        side: Side,
        quantity: float,
        price: float,
        position_qty: float,
        equity: float,
        gross_notional: float,
        is_cancel: bool = False,
        pending_qty: float = 0.0,
        pending_gross: float = 0.0,
    ) -> RiskDecision:
        """Approve or veto one order; a veto lists every rule it fails.

        ``quantity`` is the unsigned order size, ``position_qty`` the account's signed
        position in ``symbol`` before the order, ``gross_notional`` the account's current
        sum of ``|position| * price`` over all symbols (this one valued at ``price``).
        ``pending_qty`` (signed) and ``pending_gross`` are what open and in-flight orders
        would add in ``symbol`` and in the other symbols (``exposure.pending_exposure``).
        Cancels always pass. An order that strictly shrinks ``|position|`` without flipping
        it (pending orders counted too) is exempt from every limit and passes in
        ``REDUCING``; in ``HALTED`` only cancels pass. Any other pass needs throttle room.
        """
        state = self._state
        if is_cancel:
            return _APPROVED[state]
        reasons: list[RiskReason] = []
        details: list[str] = []
        if state is _HALTED:
            reasons.append(RiskReason.HALTED)
            details.append("trading is halted: only cancels pass")
        if not (
            is_finite(quantity * price)
            and quantity > 0.0
            and price > 0.0
            and is_finite(position_qty + pending_qty)
            and is_finite(gross_notional + pending_gross)
            and gross_notional >= 0.0
        ):
            reasons.append(RiskReason.INVALID_ORDER)
            details.append(
                f"{symbol}: quantity={quantity!r} price={price!r} position={position_qty!r} "
                f"gross_notional={gross_notional!r}"
            )
            return RiskDecision(False, tuple(reasons), state, tuple(details))
        step = quantity if side is _BUY else -quantity
        base = position_qty + pending_qty
        if _shrinks(position_qty, step) and _shrinks(base, step):
            return self._throttled(symbol, state, reasons, details)
        if state is _REDUCING:
            reasons.append(RiskReason.REDUCING_ONLY)
            details.append(f"{symbol}: only orders that shrink the position pass")
        new_abs = abs(_closed(base, base + step))
        self._limits.check(symbol, quantity, price, abs(position_qty), new_abs, equity,
                           gross_notional + pending_gross, reasons, details)
        return self._throttled(symbol, state, reasons, details)

    def _throttled(self, symbol: str, state: TradingState, reasons: list[RiskReason],
                   details: list[str]) -> RiskDecision:
        """The decision, once the order passed every other rule and found throttle room."""
        throttle = self._throttle
        clock = self._clock
        if (not reasons and throttle is not None and clock is not None
                and not throttle.admit(clock.now_ns())):
            reasons.append(RiskReason.SUBMIT_RATE)
            details.append(f"{symbol}: more than {throttle.limit} orders in one second "
                           "(safety.max_submits_per_second)")
        if not reasons:
            return _APPROVED[state]
        return RiskDecision(False, tuple(reasons), state, tuple(details))


def _closed(before: float, after: float) -> float:
    """``after``, or 0.0 when it is only float noise left by closing ``before``."""
    return 0.0 if abs(after) <= abs(before) * TOLERANCE else after


def _shrinks(before: float, step: float) -> bool:
    """Whether adding ``step`` strictly shrinks ``|before|`` without flipping its sign."""
    after = _closed(before, before + step)
    return abs(after) < abs(before) and after * before >= 0.0
