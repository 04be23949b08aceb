"""Reconciliation beyond the order table: positions, external orders, fills, failed reads."""

from __future__ import annotations

import pytest

from tests.unit.reconcile_helpers import GRACE, NOW, PRICE, Rig, fill, request
from vibetrading_V2.core.enums import OrderStatus, Side
from vibetrading_V2.core.types import Order
from vibetrading_V2.runner.reconcile import Discrepancy, Reconciler, ReconcileReport

# venue position, local position -> the mismatch's kind (nothing explains it)
MISMATCHES = {
    "long": (2.0, 0.0),
    "short": (-1.0, 0.0),
    "flat": (0.0, 1.5),
    "flip": (-1.0, 1.0),
}


def _found(report: ReconcileReport) -> list[Discrepancy]:
    """The discrepancies but the cash balance's (these venues' cash is left at zero)."""
    return [d for d in report.discrepancies if d.kind != "balance"]


def _held_here(rig: Rig, quantity: float) -> None:
    """A local position of ``quantity`` BTC, from one recorded fill the venue also lists."""
    side = Side.BUY if quantity > 0 else Side.SELL
    req = request("s1-BTC-0", side=side, quantity=abs(quantity))
    rig.book_fill(fill("old:1", req, abs(quantity)))


@pytest.mark.parametrize("kind", sorted(MISMATCHES))
def test_reconcile_when_position_differs_and_no_fill_explains_it_then_trading_is_blocked(
    kind: str,
) -> None:
    rig = Rig()
    venue_qty, local_qty = MISMATCHES[kind]
    if local_qty:
        _held_here(rig, local_qty)
    rig.venue.hold("BTC", venue_qty)

    report = rig.reconciler.run(NOW)

    assert [(d.kind, d.subject, d.blocks) for d in _found(report)] == [
        (f"position_{kind}", "BTC", True)]
    assert report.blocked is not None and "position of BTC" in report.blocked
    assert f"({kind})" in report.blocked and "trading is blocked" in report.blocked
    assert rig.blocks == [report.blocked]
    assert rig.ledger.net_quantity("BTC") == local_qty  # nothing guessed into the ledger
    assert "trading_blocked_by_reconciliation" in rig.logger.events("error")


@pytest.mark.parametrize("kind", sorted(MISMATCHES))
def test_reconcile_when_missing_fills_explain_the_position_then_they_are_booked(
    kind: str,
) -> None:
    rig = Rig()
    venue_qty, local_qty = MISMATCHES[kind]
    if local_qty:
        _held_here(rig, local_qty)
    rig.venue.hold("BTC", venue_qty)
    move = venue_qty - local_qty  # one fill the stream lost makes up the difference
    req = request("s1-BTC-9", side=Side.BUY if move > 0 else Side.SELL, quantity=abs(move))
    rig.venue.fill(fill("lost:1", req, abs(move)))

    report = rig.reconciler.run(NOW)

    assert rig.ledger.net_quantity("BTC") == venue_qty
    assert report.blocked is None
    found = {(d.kind, d.subject) for d in _found(report)}
    assert found == {("fill_missing", "lost:1"), (f"position_{kind}", "BTC")}
    explained = [d for d in _found(report) if d.subject == "BTC"]
    assert explained[0].resolution == "explained by 1 missing fill(s), booked"


def test_reconcile_when_venue_lists_a_fill_twice_then_it_is_booked_once() -> None:
    rig = Rig()
    req = request("s1-BTC-1")
    rig.venue.fill(fill("e1", req, 2.0))
    rig.venue.fill(fill("e1", req, 2.0))
    rig.venue.hold("BTC", 2.0)

    report = rig.reconciler.run(NOW)

    assert rig.ledger.net_quantity("BTC") == 2.0
    assert [d.subject for d in _found(report) if d.kind == "fill_missing"] == ["e1"]
    assert report.blocked is None


def test_reconcile_when_venue_has_an_order_unknown_here_then_it_is_adopted_not_cancelled(
) -> None:
    rig = Rig()
    theirs = request("manual-42", side=Side.SELL, quantity=3.0)
    rig.venue.put(Order(theirs, OrderStatus.NEW, 0.0, None, "v-9", None, theirs.created_ns))

    report = rig.reconciler.run(NOW)

    assert [(d.kind, d.subject) for d in _found(report)] == [
        ("external_order", "manual-42")]
    assert rig.status("manual-42") is OrderStatus.NEW  # recorded, left working
    assert rig.venue.known["manual-42"].status is OrderStatus.NEW
    assert report.blocked is None
    assert _found(rig.reconciler.run(NOW)) == []  # known from now on


