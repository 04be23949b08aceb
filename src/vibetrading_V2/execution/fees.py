"""The one fee rule of the project: a minimum commission is per order, not per fill.

An order that has filled notional ``N`` so far owes ``max(min_fee, N * commission_bps / 1e4
+ fixed_fee)`` in all; each fill pays the increase, so a partially filled order pays the
fixed fee and the minimum once. The cost policy (``policies.config.CostPolicy``) only holds
the numbers; the composition root copies them into ``SimulatorConfig``, whose per-fill path
and pre-trade check both call ``order_fee`` here. Nothing else computes a fee.
"""

from __future__ import annotations

__all__ = ["FeeSchedule", "order_fee"]


def order_fee(
    cumulative_notional: float, commission_bps: float, fixed_fee: float, min_fee: float
) -> float:
    """The total fee of an order that has filled ``cumulative_notional`` so far."""
    variable = cumulative_notional * commission_bps / 1e4 + fixed_fee
    return max(min_fee, variable)


class FeeSchedule:
    """The cost numbers of a ``SimulatorConfig`` copied into plain floats.

    Why it exists: a fill asks for its fee on the hot path; reading three floats of a
    small compiled object is far cheaper than a method call on the pydantic config.
    """

    __slots__ = ("commission_bps", "fixed_fee", "min_fee")

    def __init__(self, commission_bps: float, fixed_fee: float, min_fee: float) -> None:
        self.commission_bps = commission_bps
        self.fixed_fee = fixed_fee
        self.min_fee = min_fee

    def order_fee(self, cumulative_notional: float) -> float:
        """The total fee of an order that has filled ``cumulative_notional`` so far."""
        return order_fee(cumulative_notional, self.commission_bps, self.fixed_fee, self.min_fee)
