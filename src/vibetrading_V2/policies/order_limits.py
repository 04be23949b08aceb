"""The limits an order that grows exposure must respect: size, position, leverage, budget."""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk_types import RiskReason

__all__ = ["TOLERANCE", "OrderLimits"]

TOLERANCE: Final = 1e-9  # relative slack, so float rounding of a sized order does not veto it
_INF: Final = float("inf")


class OrderLimits:
    """The exposure limits of one ``RiskPolicy``, checked for an order that adds exposure.

    Why it exists: the gate's order rules in one small place, each failed rule appended
    with a person's sentence, so a veto lists every rule it broke.
    """

    def __init__(self, policy: RiskPolicy) -> None:
        self.min_notional = policy.min_notional
        self.max_position = policy.max_position_notional or _INF
        self.max_leverage = policy.max_leverage
        self.max_gross = policy.max_gross_exposure or _INF  # None = no limit (never 0)

    def check(
        self,
        symbol: str,
        quantity: float,
        price: float,
        held_abs: float,
        new_abs: float,
        equity: float,
        gross_notional: float,
        reasons: list[RiskReason],
        details: list[str],
    ) -> None:
        """Append the rules an order of ``quantity`` at ``price`` breaks.

        ``held_abs`` is ``|position|`` now, ``new_abs`` what it would be once this order and
        the pending ones of ``symbol`` filled; ``gross_notional`` the account's gross with
        the other symbols' pending orders counted.
        """
        notional = quantity * price
        if notional < self.min_notional * (1.0 - TOLERANCE):
            reasons.append(RiskReason.MIN_NOTIONAL)
            details.append(f"{symbol}: order notional {notional:g} < {self.min_notional:g}")
        position_notional = new_abs * price
        if position_notional > self.max_position * (1.0 + TOLERANCE):
            reasons.append(RiskReason.MAX_POSITION_NOTIONAL)
            details.append(
                f"{symbol}: position notional {position_notional:g} > {self.max_position:g}"
            )
        if not (is_finite(equity) and equity > 0.0):
            reasons.append(RiskReason.INVALID_EQUITY)
            details.append(f"equity {equity!r} is not positive: only closing orders pass")
            return
        exposure = (gross_notional + (new_abs - held_abs) * price) / equity
        if exposure > self.max_leverage * (1.0 + TOLERANCE):
            reasons.append(RiskReason.MAX_LEVERAGE)
            details.append(f"gross / equity {exposure:.6g} > max_leverage {self.max_leverage:g}")
        if exposure > self.max_gross * (1.0 + TOLERANCE):
            reasons.append(RiskReason.MAX_GROSS_EXPOSURE)
            details.append(
                f"gross / equity {exposure:.6g} > max_gross_exposure {self.max_gross:g}"
            )
