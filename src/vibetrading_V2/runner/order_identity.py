"""One order per client id: what the pipeline does when a venue says the id is taken.

A client order id names one order for good. An intent handled again (a restarted session
trading its last bar once more) gets its first id back from the store, and the venue is
asked for that order before anything is sent (``handled_order``). A submit the venue answers
with "duplicate id" or with no answer at all may have placed the order: the venue is
queried by the id and its answer adopted (``submit_once``); never is the order sent again,
under this id or another. Where the query cannot tell, the order stays in flight and
reconciliation settles it.
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.errors import (
    DuplicateClientOrderIdError,
    OrderOutcomeUnknownError,
    OrderRejectedError,
    VenueError,
)
from vibetrading_V2.core.ports import Execution, Logger
from vibetrading_V2.core.types import Order, OrderStatus
from vibetrading_V2.policies.exposure import InFlightOrders

__all__ = ["handled_order", "submit_once"]

_REJECTED: Final = OrderStatus.REJECTED
_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT


def handled_order(execution: Execution, in_flight: InFlightOrders,
                  client_order_id: str) -> Order | None:
    """The order an intent handled before got: the venue's; else, while its outcome is
    unknown, the order in flight. ``None``: it was never sent (its id may be used now)."""
    known = execution.order(client_order_id)
    if known is not None:
        return known
    for request in in_flight.requests():
        if request.client_order_id == client_order_id:
            return Order(request, _IN_FLIGHT, updated_ns=request.created_ns)
    return None


def submit_once(execution: Execution, in_flight: Order, logger: Logger) -> Order:
    """Send ``in_flight``'s request; the venue's answer as an ``Order``.

    A rejection is the rejected order. A duplicate id or an unknown outcome is settled by a
    query by client id: the venue's order if it has one, else ``in_flight`` itself (the
    very object: the outcome is still unknown).
    """
    request = in_flight.request
    try:
        return execution.submit(request)
    except OrderRejectedError as exc:
        return Order(request, _REJECTED, reason=exc.reason or "rejected_by_venue",
                     updated_ns=in_flight.updated_ns)
    except OrderOutcomeUnknownError as exc:
        duplicate = isinstance(exc, DuplicateClientOrderIdError)
        cid = request.client_order_id
        try:
            known = execution.order(cid)
        except VenueError as query:
            logger.warning("order_outcome_unknown", client_order_id=cid, venue=exc.venue,
                           duplicate=duplicate, query_error=str(query.message))
            return in_flight
        logger.warning("order_outcome_unknown", client_order_id=cid, venue=exc.venue,
                       duplicate=duplicate, found=known is not None)
        return in_flight if known is None else known
