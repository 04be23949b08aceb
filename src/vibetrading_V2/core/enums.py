"""The enumerations every layer shares: sides, directions, order types and states.

Plain ``StrEnum`` s (their values are what files and the store hold); ``core.types``
re-exports them beside the records that use them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = ["Direction", "OrderStatus", "OrderType", "Side", "TimeInForce", "TradingState"]


class Side(StrEnum):
    """Which way an order trades."""

    BUY = "buy"
    SELL = "sell"

    @property
    def sign(self) -> int:
        return 1 if self is Side.BUY else -1


class Direction(StrEnum):
    """The exposure a strategy wants in a symbol."""

    LONG = "long"
    SHORT = "short"
    FLAT = "flat"


class OrderType(StrEnum):
    """How an order is priced."""

    MARKET = "market"
    LIMIT = "limit"
    STOP = "stop"
    STOP_LIMIT = "stop_limit"


class TimeInForce(StrEnum):
    """How long an order stays working."""

    GTC = "gtc"
    IOC = "ioc"
    FOK = "fok"
    DAY = "day"


class OrderStatus(StrEnum):
    """Life cycle of an order; ``IN_FLIGHT`` means sent but outcome not yet known."""

    IN_FLIGHT = "in_flight"
    NEW = "new"
    PARTIALLY_FILLED = "partially_filled"
    FILLED = "filled"
    CANCELLED = "cancelled"
    REJECTED = "rejected"

    @property
    def is_terminal(self) -> bool:
        return self in _TERMINAL


_TERMINAL: Final = frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED})


class TradingState(StrEnum):
    """The risk gate's mode: all rules apply, only exposure-reducing orders, or only cancels."""

    ACTIVE = "active"
    REDUCING = "reducing"
    HALTED = "halted"
