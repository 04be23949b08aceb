"""Value types shared by every layer: bars, intents, orders, fills, positions.

Immutable dataclasses and enums, standard library only. Time is an integer count of
nanoseconds since the Unix epoch in UTC (``ts_ns``); prices and quantities are floats.

The records are dataclasses (fields, ``replace``, equality, hashing, repr) whose fields are
``Final`` and set once by an explicit ``__init__``. Compiled (``make native``), a field has
no setter at all and building a record costs tens of nanoseconds instead of the
microsecond a ``frozen=True`` dataclass takes; the type checker refuses assignments either
way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, SupportsFloat

from vibetrading_V2.core.enums import (
    Direction,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
    TradingState,
)
from vibetrading_V2.core.exit_offsets import (
    ExitOffsets,
    exit_offsets_of,
    optional_real,
    real,
)

__all__ = [
    "NS_PER_SECOND",
    "AccountSnapshot",
    "Bar",
    "Direction",
    "ExitOffsets",
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

NS_PER_SECOND: Final = 1_000_000_000


@dataclass(slots=True, init=False, unsafe_hash=True)
class Bar:
    """One OHLCV bar of one symbol; ``ts_ns`` is the bar's open time in UTC nanoseconds."""

    symbol: Final[str]
    ts_ns: Final[int]
    open: Final[float]
    high: Final[float]
    low: Final[float]
    close: Final[float]
    volume: Final[float]

    def __init__(
        self,
        symbol: str,
        ts_ns: int,
        open: float,
        high: float,
        low: float,
        close: float,
        volume: float,
    ) -> None:
        self.symbol = symbol
        self.ts_ns = ts_ns
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume


