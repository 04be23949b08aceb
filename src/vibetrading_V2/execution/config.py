"""The simulator's knobs: costs, fill timing, volume participation, shorting and leverage.

Cost numbers arrive here as plain values; the composition root copies them from the cost
policy, so the execution package never imports ``policies``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from vibetrading_V2.execution.fees import FeeSchedule, order_fee

__all__ = ["BracketArming", "FillTiming", "SimulatorConfig"]

FillTiming = Literal["next_open", "signal_close"]
BracketArming = Literal["entry_bar", "next_bar"]


class SimulatorConfig(BaseModel):
    """How the bar-driven simulator charges, fills and limits orders.

    Fees are charged per *order* on its cumulative filled notional::

        order_fee(notional) = max(min_fee, notional * commission_bps / 1e4 + fixed_fee)

    and each fill pays the increase of that amount, so a single fill pays exactly the
    formula, while the fills of a partially filled order together pay it once (the fixed
    and minimum parts fall on the first fill; later fills pay commission on their own
    notional only, less any minimum already over-paid).

    ``slippage_bps`` moves market and stop fills against the trader (buys up, sells down);
    limit and stop-limit fills are never slipped. ``fill_timing`` says where a market order
    fills: at the open of the next bar of its symbol (``next_open``) or at once, at the
    close the strategy saw (``signal_close``). ``max_volume_participation`` caps the
    quantity filled in one bar of a symbol, over all its orders, at that fraction of the
    bar's volume; ``None`` means no cap. ``leverage`` bounds gross position notional by
    ``equity * leverage``; with ``leverage == 1`` a buy must also be paid in cash.

    ``bracket_arming`` says from which bar an entry's stop loss and take profit can fill:
    ``entry_bar`` (the default) checks them on the bar the entry filled in, after the fill
    (from the open when the entry filled at the open; from the entry's price, stop only,
    when it filled inside the bar), so a bar that opens and falls through the stop exits
    at once; ``next_bar`` checks them from the bar after the entry's fill only, as a trader
    placing the stop after seeing the fill would. Either way an entry filled at the signal
    close arms them from the next bar.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    initial_cash: float = Field(default=100_000.0, gt=0.0, allow_inf_nan=False)
    commission_bps: float = Field(default=0.0, ge=0.0, lt=10_000.0, allow_inf_nan=False)
    fixed_fee: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    min_fee: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    slippage_bps: float = Field(default=0.0, ge=0.0, lt=10_000.0, allow_inf_nan=False)
    fill_timing: FillTiming = "next_open"
    bracket_arming: BracketArming = "entry_bar"
    max_volume_participation: float | None = Field(
        default=None, gt=0.0, le=1.0, allow_inf_nan=False
    )
    allow_short: bool = True
    leverage: float = Field(default=1.0, ge=1.0, allow_inf_nan=False)
    currency: str = Field(default="USD", min_length=1)

    def order_fee(self, cumulative_notional: float) -> float:
        """The total fee of an order that has filled ``cumulative_notional`` so far."""
        return order_fee(cumulative_notional, self.commission_bps, self.fixed_fee, self.min_fee)

    def fee_schedule(self) -> FeeSchedule:
        """The fee numbers as a small object for the per-fill path."""
        return FeeSchedule(self.commission_bps, self.fixed_fee, self.min_fee)
