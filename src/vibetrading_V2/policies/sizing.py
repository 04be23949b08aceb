"""Position sizing: from an intent, a price and the account's equity to a target quantity.

Order of decisions in :meth:`Sizer.target_quantity`:

1. ``FLAT`` -> ``0.0``.
2. Base size, first that applies: ``intent.quantity`` (units), ``intent.notional / price``,
   ``equity * intent.weight / price``; otherwise the policy's model:

   * ``fixed_quantity``: ``fixed_quantity`` units;
   * ``fixed_notional``: ``fixed_notional / price``;
   * ``percent_equity``: ``equity * equity_fraction / price``;
   * ``volatility_target``: ``equity * target_vol / (volatility * price)``, where
     ``volatility`` is the symbol's annualised volatility (see :func:`annualised_volatility`).

3. Confidence: the base size is multiplied by ``intent.confidence`` (in ``[0, 1]``), whatever
   produced it; confidence ``0`` therefore means a flat target.
4. Per-trade risk: with a stop the quantity is capped so that ``distance * quantity <=
   per_trade_risk * equity``; the cap applies last and to explicit sizes too, because it is
   a risk bound, not a sizing preference. ``distance`` is the loss per unit at the stop:
   ``|price - stop_loss|`` for a stop given as a price (which must lie below the price for
   a long, above for a short), ``stop_distance`` for a stop measured from the entry fill
   (exact: the stop follows the fill), ``stop_pct * price`` for one given as a fraction of
   the fill (the price standing in for the fill not known yet). A stop measured from the
   fill is never compared with the signal close: it is set from the fill when the entry
   fills. When the cap shrinks the size, ``capped_from`` holds the size before the cap
   (the pipeline reports a resize).
5. Sign: positive for ``LONG``, negative for ``SHORT``. No rounding to lot sizes.

When a size cannot be computed (no volatility yet, a bad price or equity, an inconsistent
intent) the sizer raises :class:`SizingError` with a machine-readable ``reason``. It never
returns ``0.0`` in that case, because ``0.0`` is a real target ("go flat") and would close
an open position on missing data; the caller skips the intent and records the reason.
"""

from __future__ import annotations

import math
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import VibeTradingError
from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.core.types import Direction, Intent
from vibetrading_V2.policies.config import SizingPolicy

__all__ = ["Sizer", "SizingError", "SizingReason", "annualised_volatility"]

_CHUNK_CELLS: Final = 1 << 20
_FLAT: Final = Direction.FLAT
_LONG: Final = Direction.LONG


class SizingReason(StrEnum):
    """Machine-readable codes for why an intent could not be sized."""

    VOLATILITY_UNAVAILABLE = "volatility_unavailable"
    INVALID_PRICE = "invalid_price"
    INVALID_EQUITY = "invalid_equity"
    INVALID_INTENT = "invalid_intent"


class SizingError(VibeTradingError):
    """An intent cannot be turned into a quantity now; skip it and record ``reason``.

    Why a separate error: the alternative, a zero target, would flatten the position.
    """

    def __init__(
        self,
        message: str,
        *,
        reason: SizingReason,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, field=field, hint=hint)
        self.reason = reason


class Sizer:
    """Applies one ``SizingPolicy`` to intents; the only place sizes are computed.

    Why it exists: strategies state direction and conviction; how much to trade is an
    account-level policy that strategies may override but must not re-implement.
    """

    __slots__ = ("capped_from", "policy")

    def __init__(self, policy: SizingPolicy) -> None:
        self.policy = policy
        # after sizing an intent with a stop_loss: the size before the per-trade-risk cap
        # if the cap shrank it, else 0.0 (not touched for intents without a stop)
        self.capped_from = 0.0

    def target_quantity(
        self, intent: Intent, price: float, equity: float, volatility: float | None = None
    ) -> float:
        """The signed target position (``>0`` long, ``<0`` short, ``0`` flat) for ``intent``.

        ``price`` is the reference price (the bar close the intent was seen at), ``equity``
        the account's mark-to-market equity and ``volatility`` the annualised volatility of
        the symbol (needed only by ``volatility_target``). Raises :class:`SizingError`.
        """
        if intent.direction is _FLAT:
            return 0.0
        if not (is_finite(price) and price > 0.0):
            raise SizingError(
                f"cannot size {intent.symbol}: price {price!r} is not a positive number",
                reason=SizingReason.INVALID_PRICE,
                field="price",
            )
        confidence = intent.confidence
        if not 0.0 <= confidence <= 1.0:
            raise _bad_intent(intent, "confidence", confidence, "a number in [0, 1]")
        quantity = self._base_quantity(intent, price, equity, volatility) * confidence
        if intent.stop_loss is not None or intent.exits is not None:
            distance = _stop_distance(intent, price)
            if distance is not None:
                cap = self.policy.per_trade_risk * _checked_equity(intent, equity) / distance
                self.capped_from = quantity if cap < quantity else 0.0
                quantity = min(quantity, cap)
        if quantity == 0.0:
            return 0.0
        return quantity if intent.direction is _LONG else -quantity

    def _base_quantity(
        self, intent: Intent, price: float, equity: float, volatility: float | None
    ) -> float:
        if intent.quantity is not None:
            return _positive(intent, "quantity", intent.quantity)
        if intent.notional is not None:
            return _positive(intent, "notional", intent.notional) / price
        if intent.weight is not None:
            weight = _positive(intent, "weight", intent.weight)
            return _checked_equity(intent, equity) * weight / price
        policy = self.policy
        model = policy.model
        if model == "fixed_quantity":
            return policy.fixed_quantity
        if model == "fixed_notional":
            return policy.fixed_notional / price
        if model == "percent_equity":
            return _checked_equity(intent, equity) * policy.equity_fraction / price
        if volatility is None or not (is_finite(volatility) and volatility > 0.0):
            raise SizingError(
                f"cannot size {intent.symbol} by volatility_target: volatility is "
                f"{volatility!r} (not enough history yet, or a flat price series)",
                reason=SizingReason.VOLATILITY_UNAVAILABLE,
                field="volatility",
                hint=f"needs vol_lookback + 1 = {policy.vol_lookback + 1} closes; raise the "
                "strategy's warmup_bars or size the intent explicitly",
            )
        return _checked_equity(intent, equity) * policy.target_vol / (volatility * price)