@dataclass(slots=True, init=False, eq=False)
class Intent:
    """What a strategy wants, never how to trade it.

    A strategy states a target ``direction`` for a ``symbol`` and, optionally, how big the
    position should be: ``quantity`` (units), ``notional`` (account currency) or ``weight``
    (fraction of equity). With none of them the sizing policy decides. ``FLAT`` closes.
    ``stop_loss`` / ``take_profit`` are absolute prices attached to the resulting position;
    ``stop_distance`` / ``stop_pct`` (and ``take_profit_distance`` / ``take_profit_pct``)
    measure them from the entry's fill price instead, in price units or as a fraction of it
    (0.02 is 2 %), and become prices when the entry fills (``exits``). One way per level.
    """

    symbol: Final[str]
    direction: Final[Direction]
    quantity: Final[float | None]
    notional: Final[float | None]
    weight: Final[float | None]
    confidence: Final[float]
    stop_loss: Final[float | None]
    take_profit: Final[float | None]
    rationale: Final[tuple[str, ...]]
    exits: Final[ExitOffsets | None]  # the stop / target from the fill, if any

    def __init__(
        self,
        symbol: str,
        direction: Direction,
        quantity: SupportsFloat | None = None,
        notional: SupportsFloat | None = None,
        weight: SupportsFloat | None = None,
        confidence: SupportsFloat = 1.0,
        stop_loss: SupportsFloat | None = None,
        take_profit: SupportsFloat | None = None,
        rationale: tuple[str, ...] = (),
        *,
        stop_distance: SupportsFloat | None = None,
        stop_pct: SupportsFloat | None = None,
        take_profit_distance: SupportsFloat | None = None,
        take_profit_pct: SupportsFloat | None = None,
        exits: ExitOffsets | None = None,
    ) -> None:
        # strategies build intents from numpy values too: any real number is taken as a
        # float, anything else (a bool, a string, a missing value) is refused by name
        self.symbol = symbol
        self.direction = direction
        self.quantity = optional_real(quantity, "quantity")
        self.notional = optional_real(notional, "notional")
        self.weight = optional_real(weight, "weight")
        self.confidence = real(confidence, "confidence")
        self.stop_loss = optional_real(stop_loss, "stop_loss")
        self.take_profit = optional_real(take_profit, "take_profit")
        self.rationale = rationale
        none = (exits is None and stop_distance is None and stop_pct is None
                and take_profit_distance is None and take_profit_pct is None)
        self.exits = None if none else exit_offsets_of(
            self.stop_loss, self.take_profit, exits, stop_distance, stop_pct,
            take_profit_distance, take_profit_pct)

    @classmethod
    def long(
        cls, symbol: str, *, quantity: SupportsFloat | None = None,
        notional: SupportsFloat | None = None, weight: SupportsFloat | None = None,
        confidence: SupportsFloat = 1.0, stop_loss: SupportsFloat | None = None,
        take_profit: SupportsFloat | None = None, rationale: tuple[str, ...] = (),
        stop_distance: SupportsFloat | None = None, stop_pct: SupportsFloat | None = None,
        take_profit_distance: SupportsFloat | None = None,
        take_profit_pct: SupportsFloat | None = None,
    ) -> Intent:
        """Go (or stay) long ``symbol``; the keywords are the constructor's, checked by name."""
        return cls(symbol, Direction.LONG, quantity, notional, weight, confidence, stop_loss,
                   take_profit, rationale, stop_distance=stop_distance, stop_pct=stop_pct,
                   take_profit_distance=take_profit_distance, take_profit_pct=take_profit_pct)

    @classmethod
    def short(
        cls, symbol: str, *, quantity: SupportsFloat | None = None,
        notional: SupportsFloat | None = None, weight: SupportsFloat | None = None,
        confidence: SupportsFloat = 1.0, stop_loss: SupportsFloat | None = None,
        take_profit: SupportsFloat | None = None, rationale: tuple[str, ...] = (),
        stop_distance: SupportsFloat | None = None, stop_pct: SupportsFloat | None = None,
        take_profit_distance: SupportsFloat | None = None,
        take_profit_pct: SupportsFloat | None = None,
    ) -> Intent:
        """Go (or stay) short ``symbol``; the keywords are the constructor's, checked by name."""
        return cls(symbol, Direction.SHORT, quantity, notional, weight, confidence, stop_loss,
                   take_profit, rationale, stop_distance=stop_distance, stop_pct=stop_pct,
                   take_profit_distance=take_profit_distance, take_profit_pct=take_profit_pct)

    @classmethod
    def flat(cls, symbol: str, *rationale: str) -> Intent:
        return cls(symbol, Direction.FLAT, rationale=tuple(rationale))

    def __eq__(self, other: object) -> bool:
        # written out (not generated) because the engine compares a strategy's new intent
        # with its last one on every change: compiled, this is a few nanoseconds
        if type(other) is not Intent:
            return NotImplemented
        return (
            self.direction is other.direction
            and self.symbol == other.symbol
            and self.quantity == other.quantity
            and self.notional == other.notional
            and self.weight == other.weight
            and self.confidence == other.confidence
            and self.stop_loss == other.stop_loss
            and self.take_profit == other.take_profit
            and self.rationale == other.rationale
            and self.exits == other.exits
        )

    def __hash__(self) -> int:
        return hash((self.symbol, self.direction, self.quantity, self.notional, self.weight,
                     self.confidence, self.stop_loss, self.take_profit, self.rationale,
                     self.exits))


@dataclass(slots=True, init=False, unsafe_hash=True)
class OrderRequest:
    """An order the pipeline asks an ``Execution`` to work.

    The pipeline takes ``client_order_id`` from the store: ``<run prefix>-<counter>``, at
    most 36 characters of ``[A-Za-z0-9_-]`` with the ``-sl`` / ``-tp`` a venue adds for
    bracket legs (``core.client_ids``); a backtest rerun sends the same ids. An ``Execution``
    answers a known id with the order filed under it: a request sent twice is one order.
    ``reference_price``: the close the pipeline priced the order at (a simulator fills
    signal-close orders and checks cash at it; a venue may ignore it).
    ``exit_offsets``: a stop / target measured from the fill, made prices (the bracket legs)
    when the order fills; it stands in for ``stop_loss`` / ``take_profit`` where they are
    ``None``.
    """

    client_order_id: Final[str]
    symbol: Final[str]
    side: Final[Side]
    quantity: Final[float]
    order_type: Final[OrderType]
    limit_price: Final[float | None]
    stop_price: Final[float | None]
    time_in_force: Final[TimeInForce]
    reduce_only: Final[bool]
    strategy_id: Final[str]
    stop_loss: Final[float | None]
    take_profit: Final[float | None]
    oco_group: Final[str | None]
    created_ns: Final[int]
    reference_price: Final[float | None]
    exit_offsets: Final[ExitOffsets | None]

    def __init__(
        self,
        client_order_id: str,
        symbol: str,
        side: Side,
        quantity: float,
        order_type: OrderType = OrderType.MARKET,
        limit_price: float | None = None,
        stop_price: float | None = None,
        time_in_force: TimeInForce = TimeInForce.GTC,
        reduce_only: bool = False,
        strategy_id: str = "",
        stop_loss: float | None = None,
        take_profit: float | None = None,
        oco_group: str | None = None,
        created_ns: int = 0,
        reference_price: float | None = None,
        exit_offsets: ExitOffsets | None = None,
    ) -> None:
        self.client_order_id = client_order_id
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.order_type = order_type
        self.limit_price = limit_price
        self.stop_price = stop_price
        self.time_in_force = time_in_force
        self.reduce_only = reduce_only
        self.strategy_id = strategy_id
        self.stop_loss = stop_loss
        self.take_profit = take_profit
        self.oco_group = oco_group
        self.created_ns = created_ns
        self.reference_price = reference_price
        self.exit_offsets = exit_offsets


