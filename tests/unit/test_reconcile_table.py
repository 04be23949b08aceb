"""The reconciliation table: each local order state against each venue answer, in one pass.

Rows: local submitted (in flight) / accepted / partly filled / cancel pending. Columns: the
venue does not know the order / lists it open / cancelled / filled / partly filled. Each
cell's outcome is the one documented in ``runner.reconcile_rules``; a second pass over the
same venue changes and records nothing.
"""

from __future__ import annotations

import pytest

from tests.unit.reconcile_helpers import NOW, PRICE, Rig, fill, request
from vibetrading_V2.core.enums import OrderStatus
from vibetrading_V2.core.types import Order, OrderRequest

IN_FLIGHT, NEW, PARTLY = OrderStatus.IN_FLIGHT, OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED
CANCELLED, FILLED = OrderStatus.CANCELLED, OrderStatus.FILLED
CID = "s1-BTC-1"

LOCAL = {  # row -> (local status, filled here, cancel requested)
    "submitted": (IN_FLIGHT, 0.0, False),
    "accepted": (NEW, 0.0, False),
    "partly_filled": (PARTLY, 1.0, False),
    "cancel_pending": (NEW, 0.0, True),
}
VENUE = {  # column -> (venue status or None: not found, filled at the venue)
    "not_found": (None, None),
    "open": (NEW, 0.0),
    "cancelled": (CANCELLED, None),  # None: as much as the local record holds
    "filled": (FILLED, 2.0),
    "partly_filled": (PARTLY, 1.0),
}
# (row, column) -> (local status after one pass, discrepancy kind or None, trading blocked)
TABLE = {
    ("submitted", "not_found"): (IN_FLIGHT, "outcome_unknown", False),
    ("submitted", "open"): (NEW, "outcome_resolved", False),
    ("submitted", "cancelled"): (CANCELLED, "outcome_resolved", False),
    ("submitted", "filled"): (FILLED, "outcome_resolved", False),
    ("submitted", "partly_filled"): (PARTLY, "outcome_resolved", False),
    ("accepted", "not_found"): (NEW, "order_lost", True),
    ("accepted", "open"): (NEW, None, False),
    ("accepted", "cancelled"): (CANCELLED, "order_cancelled", False),
    ("accepted", "filled"): (FILLED, "order_filled", False),
    ("accepted", "partly_filled"): (PARTLY, "order_partially_filled", False),
    ("partly_filled", "not_found"): (PARTLY, "order_lost", True),
    ("partly_filled", "open"): (PARTLY, "fewer_fills_at_venue", True),
    ("partly_filled", "cancelled"): (CANCELLED, "order_cancelled", False),
    ("partly_filled", "filled"): (FILLED, "order_filled", False),
    ("partly_filled", "partly_filled"): (PARTLY, None, False),
    ("cancel_pending", "not_found"): (CANCELLED, "cancel_confirmed", False),
    ("cancel_pending", "open"): (NEW, None, False),
    ("cancel_pending", "cancelled"): (CANCELLED, "cancel_confirmed", False),
    ("cancel_pending", "filled"): (FILLED, "cancel_lost", False),
    ("cancel_pending", "partly_filled"): (PARTLY, "order_partially_filled", False),
}


def _cell(row: str, column: str) -> Rig:
    """The local record in state ``row``; the venue answering ``column`` (consistent fills)."""
    rig = Rig()
    req = request(CID)
    status, filled_here, cancelling = LOCAL[row]
    rig.local(req, status, filled_here)
    if cancelling:
        rig.cancelling.add(CID)
    venue_status, venue_filled = VENUE[column]
    filled = filled_here if venue_filled is None else venue_filled
    if venue_status is not None:
        rig.venue.put(_venue_order(req, venue_status, filled))
    for k in range(int(filled)):  # the venue's history: one fill per unit, ours among them
        rig.venue.fill(fill(f"{CID}:{k + 1}", req, 1.0))
    if filled:
        rig.venue.hold("BTC", filled, PRICE)
    return rig


def _venue_order(req: OrderRequest, status: OrderStatus, filled: float) -> Order:
    return Order(req, status, filled, PRICE if filled else None, "v-1", None, req.created_ns)


@pytest.mark.parametrize(("row", "column"), sorted(TABLE))
def test_reconcile_when_local_state_meets_venue_answer_then_outcome_is_the_tables(
    row: str, column: str,
) -> None:
    rig = _cell(row, column)
    status, kind, blocked = TABLE[row, column]

    report = rig.reconciler.run(NOW)

    assert rig.status(CID) is status
    kinds = [d.kind for d in report.discrepancies if d.subject == CID]
    assert kinds == ([] if kind is None else [kind])
    assert (report.blocked is not None) is blocked
    held = sum(p.quantity for p in rig.venue.positions())
    if not blocked:  # the fills the venue lists are booked, once each
        assert rig.ledger.net_quantity("BTC") == held


@pytest.mark.parametrize(("row", "column"), sorted(TABLE))
def test_reconcile_when_run_twice_on_the_same_venue_then_second_pass_changes_nothing(
    row: str, column: str,
) -> None:
    rig = _cell(row, column)
    first = rig.reconciler.run(NOW)
    history = rig.store.order_history()
    fills = rig.store.fills()

    second = rig.reconciler.run(NOW)

    assert (second.changed, second.discrepancies) == (0, ())
    assert second.blocked == first.blocked
    assert rig.store.order_history() == history
    assert rig.store.fills() == fills