def _stop_distance(intent: Intent, price: float) -> float | None:
    """The loss per unit if the stop fills (see the module's step 4); ``None``: no stop."""
    stop = intent.stop_loss
    if stop is not None:
        distance = price - stop if intent.direction is _LONG else stop - price
        if not (is_finite(distance) and distance > 0.0):
            side = "below" if intent.direction is _LONG else "above"
            raise _bad_intent(intent, "stop_loss", stop, f"a price {side} {price!r} (or give "
                              "stop_distance / stop_pct, measured from the entry fill)")
        return distance
    exits = intent.exits
    if exits is None:
        return None
    if exits.stop_distance is not None:
        return _positive(intent, "stop_distance", exits.stop_distance)
    if exits.stop_pct is not None:
        fraction = exits.stop_pct
        if not (is_finite(fraction) and 0.0 < fraction < 1.0):
            raise _bad_intent(intent, "stop_pct", fraction, "a fraction in (0, 1): 0.02 is 2 %")
        return fraction * price
    return None


def _positive(intent: Intent, name: str, value: float) -> float:
    if not (is_finite(value) and value > 0.0):
        raise _bad_intent(intent, name, value, "a positive number (direction gives the sign)")
    return value


def _checked_equity(intent: Intent, equity: float) -> float:
    if not (is_finite(equity) and equity > 0.0):
        raise SizingError(
            f"cannot size {intent.symbol}: equity {equity!r} is not positive",
            reason=SizingReason.INVALID_EQUITY,
            field="equity",
        )
    return equity


def _bad_intent(intent: Intent, name: str, value: float, wanted: str) -> SizingError:
    return SizingError(
        f"cannot size {intent.symbol}: intent.{name} = {value!r} is invalid",
        reason=SizingReason.INVALID_INTENT,
        field=f"intent.{name}",
        hint=f"intent.{name} must be {wanted}",
    )


def annualised_volatility(
    closes: npt.ArrayLike, lookback: int, periods_per_year: float
) -> npt.NDArray[np.float64]:
    """Rolling annualised volatility of log returns, causal and vectorised.

    ``out[t]`` is the sample standard deviation (``ddof=1``) of the ``lookback`` log
    returns ending at bar ``t``, times ``sqrt(periods_per_year)``; it uses ``closes[t -
    lookback] .. closes[t]`` only, so it never looks ahead, and each value depends on its
    own window alone (the same number whether computed over all history or a live window).
    The first ``lookback`` values are NaN; so is any window touching a NaN or a
    non-positive close. ``periods_per_year`` is bars per year (e.g. 365 for daily crypto,
    252 for daily equities). Memory stays bounded by processing windows in chunks.
    """
    values = np.asarray(closes, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"closes must be one-dimensional, got shape {values.shape}")
    if isinstance(lookback, bool) or not isinstance(lookback, int) or lookback < 2:
        raise ValueError(f"lookback must be an integer >= 2, got {lookback!r}")
    if not (is_finite(periods_per_year) and periods_per_year > 0.0):
        raise ValueError(f"periods_per_year must be a positive number, got {periods_per_year!r}")
    out = np.full(values.shape[0], np.nan, dtype=np.float64)
    if values.shape[0] <= lookback:
        return out
    with np.errstate(divide="ignore", invalid="ignore"):
        returns = np.diff(np.log(np.where(values > 0.0, values, np.nan)))
    windows = np.lib.stride_tricks.sliding_window_view(returns, lookback)
    scale = math.sqrt(periods_per_year)
    step = max(1, _CHUNK_CELLS // lookback)
    for start in range(0, windows.shape[0], step):
        chunk = np.ascontiguousarray(windows[start : start + step])
        out[lookback + start : lookback + start + chunk.shape[0]] = (
            np.std(chunk, axis=1, ddof=1) * scale
        )
    return out