@dataclass(slots=True, init=False, unsafe_hash=True)
class Order:
    """The known state of one order, as the execution side reports it."""

    request: Final[OrderRequest]
    status: Final[OrderStatus]
    filled_quantity: Final[float]
    average_price: Final[float | None]
    venue_order_id: Final[str | None]
    reason: Final[str | None]
    updated_ns: Final[int]

    def __init__(
        self,
        request: OrderRequest,
        status: OrderStatus,
        filled_quantity: float = 0.0,
        average_price: float | None = None,
        venue_order_id: str | None = None,
        reason: str | None = None,
        updated_ns: int = 0,
    ) -> None:
        self.request = request
        self.status = status
        self.filled_quantity = filled_quantity
        self.average_price = average_price
        self.venue_order_id = venue_order_id
        self.reason = reason
        self.updated_ns = updated_ns

    @property
    def client_order_id(self) -> str:
        return self.request.client_order_id

    @property
    def remaining(self) -> float:
        return self.request.quantity - self.filled_quantity


@dataclass(slots=True, init=False, unsafe_hash=True)
class Fill:
    """One execution; ``execution_id`` is unique per venue and deduplicates fills."""

    execution_id: Final[str]
    client_order_id: Final[str]
    symbol: Final[str]
    side: Final[Side]
    quantity: Final[float]
    price: Final[float]
    fee: Final[float]
    ts_ns: Final[int]
    strategy_id: Final[str]
    liquidity: Final[str]

    def __init__(
        self,
        execution_id: str,
        client_order_id: str,
        symbol: str,
        side: Side,
        quantity: float,
        price: float,
        fee: float,
        ts_ns: int,
        strategy_id: str = "",
        liquidity: str = "taker",
    ) -> None:
        self.execution_id = execution_id
        self.client_order_id = client_order_id
        self.symbol = symbol
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.ts_ns = ts_ns
        self.strategy_id = strategy_id
        self.liquidity = liquidity


@dataclass(slots=True, init=False, unsafe_hash=True)
class Position:
    """Net position in one symbol: positive quantity is long, negative is short."""

    symbol: Final[str]
    quantity: Final[float]
    average_price: Final[float]
    realized_pnl: Final[float]

    def __init__(
        self,
        symbol: str,
        quantity: float,
        average_price: float,
        realized_pnl: float = 0.0,
    ) -> None:
        self.symbol = symbol
        self.quantity = quantity
        self.average_price = average_price
        self.realized_pnl = realized_pnl

    @property
    def is_flat(self) -> bool:
        return self.quantity == 0.0


@dataclass(slots=True, init=False, unsafe_hash=True)
class AccountSnapshot:
    """Balances as the execution side reports them."""

    cash: Final[float]
    equity: Final[float]
    margin_used: Final[float]
    currency: Final[str]
    positions: Final[tuple[Position, ...]]

    def __init__(
        self,
        cash: float,
        equity: float,
        margin_used: float = 0.0,
        currency: str = "USD",
        positions: tuple[Position, ...] = (),
    ) -> None:
        self.cash = cash
        self.equity = equity
        self.margin_used = margin_used
        self.currency = currency
        self.positions = positions

