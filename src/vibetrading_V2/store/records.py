"""Record types the state stores hand back, and the checks both stores apply on write.

Both stores (memory and SQLite) share these so that dev, paper and live read back the
same shapes and refuse the same bad values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest

__all__ = [
    "RECORDED_TABLES",
    "IntentRecord",
    "VetoRecord",
    "check_fill",
    "check_intent",
    "check_no_nan",
    "check_order",
    "unknown_table",
]

RECORDED_TABLES: Final = ("intents", "order_history", "fills", "vetoes", "controls")
"""The tables whose rows carry ``recorded_ns``: the run's clock time of the write."""


def unknown_table(table: str) -> StateStoreError:
    return StateStoreError(
        f"no table {table!r} with recorded times",
        field="table",
        hint=f"ask for one of {', '.join(RECORDED_TABLES)}",
    )


@dataclass(slots=True, init=False, unsafe_hash=True)
class IntentRecord:
    """An intent as recorded before anything was sized or sent."""

    ts_ns: Final[int]
    strategy_id: Final[str]
    intent: Final[Intent]

    def __init__(
        self,
        ts_ns: int,
        strategy_id: str,
        intent: Intent,
    ) -> None:
        self.ts_ns = ts_ns
        self.strategy_id = strategy_id
        self.intent = intent


@dataclass(slots=True, init=False, unsafe_hash=True)
class VetoRecord:
    """An order or intent the gates refused, with machine-readable reasons."""

    ts_ns: Final[int]
    strategy_id: Final[str]
    symbol: Final[str]
    reasons: Final[tuple[str, ...]]

    def __init__(
        self,
        ts_ns: int,
        strategy_id: str,
        symbol: str,
        reasons: tuple[str, ...],
    ) -> None:
        self.ts_ns = ts_ns
        self.strategy_id = strategy_id
        self.symbol = symbol
        self.reasons = reasons


def check_no_nan(kind: str, value: object) -> None:
    """Raise ``StateStoreError`` if a float field of the dataclass ``value`` is NaN.

    SQLite stores NaN as NULL, which would silently turn a bad number into "no value";
    both stores refuse it instead. Nested dataclasses (an order's request) are checked too.
    Called on every record, so it reads the class's field table directly.
    """
    for name in getattr(type(value), "__dataclass_fields__", ()):
        item = getattr(value, name)
        if item is None or isinstance(item, _SCALARS):
            continue
        if isinstance(item, float):
            if item != item:
                raise StateStoreError(
                    f"refusing to record a {kind} with a NaN {name}",
                    field=name,
                    hint="fix the component that produced the NaN; the store keeps only real "
                    "numbers",
                )
        elif hasattr(type(item), "__dataclass_fields__"):
            check_no_nan(kind, item)


_SCALARS: Final = (str, int, tuple)  # str covers StrEnum members, int covers bool


# The three record kinds the stores write on every intent, order and fill. NaN is the only
# value unequal to itself, so one comparison per field clears the usual all-real record;
# anything suspicious (a NaN, an object unequal to itself, a subclass) takes the full check
# above, which alone decides and words the error. Every field is compared, not only the
# float ones, so a NaN float in a field typed otherwise is caught as the full check would.
# (Only a nested dataclass where the types allow none is not looked into.)


def check_intent(intent: Intent) -> None:
    """``check_no_nan("intent", intent)``, fast for an ordinary intent."""
    i = intent
    if (
        type(i) is not Intent
        or i.symbol != i.symbol
        or i.direction != i.direction
        or i.quantity != i.quantity
        or i.notional != i.notional
        or i.weight != i.weight
        or i.confidence != i.confidence
        or i.stop_loss != i.stop_loss
        or i.take_profit != i.take_profit
        or i.rationale != i.rationale
        or i.exits is not None  # offsets from the fill: nested, the full check looks in
    ):
        check_no_nan("intent", intent)


def check_order(order: Order, checked_request: OrderRequest | None = None) -> None:
    """``check_no_nan("order", order)``, fast for an ordinary order and its request.

    ``checked_request``: a request that already passed (requests are immutable, and an
    order is recorded several times with the same one); it is not compared again.
    """
    o = order
    r = o.request
    if (
        type(o) is not Order
        or o.status != o.status
        or o.filled_quantity != o.filled_quantity
        or o.average_price != o.average_price
        or o.venue_order_id != o.venue_order_id
        or o.reason != o.reason
        or o.updated_ns != o.updated_ns
    ) or (
        r is not checked_request
        and (
            type(r) is not OrderRequest
            or r.client_order_id != r.client_order_id
            or r.symbol != r.symbol
            or r.side != r.side
            or r.quantity != r.quantity
            or r.order_type != r.order_type
            or r.limit_price != r.limit_price
            or r.stop_price != r.stop_price
            or r.time_in_force != r.time_in_force
            or r.reduce_only != r.reduce_only
            or r.strategy_id != r.strategy_id
            or r.stop_loss != r.stop_loss
            or r.take_profit != r.take_profit
            or r.oco_group != r.oco_group
            or r.created_ns != r.created_ns
            or r.reference_price != r.reference_price
            or r.exit_offsets is not None  # nested: the full check looks in
        )
    ):
        check_no_nan("order", order)


def check_fill(fill: Fill) -> None:
    """``check_no_nan("fill", fill)``, fast for an ordinary fill."""
    f = fill
    if (
        type(f) is not Fill
        or f.execution_id != f.execution_id
        or f.client_order_id != f.client_order_id
        or f.symbol != f.symbol
        or f.side != f.side
        or f.quantity != f.quantity
        or f.price != f.price
        or f.fee != f.fee
        or f.ts_ns != f.ts_ns
        or f.strategy_id != f.strategy_id
        or f.liquidity != f.liquidity
    ):
        check_no_nan("fill", fill)
