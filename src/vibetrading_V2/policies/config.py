"""Default cost, risk and sizing policies as frozen, validated settings.

Each policy is a small frozen pydantic model that refuses unknown keys and out-of-range
numbers (including NaN and infinity), so a bad YAML value or strategy override fails at
load time instead of trading on it. Field names are exactly those of ``CostOverride``,
``RiskOverride`` and ``SizingOverride`` in :mod:`vibetrading_V2.strategy.bundle`; a test
keeps the two in step. All ratios are plain fractions (``0.05`` = 5 %), all fees in basis
points or account currency, as each field's description says.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from vibetrading_V2.strategy.bundle import SizingModel

__all__ = ["CostPolicy", "PolicySet", "RiskPolicy", "SizingPolicy"]

_POLICY_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

_Positive = Annotated[float, Field(gt=0)]
_Fraction = Annotated[float, Field(gt=0, le=1)]


class CostPolicy(BaseModel):
    """What trading costs, so backtests charge the fees and slippage a venue would.

    The fee is charged per *order*, as a broker's minimum commission is: an order that has
    filled notional ``N`` in all pays ``max(min_fee, N * commission_bps / 1e4 + fixed_fee)``,
    however many partial fills it took (each fill pays the increase). Fills execute
    ``slippage_bps`` worse than the reference price. These are numbers only: the simulator
    computes the fee (``execution.fees.order_fee``, the one place the rule lives).
    """

    model_config = _POLICY_CONFIG

    commission_bps: float = Field(
        default=1.0,
        ge=0,
        lt=10_000,
        description="commission in basis points of the fill notional (below 100 %)",
    )
    slippage_bps: float = Field(
        default=0.0,
        ge=0,
        lt=10_000,
        description="adverse price move per fill, in basis points (below 100 %)",
    )
    fixed_fee: float = Field(
        default=0.0, ge=0, description="flat fee per order (on its first fill), account currency"
    )
    min_fee: float = Field(
        default=0.0,
        ge=0,
        description="lowest fee of an order over all its fills, in account currency",
    )


class RiskPolicy(BaseModel):
    """The limits the one risk gate enforces; ``None`` switches an optional limit off.

    Exposure limits are multiples of current equity (``1.0`` = 100 %). Loss limits are
    fractions measured on mark-to-market equity: ``daily_loss_limit`` against the equity at
    the start of the UTC day, ``max_drawdown`` and ``kill_switch_dd`` against the peak.
    """

    model_config = _POLICY_CONFIG

    min_notional: float = Field(
        default=0.0, ge=0, description="smallest order notional accepted, account currency"
    )
    max_position_notional: _Positive | None = Field(
        default=None,
        description="largest |position| * price per symbol, account currency; None = no limit",
    )
    max_leverage: float = Field(
        default=1.0, gt=0, description="largest gross notional / equity of the account"
    )
    max_gross_exposure: _Positive | None = Field(
        default=None,
        description="exposure budget: largest gross notional / equity; None = no limit",
    )
    daily_loss_limit: _Fraction | None = Field(
        default=None,
        description="loss from start-of-day equity that switches to REDUCING for the day",
    )
    max_drawdown: _Fraction | None = Field(
        default=None,
        description="drawdown from peak equity that switches to REDUCING while it lasts",
    )
    kill_switch_dd: _Fraction | None = Field(
        default=None,
        description="drawdown from peak equity that HALTS trading until an operator resets",
    )


class SizingPolicy(BaseModel):
    """How an intent without an explicit size becomes a position quantity.

    ``model`` picks the rule (``fixed_quantity``, ``fixed_notional``, ``percent_equity`` or
    ``volatility_target``); ``per_trade_risk`` caps any size when the intent has a stop.
    """

    model_config = _POLICY_CONFIG

    model: SizingModel = Field(default="fixed_quantity", description="the sizing rule")
    fixed_quantity: float = Field(
        default=1.0, gt=0, description="units per position for model=fixed_quantity"
    )
    fixed_notional: float = Field(
        default=10_000.0, gt=0, description="account currency per position, fixed_notional"
    )
    equity_fraction: float = Field(
        default=0.1, gt=0, le=10, description="position notional / equity, percent_equity"
    )
    target_vol: float = Field(
        default=0.10, gt=0, description="annualised volatility target, volatility_target"
    )
    vol_lookback: int = Field(
        default=20, ge=2, description="returns in the volatility estimate window"
    )
    per_trade_risk: float = Field(
        default=0.01,
        gt=0,
        le=1,
        description="fraction of equity lost if the stop_loss is hit; caps sized quantity",
    )


class PolicySet(BaseModel):
    """The three policies one strategy runs with: config defaults plus its overrides."""

    model_config = _POLICY_CONFIG

    cost: CostPolicy = Field(default_factory=CostPolicy)
    risk: RiskPolicy = Field(default_factory=RiskPolicy)
    sizing: SizingPolicy = Field(default_factory=SizingPolicy)
