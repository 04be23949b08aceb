"""What reconciliation decides for one order or one position: pure rules, no I/O.

The venue is the truth. For an order the local record still calls working, the venue's
answer (an open order, or a query by client order id) decides. "Cancel pending" is a
working order whose cancel was requested but not yet confirmed. The table (``judge_order``):

================  ===================  ==============  ==============  ============  ============
local \\ venue     not found            open (new)      cancelled       filled        partly filled
================  ===================  ==============  ==============  ============  ============
submitted         stays in flight      adopt           adopt           adopt         adopt
(in flight)       (grace); past the
                  grace: rejected
                  ``not_at_venue``
accepted (new)    BLOCK order_lost     agree           adopt           adopt         adopt
partly filled     BLOCK order_lost     BLOCK fewer     adopt           adopt         adopt (if
                                       fills                                         no fewer)
cancel pending    adopt cancelled      agree (cancel   adopt           adopt (the    adopt, cancel
                  (gone: the cancel    still pending)                  fill won)     still pending
                  took)
================  ===================  ==============  ==============  ============  ============

"Adopt" records the venue's status, filled quantity and price on the local order (its
request, hence its strategy, stays ours); the fills themselves are booked from the venue's
fill list, deduplicated by execution id. Any venue answer with *fewer* filled than the
local record holds cannot be explained (fills we booked that the venue does not know of):
it blocks trading. An in-flight order is never re-sent: within ``grace_ns`` of its
creation a venue that does not know it yet keeps it in flight; past it, the venue never
got it, and it ends rejected with reason ``not_at_venue`` (a new intent makes a new order).

A venue order the local record does not know is adopted as external (recorded, never
cancelled). Positions (``judge_position``) are compared per symbol after the missing fills
are booked: equal means agreed (or explained by those fills); otherwise the mismatch is
``long`` / ``short`` (the venue holds that side, locally flat or a different size),
``flat`` (the venue holds nothing) or ``flip`` (opposite sides), and it blocks trading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from vibetrading_V2.core.enums import OrderStatus
from vibetrading_V2.core.types import Order

__all__ = [
    "ADOPT",
    "BLOCK",
    "KEEP",
    "OrderVerdict",
    "adopted",
    "judge_order",
    "judge_position",
    "same_quantity",
]

ADOPT: Final = "adopt"  # record the venue's state locally
KEEP: Final = "keep"  # leave the local state as it is (noted)
BLOCK: Final = "block"  # cannot be explained: trading stops until it is

_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT
_NEW: Final = OrderStatus.NEW
_PARTLY: Final = OrderStatus.PARTIALLY_FILLED


@dataclass(frozen=True, slots=True)
class OrderVerdict:
    """What to do about one order whose local and venue states differ.

    Why it exists: the rule (``judge_order``) stays pure and testable cell by cell; the
    reconciler applies it and records ``kind`` and ``resolution`` as the discrepancy.
    """

    action: str
    kind: str
    resolution: str
    order: Order | None = None  # the state to record (``ADOPT``)


def same_quantity(a: float, b: float) -> bool:
    """Equal up to float noise of sums of fills (1e-9 relative, 1e-12 absolute)."""
    return abs(a - b) <= max(1e-12, 1e-9 * max(abs(a), abs(b)))


def adopted(local: Order, venue: Order) -> Order:
    """The venue's state of ``local``'s order, on our request (strategy, intent, id)."""
    return Order(local.request, venue.status, venue.filled_quantity, venue.average_price,
                 venue.venue_order_id, venue.reason, venue.updated_ns)


def judge_order(
    local: Order, venue: Order | None, *, cancel_requested: bool, now_ns: int, grace_ns: int,
) -> OrderVerdict | None:
    """The table's cell for a working local order; ``None`` when both sides agree."""
    if venue is None:
        return _not_found(local, cancel_requested=cancel_requested, now_ns=now_ns,
                          grace_ns=grace_ns)
    if venue.filled_quantity < local.filled_quantity and not same_quantity(
            venue.filled_quantity, local.filled_quantity):
        return OrderVerdict(
            BLOCK, "fewer_fills_at_venue",
            f"order {local.client_order_id}: filled {local.filled_quantity:g} here, "
            f"{venue.filled_quantity:g} at the venue; fills were booked that the venue does "
            "not know; check the venue's trade history, then correct the store")
    if venue.status is local.status and same_quantity(venue.filled_quantity,
                                                      local.filled_quantity):
        return None
    if local.status is _IN_FLIGHT:
        kind = "outcome_resolved"
    elif cancel_requested and venue.status.is_terminal:
        kind = "cancel_confirmed" if venue.status is OrderStatus.CANCELLED else "cancel_lost"
    else:
        kind = f"order_{venue.status}"
    return OrderVerdict(ADOPT, kind, f"adopted the venue's state: {venue.status}, filled "
                        f"{venue.filled_quantity:g}", adopted(local, venue))


def _not_found(
    local: Order, *, cancel_requested: bool, now_ns: int, grace_ns: int,
) -> OrderVerdict | None:
    """The venue does not know a working local order (the table's first column)."""
    cid = local.client_order_id
    if local.status is _IN_FLIGHT:
        if now_ns - local.request.created_ns <= grace_ns:
            return OrderVerdict(KEEP, "outcome_unknown",
                                f"order {cid} stays in flight until the venue knows it; "
                                "never re-sent")
        gone = Order(local.request, OrderStatus.REJECTED, local.filled_quantity,
                     local.average_price, local.venue_order_id, "not_at_venue", now_ns)
        return OrderVerdict(ADOPT, "never_reached_venue",
                            f"order {cid} is not at the venue past the grace: rejected "
                            "not_at_venue; never re-sent", gone)
    if cancel_requested:
        gone = Order(local.request, OrderStatus.CANCELLED, local.filled_quantity,
                     local.average_price, local.venue_order_id, "cancel_confirmed_by_absence",
                     now_ns)
        return OrderVerdict(ADOPT, "cancel_confirmed",
                            f"order {cid} is gone from the venue: its cancel took", gone)
    return OrderVerdict(
        BLOCK, "order_lost",
        f"order {cid} was {local.status} here but the venue does not know it; check the "
        "venue's order history, then correct the store")


def judge_position(symbol: str, local: float, venue: float) -> OrderVerdict | None:
    """A net position that still differs after the missing fills were booked, or ``None``."""
    if same_quantity(local, venue):
        return None
    if local != 0.0 and venue != 0.0 and (local > 0.0) != (venue > 0.0):
        kind = "flip"
    elif venue == 0.0:
        kind = "flat"
    else:
        kind = "long" if venue > 0.0 else "short"
    return OrderVerdict(
        BLOCK, f"position_{kind}",
        f"position of {symbol}: {local:g} here, {venue:g} at the venue ({kind}); no fill "
        "explains it; trading is blocked until the venue and the store agree")
