"""The risk gate's vocabulary: reason codes, decisions, state transitions and snapshots."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.core.types import TradingState

__all__ = ["RiskDecision", "RiskReason", "RiskSnapshot", "StateTransition", "breach_text"]


class RiskReason(StrEnum):
    """Machine-readable codes for vetoes and state transitions; stable, used in metrics."""

    # order vetoes
    MIN_NOTIONAL = "min_notional"
    MAX_POSITION_NOTIONAL = "max_position_notional"
    MAX_LEVERAGE = "max_leverage"
    MAX_GROSS_EXPOSURE = "max_gross_exposure"
    INVALID_EQUITY = "invalid_equity"
    INVALID_ORDER = "invalid_order"
    REDUCING_ONLY = "reducing_only"
    HALTED = "halted"
    SUBMIT_RATE = "submit_rate"
    # state transitions
    DAILY_LOSS = "daily_loss"
    MAX_DRAWDOWN = "max_drawdown"
    KILL_SWITCH = "kill_switch"
    KILL_SWITCH_RESET = "kill_switch_reset"
    RECOVERED = "recovered"


@dataclass(slots=True, init=False, unsafe_hash=True)
class RiskDecision:
    """The gate's answer to one order: approved, or vetoed with every failed rule.

    ``approved`` is true exactly when ``reasons`` is empty; ``details`` holds one
    human-readable line per reason (same order) for logs and veto records.
    """

    approved: Final[bool]
    reasons: Final[tuple[RiskReason, ...]]
    state: Final[TradingState]
    details: Final[tuple[str, ...]]

    def __init__(
        self,
        approved: bool,
        reasons: tuple[RiskReason, ...],
        state: TradingState,
        details: tuple[str, ...] = (),
    ) -> None:
        self.approved = approved
        self.reasons = reasons
        self.state = state
        self.details = details


@dataclass(slots=True, init=False, unsafe_hash=True)
class StateTransition:
    """One change of trading state, for the runner to persist, alert on and report."""

    ts_ns: Final[int]
    from_state: Final[TradingState]
    to_state: Final[TradingState]
    reason: Final[RiskReason]
    detail: Final[str]

    def __init__(
        self,
        ts_ns: int,
        from_state: TradingState,
        to_state: TradingState,
        reason: RiskReason,
        detail: str = "",
    ) -> None:
        self.ts_ns = ts_ns
        self.from_state = from_state
        self.to_state = to_state
        self.reason = reason
        self.detail = detail


@dataclass(slots=True, init=False, unsafe_hash=True)
class RiskSnapshot:
    """What the gate must remember across a restart; ``RiskEngine.restore`` takes it back.

    ``peak`` and ``day_start_equity`` are ``-inf`` and ``day`` is ``None`` before the first
    NAV was seen. ``HALTED`` implies the kill switch is latched. ``daily_breached`` keeps
    the daily-loss latch for the rest of ``day`` even if equity recovered. ``peak`` and
    ``day_start_equity`` are shifted by the deposits booked since they were taken
    (``peak_deposits``, ``day_deposits``); ``deposits`` counts every deposit booked, so a
    restart books only those recorded after it (``RiskStateKeeper``).
    """

    state: Final[TradingState]
    peak: Final[float]
    day_start_equity: Final[float]
    day: Final[int | None]
    daily_breached: Final[bool]
    deposits: Final[float]
    peak_deposits: Final[float]
    day_deposits: Final[float]

    def __init__(
        self,
        state: TradingState,
        peak: float,
        day_start_equity: float,
        day: int | None,
        daily_breached: bool = False,
        *,
        deposits: float = 0.0,
        peak_deposits: float = 0.0,
        day_deposits: float = 0.0,
    ) -> None:
        self.state = state
        self.peak = peak
        self.day_start_equity = day_start_equity
        self.day = day
        self.daily_breached = daily_breached
        self.deposits = deposits
        self.peak_deposits = peak_deposits
        self.day_deposits = day_deposits

    @property
    def _cash_flows(self) -> tuple[float, float, float]:
        return self.deposits, self.peak_deposits, self.day_deposits

    def check(self) -> None:
        """Raise ``StateStoreError`` unless this is a state the engine can resume from."""
        ok = (
            isinstance(self.state, TradingState)
            and _resumable(self.peak)
            and _resumable(self.day_start_equity)
            and _is_day(self.day)
            and isinstance(self.daily_breached, bool)
            and all(_is_amount(amount) for amount in self._cash_flows)
        )
        if not ok:
            raise StateStoreError(
                f"cannot restore risk state from {self!r}",
                field="risk_state",
                hint="pass the fields of a RiskSnapshot read back from the state store",
            )

    def to_json(self) -> str:
        """A stable one-line JSON text (non-finite numbers as ``null``) for the StateStore.

        The deposit fields are written only once a deposit was booked: the text of an
        account that never had one is the same as before deposits existed.
        """
        fields: dict[str, object] = {
            "state": self.state.value,
            "peak": self.peak if is_finite(self.peak) else None,
            "day_start_equity": (
                self.day_start_equity if is_finite(self.day_start_equity) else None
            ),
            "day": self.day,
            "daily_breached": self.daily_breached,
        }
        if any(self._cash_flows):
            fields.update(deposits=self.deposits, peak_deposits=self.peak_deposits,
                          day_deposits=self.day_deposits)
        return json.dumps(fields, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> RiskSnapshot:
        """Parse :meth:`to_json` output; anything else raises ``StateStoreError``."""
        try:
            raw = json.loads(text)
            day = raw["day"]
            if day is not None and (isinstance(day, bool) or not isinstance(day, int)):
                raise ValueError(f"day must be an integer or null, got {day!r}")
            breached = raw["daily_breached"]
            if not isinstance(breached, bool):
                raise ValueError(f"daily_breached must be true or false, got {breached!r}")
            return cls(
                state=TradingState(raw["state"]),
                peak=_stored_number(raw["peak"]),
                day_start_equity=_stored_number(raw["day_start_equity"]),
                day=day,
                daily_breached=breached,
                deposits=_stored_amount(raw, "deposits"),
                peak_deposits=_stored_amount(raw, "peak_deposits"),
                day_deposits=_stored_amount(raw, "day_deposits"),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise StateStoreError(
                f"stored risk state is unreadable ({exc}): {text[:200]!r}",
                field="risk_state",
                hint="restore the state store from backup, or clear the risk_state control "
                "deliberately (the gate then starts ACTIVE with a fresh peak)",
            ) from None


def _stored_amount(raw: dict[str, object], key: str) -> float:
    """A deposit field: absent (a snapshot from before deposits) is 0."""
    value = raw.get(key, 0.0)
    if not _is_amount(value):
        raise ValueError(f"{key} must be a finite number, got {value!r}")
    assert isinstance(value, (int, float))
    return float(value)


def _is_amount(value: object) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def _stored_number(value: object) -> float:
    if value is None:
        return -math.inf
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ValueError(f"expected a number or null, got {value!r}")
    return float(value)


def _is_day(value: object) -> bool:
    """A UTC day number: an ``int`` but not a ``bool`` (or ``None`` before the first NAV)."""
    return value is None or (isinstance(value, int) and not isinstance(value, bool))


def _resumable(value: object) -> bool:
    return (
        isinstance(value, (float, int))
        and not isinstance(value, bool)
        and not math.isnan(value)
        and value != math.inf
    )


def breach_text(
    what: str, since: str, base: float, equity: float, limit_name: str, limit: float | None,
    *, deposits: float = 0.0,
) -> str:
    """E.g. ``drawdown 25.3 % from the peak 1,000.00 (equity 747.00) >= max_drawdown 25 %``.

    ``base`` is shifted by ``deposits`` (booked since it was taken): the loss is a fraction
    of the reference without them, and the text says how much of ``base`` is deposits.
    """
    reference = base - deposits
    loss = (1.0 - (equity - deposits) / reference) * 100.0 if reference > 0.0 else math.nan
    cash = f", {deposits:,.2f} of it deposits" if deposits else ""
    return (f"{what} {loss:.1f} % from {since} {base:,.2f} (equity {equity:,.2f}{cash}) "
            f">= {limit_name} {(limit or 0.0) * 100.0:g} %")
