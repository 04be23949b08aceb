"""The simulator's order fee: one formula, read by the config and by the per-fill path."""

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