def test_reconcile_when_venue_placed_a_leg_of_our_order_then_it_is_recorded_as_ours() -> None:
    rig = Rig()
    entry = request("s1-BTC-1")
    rig.local(entry, OrderStatus.FILLED, 2.0)
    rig.venue.put(Order(entry, OrderStatus.FILLED, 2.0, PRICE, "v-1", None, NOW))
    rig.venue.fill(fill("s1-BTC-1:1", entry, 2.0))
    rig.venue.hold("BTC", 2.0)
    stop = request("s1-BTC-1-sl", side=Side.SELL)
    rig.venue.put(Order(stop, OrderStatus.NEW, 0.0, None, "v-2", None, NOW))

    report = rig.reconciler.run(NOW)

    assert [(d.kind, d.subject) for d in _found(report)] == [("venue_leg", "s1-BTC-1-sl")]
    assert rig.status("s1-BTC-1-sl") is OrderStatus.NEW
    assert report.blocked is None


def test_reconcile_when_in_flight_order_is_unknown_past_the_grace_then_rejected_not_resent(
) -> None:
    rig = Rig()
    req = request("s1-BTC-1", age_ns=GRACE + 1)
    rig.local(req, OrderStatus.IN_FLIGHT)

    report = rig.reconciler.run(NOW)

    order = rig.store.order("s1-BTC-1")
    assert order is not None and order.status is OrderStatus.REJECTED
    assert order.reason == "not_at_venue"
    assert [d.kind for d in _found(report)] == ["never_reached_venue"]
    assert rig.venue.known == {}  # an AccountView: nothing can have been sent


def test_reconcile_when_in_flight_order_appears_later_then_its_outcome_is_resolved() -> None:
    rig = Rig()
    req = request("s1-BTC-1")
    rig.local(req, OrderStatus.IN_FLIGHT)
    first = rig.reconciler.run(NOW)
    rig.venue.put(Order(req, OrderStatus.FILLED, 2.0, PRICE, "v-1", None, NOW))
    rig.venue.fill(fill("e1", req, 2.0))
    rig.venue.hold("BTC", 2.0)

    second = rig.reconciler.run(NOW)

    assert [d.kind for d in _found(first)] == ["outcome_unknown"]
    assert {d.kind for d in _found(second)} == {"outcome_resolved", "fill_missing",
                                                      "position_long"}
    assert rig.status("s1-BTC-1") is OrderStatus.FILLED
    assert rig.ledger.net_quantity("BTC") == 2.0


def test_reconcile_when_venue_query_fails_then_trading_blocks_until_a_read_succeeds() -> None:
    rig = Rig()
    _held_here(rig, 1.0)
    rig.venue.hold("BTC", 1.0)
    rig.venue.failing = True

    failed = rig.reconciler.run(NOW)
    again = rig.reconciler.run(NOW + 1)
    rig.venue.failing = False
    healed = rig.reconciler.run(NOW + 2)

    assert failed.blocked is not None and "could not be read" in failed.blocked
    assert "TransientVenueError" in failed.blocked
    assert [d.kind for d in _found(failed)] == ["venue_query_failed"]
    assert rig.ledger.net_quantity("BTC") == 1.0  # never read as flat
    assert again.blocked == failed.blocked and _found(again) == []
    assert healed.blocked is None
    assert rig.blocks == [failed.blocked, None]
    assert "trading_unblocked_by_reconciliation" in rig.logger.events("warning")


def test_reconcile_when_cash_differs_then_it_is_recorded_and_blocks_nothing() -> None:
    rig = Rig()
    rig.venue.cash = -0.25  # a funding payment the stream never reported

    report = rig.reconciler.run(NOW)

    assert [(d.kind, d.blocks) for d in report.discrepancies] == [("balance", False)]
    assert report.blocked is None
    assert rig.reconciler.run(NOW).discrepancies == ()
    assert rig.reconciler.records == list(report.discrepancies)


class _Durable:
    """A local record with a place for discrepancies (``DiscrepancyLog``) over a ``Rig``'s."""

    def __init__(self, rig: Rig) -> None:
        self._rig = rig
        self.kept: list[tuple[int, str, str, str, bool]] = []

    def open_orders(self) -> list[Order]:
        return self._rig.store.open_orders()

    def order(self, client_order_id: str) -> Order | None:
        return self._rig.store.order(client_order_id)

    def has_fill(self, execution_id: str) -> bool:
        return self._rig.store.has_fill(execution_id)

    def record_order(self, order: Order) -> None:
        self._rig.store.record_order(order)

    def record_discrepancy(self, ts_ns: int, kind: str, subject: str, resolution: str,
                           blocks: bool) -> None:
        self.kept.append((ts_ns, kind, subject, resolution, blocks))


def test_reconcile_when_record_has_a_place_for_discrepancies_then_each_is_kept_there_once(
) -> None:
    rig = Rig()
    durable = _Durable(rig)
    reconciler = Reconciler(venue=rig.venue, record=durable, book=rig.ledger,
                            book_fill=rig.book_fill, logger=rig.logger, grace_ns=GRACE)
    rig.venue.hold("BTC", 1.0)

    reconciler.run(NOW)
    reconciler.run(NOW + 1)

    assert [(k[1], k[2], k[4]) for k in durable.kept] == [("position_long", "BTC", True)]
    assert durable.kept[0][3].startswith("position of BTC: 0 here, 1 at the venue (long)")
