"""Value types shared by every layer: bars, intents, orders, fills, positions.

Plain frozen dataclasses and enums, standard library only. Time is an integer count of
nanoseconds since the Unix epoch in UTC (``ts_ns``); prices and quantities are floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

__all__ = [
    "NS_PER_SECOND",
    "AccountSnapshot",
    "Bar",
    "Direction",
    "Fill",
    "Intent",
    "Order",
    "OrderRequest",
    "OrderStatus",
    "OrderType",
    "Position",
    "Side",
    "TimeInForce",
    "TradingState",
]

NS_PER_SECOND = 1_000_000_000


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


_TERMINAL = frozenset({OrderStatus.FILLED, OrderStatus.CANCELLED, OrderStatus.REJECTED})


class TradingState(StrEnum):
    """The risk gate's mode: all rules apply, only exposure-reducing orders, or only cancels."""

    ACTIVE = "active"
    REDUCING = "reducing"
    HALTED = "halted"


@dataclass(frozen=True, slots=True)
class Bar:
    """One OHLCV bar of one symbol; ``ts_ns`` is the bar's open time in UTC nanoseconds."""

    symbol: str
    ts_ns: int
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(frozen=True, slots=True)
class Intent:
    """What a strategy wants, never how to trade it.

    A strategy states a target ``direction`` for a ``symbol`` and, optionally, how big the
    position should be: ``quantity`` (units), ``notional`` (account currency) or ``weight``
    (fraction of equity). With none of them the sizing policy decides. ``FLAT`` closes.
    ``stop_loss`` / ``take_profit`` are absolute prices attached to the resulting position.
    """

    symbol: str
    direction: Direction
    quantity: float | None = None
    notional: float | None = None
    weight: float | None = None
    confidence: float = 1.0
    stop_loss: float | None = None
    take_profit: float | None = None
    rationale: tuple[str, ...] = ()

    @classmethod
    def long(cls, symbol: str, **kwargs: object) -> Intent:
        return cls(symbol, Direction.LONG, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def short(cls, symbol: str, **kwargs: object) -> Intent:
        return cls(symbol, Direction.SHORT, **kwargs)  # type: ignore[arg-type]

    @classmethod
    def flat(cls, symbol: str, *rationale: str) -> Intent:
        return cls(symbol, Direction.FLAT, rationale=tuple(rationale))


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """An order the pipeline asks an ``Execution`` to work.

    ``client_order_id`` is deterministic (derived from strategy, symbol and the intent's
    sequence number) so that submitting the same request twice never creates two orders.
    """

    client_order_id: str
    symbol: str
    side: Side
    quantity: float
    order_type: OrderType = OrderType.MARKET
    limit_price: float | None = None
    stop_price: float | None = None
    time_in_force: TimeInForce = TimeInForce.GTC
    reduce_only: bool = False
    strategy_id: str = ""
    stop_loss: float | None = None
    take_profit: float | None = None
    oco_group: str | None = None
    created_ns: int = 0


@dataclass(frozen=True, slots=True)
class Order:
    """The known state of one order, as the execution side reports it."""

    request: OrderRequest
    status: OrderStatus
    filled_quantity: float = 0.0
    average_price: float | None = None
    venue_order_id: str | None = None
    reason: str | None = None
    updated_ns: int = 0

    @property
    def client_order_id(self) -> str:
        return self.request.client_order_id

    @property
    def remaining(self) -> float:
        return self.request.quantity - self.filled_quantity


@dataclass(frozen=True, slots=True)
class Fill:
    """One execution; ``execution_id`` is unique per venue and deduplicates fills."""

    execution_id: str
    client_order_id: str
    symbol: str
    side: Side
    quantity: float
    price: float
    fee: float
    ts_ns: int
    strategy_id: str = ""
    liquidity: str = "taker"


@dataclass(frozen=True, slots=True)
class Position:
    """Net position in one symbol: positive quantity is long, negative is short."""

    symbol: str
    quantity: float
    average_price: float
    realized_pnl: float = 0.0

    @property
    def is_flat(self) -> bool:
        return self.quantity == 0.0


@dataclass(frozen=True, slots=True)
class AccountSnapshot:
    """Balances as the execution side reports them."""

    cash: float
    equity: float
    margin_used: float = 0.0
    currency: str = "USD"
    positions: tuple[Position, ...] = field(default_factory=tuple)
