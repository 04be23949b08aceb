"""A per-fill reading of a ``CostPolicy``: fee of one fill, price after slippage.

Nothing in a run calls it: the simulator charges the merged cost policy itself
(``execution/fees.py``: the fee formula per *order*, each fill paying what its order's
cumulative fee grew by, so ``min_fee`` is charged once per order; slippage in
``execution/matching.py``). Only its unit tests use this module.
"""

from __future__ import annotations

from vibetrading_V2.core.types import Side
from vibetrading_V2.policies.config import CostPolicy

__all__ = ["CostModel"]

_BPS = 1e-4
_BUY = Side.BUY  # module constant: enum attribute access costs ~0.2 us on Python 3.11


class CostModel:
    """Turns a ``CostPolicy`` into two cheap per-fill functions (unused by the simulator).

    The policy's numbers are copied into plain attributes at construction; each call is a
    handful of float operations. Its ``fee`` floors *each fill* at ``min_fee``, where the
    simulator floors each order: for an order filled in parts the two differ.
    """

    __slots__ = ("_fixed", "_min", "_rate", "_slip_down", "_slip_up", "policy")

    def __init__(self, policy: CostPolicy) -> None:
        self.policy = policy
        self._rate = policy.commission_bps * _BPS
        self._fixed = policy.fixed_fee
        self._min = policy.min_fee
        self._slip_up = 1.0 + policy.slippage_bps * _BPS
        self._slip_down = 1.0 - policy.slippage_bps * _BPS

    def fee(self, notional: float) -> float:
        """Fee of one fill: ``max(min_fee, |notional| * commission_bps / 1e4 + fixed_fee)``.

        ``notional`` is quantity times fill price, either sign; the fee is never negative.
        ``min_fee`` is a floor per fill, not an extra charge: it applies only when the
        commission plus the fixed fee come to less.
        """
        fee = abs(notional) * self._rate + self._fixed
        return fee if fee > self._min else self._min

    def slipped_price(self, price: float, side: Side) -> float:
        """``price`` moved ``slippage_bps`` against the trader: up for a buy, down for a sell."""
        return price * (self._slip_up if side is _BUY else self._slip_down)
