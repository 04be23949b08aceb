"""Reconciliation: read the venue's account, adopt what it says, record every difference.

One pass (``Reconciler.run``) reads the venue through the ``AccountView`` port: its open
orders, a query by client order id for every order the local record calls working but the
venue does not list as open, its positions, its balances and its fills since the last
successful pass (0 after a start: all it still has). Any failure of those reads blocks
trading: a venue that cannot be read is never taken for "flat", and the block holds until
a pass reads it whole. A pass that did read it:

1. books every venue fill whose execution id the local record lacks (``book``: record,
   then the ledger), each execution id once however often the venue lists it;
2. settles each working local order by the table of ``reconcile_rules``;
3. records each open venue order the local record does not know: a leg the venue placed
   for one of our orders (``<id>-sl`` / ``<id>-tp``, a bracket's stop and target) as ours,
   any other as external (never cancelled: someone else placed it, and cancelling it is
   theirs to decide);
4. compares each symbol's net position with the venue's: a mismatch the booked fills
   explain is recorded as explained, one they do not blocks trading; a different cash
   balance is recorded (fees, funding and transfers happen at the venue) but blocks nothing.

Every difference becomes a ``Discrepancy`` (kind, subject, resolution), logged, kept in
``records`` and, where the local record has a place for them (``DiscrepancyLog``: the
SQLite store's ``discrepancies`` table), recorded there too, in one transaction with the
orders and fills the pass recorded to resolve them (a store with ``begin``/``commit``); one
still standing at the next pass (an order kept in flight, a block) is not recorded again,
so a second pass over the same venue state changes and records nothing.
Trading is unblocked by the first pass that finds nothing blocking.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from vibetrading_V2.core.client_ids import entry_of_leg
from vibetrading_V2.core.order_ports import AccountView
from vibetrading_V2.core.ports import Logger
from vibetrading_V2.core.types import AccountSnapshot, Fill, Order, Position
from vibetrading_V2.runner.reconcile_rules import (
    ADOPT,
    BLOCK,
    OrderVerdict,
    judge_order,
    judge_position,
    same_quantity,
)

__all__ = [
    "Discrepancy",
    "DiscrepancyLog",
    "FillBooker",
    "LocalBook",
    "LocalRecord",
    "ReconcileReport",
    "Reconciler",
    "VenueSnapshot",
    "read_venue",
]

FillBooker = Callable[[Fill], bool]
"""Records then books one fill the local record lacks; ``False`` if it knew it after all."""


class LocalRecord(Protocol):
    """Why: the parts of the state store reconciliation reads and writes (both stores)."""

    def open_orders(self) -> list[Order]: ...

    def order(self, client_order_id: str) -> Order | None: ...

    def has_fill(self, execution_id: str) -> bool: ...

    def record_order(self, order: Order) -> None: ...


@runtime_checkable
class DiscrepancyLog(Protocol):
    """Why: a local record with a durable place for discrepancies keeps them there too."""

    def record_discrepancy(self, ts_ns: int, kind: str, subject: str, resolution: str,
                           blocks: bool) -> None: ...


@runtime_checkable
class Transactional(Protocol):
    """Why: a store whose writes a pass can commit together (``StateStore.begin``)."""

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class LocalBook(Protocol):
    """Why: the parts of the ledger reconciliation compares with the venue."""

    def net_quantity(self, symbol: str) -> float: ...

    def cash(self) -> float: ...

    def positions(self) -> list[Position]: ...


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """One difference between the local record and the venue, and how it was resolved.

    Why it exists: the venue is the truth, but every time it disagrees with us an operator
    must be able to see what differed and what was done about it.
    """

    ts_ns: int
    kind: str
    subject: str  # a client order id, a symbol, an execution id, or "venue"
    resolution: str
    blocks: bool = False


@dataclass(frozen=True, slots=True)
class VenueSnapshot:
    """What one pass read from the venue (every read succeeded).

    Why it exists: the decisions are taken on one consistent read, not on live calls.
    ``queried``: each working local order the venue does not list as open, by client id,
    with the venue's answer to a query for it (``None``: the venue does not know it).
    """

    open_orders: tuple[Order, ...]
    queried: dict[str, Order | None]
    positions: dict[str, float]
    account: AccountSnapshot
    fills: tuple[Fill, ...]
    cursor: int


def read_venue(venue: AccountView, working: Collection[str], cursor: int) -> VenueSnapshot:
    """Read everything a pass needs; any failure propagates (the caller blocks trading)."""
    open_orders = tuple(venue.open_orders())
    listed = {order.client_order_id for order in open_orders}
    queried = {cid: venue.order(cid) for cid in working if cid not in listed}
    positions = {p.symbol: p.quantity for p in venue.positions()}
    account = venue.account()
    updates = venue.updates(cursor)
    return VenueSnapshot(open_orders, queried, positions, account, tuple(updates.fills),
                         updates.cursor)


@dataclass(frozen=True, slots=True)
class ReconcileReport:
    """What one pass did. Why: the caller (start, reconnect, timer) and tests read it."""

    discrepancies: tuple[Discrepancy, ...]
    changed: int  # fills booked plus orders recorded
    blocked: str | None


class Reconciler:
    """Brings the local record (store, ledger) in line with the venue, or blocks trading.

    Why it exists: after a crash, a dropped link or a venue's own action, the local record
    can be wrong; trading on it would trade on guesses.
    """

    def __init__(
        self, *, venue: AccountView, record: LocalRecord, book: LocalBook,
        book_fill: FillBooker, logger: Logger, grace_ns: int,
        cancel_requested: Callable[[], Collection[str]] | None = None,
        on_block: Callable[[str | None], None] | None = None,
    ) -> None:
        self._venue = venue
        self._record = record
        self._book = book
        self._book_fill = book_fill
        self._logger = logger
        self._grace_ns = grace_ns
        self._cancel_requested = cancel_requested
        self._on_block = on_block
        self._cursor = 0  # the venue's fill cursor after the last successful pass
        self._standing: set[tuple[str, str, str]] = set()  # kept / blocking, last pass
        self.records: list[Discrepancy] = []
        self.blocked: str | None = None
        self.passes = 0

    def run(self, now_ns: int) -> ReconcileReport:
        """One pass: read the venue, settle what differs, block or unblock trading."""
        self.passes += 1
        working = {o.client_order_id: o for o in self._record.open_orders()}
        try:
            snapshot = read_venue(self._venue, working, self._cursor)
        except Exception as exc:  # any failure to read: never "flat", block until one works
            found = [Discrepancy(now_ns, "venue_query_failed", "venue",
                                 f"the venue could not be read ({type(exc).__name__}: "
                                 f"{exc}); trading stays blocked until a read succeeds", True)]
            return self._finish(now_ns, found, 0)
        before = {s: self._book.net_quantity(s) for s in {*snapshot.positions, *self._held()}}
        with self._one_transaction():  # each resolution lands with its discrepancy
            found, booked = self._book_missing(now_ns, snapshot.fills)
            changed = len(booked)
            changed += self._settle_orders(now_ns, working, snapshot, found)
            changed += self._adopt_external(now_ns, working, snapshot, found)
            self._compare_positions(now_ns, before, snapshot.positions, booked, found)
            self._compare_cash(now_ns, snapshot.account, found)
            self._cursor = snapshot.cursor
            return self._finish(now_ns, found, changed)

    @contextmanager
    def _one_transaction(self) -> Iterator[None]:
        record = self._record
        if not isinstance(record, Transactional):
            yield
            return
        record.begin()
        try:
            yield
        except BaseException:
            record.rollback()
            raise
        record.commit()

    def _held(self) -> list[str]:
        return [position.symbol for position in self._book.positions()]

    def _book_missing(self, now_ns: int, fills: tuple[Fill, ...]
                      ) -> tuple[list[Discrepancy], list[Fill]]:
        """Book each venue fill the record lacks, each execution id once."""
        found: list[Discrepancy] = []
        booked: list[Fill] = []
        seen: set[str] = set()
        has_fill = self._record.has_fill
        for fill in fills:
            eid = fill.execution_id
            if eid in seen or has_fill(eid):
                continue
            seen.add(eid)
            if self._book_fill(fill):
                booked.append(fill)
                found.append(Discrepancy(
                    now_ns, "fill_missing", eid,
                    f"booked: {fill.side} {fill.quantity:g} {fill.symbol} at {fill.price:g} "
                    f"(order {fill.client_order_id})"))
        return found, booked

    def _settle_orders(self, now_ns: int, working: dict[str, Order], snapshot: VenueSnapshot,
                       found: list[Discrepancy]) -> int:
        """Apply the table to every working local order; the number of orders recorded."""
        listed = {o.client_order_id: o for o in snapshot.open_orders}
        cancelling = set(self._cancel_requested()) if self._cancel_requested else set()
        recorded = 0
        for cid, local in working.items():
            venue = listed[cid] if cid in listed else snapshot.queried.get(cid)
            verdict = judge_order(local, venue, cancel_requested=cid in cancelling,
                                  now_ns=now_ns, grace_ns=self._grace_ns)
            if verdict is None:
                continue
            if verdict.action == ADOPT and verdict.order is not None:
                self._record.record_order(verdict.order)
                recorded += 1
            found.append(_discrepancy(now_ns, cid, verdict))
        return recorded

    def _adopt_external(self, now_ns: int, working: dict[str, Order], snapshot: VenueSnapshot,
                        found: list[Discrepancy]) -> int:
        """Record each open venue order unknown here (our leg, or external); cancel none."""
        adopted = 0
        record = self._record
        for order in snapshot.open_orders:
            cid = order.client_order_id
            if cid in working or record.order(cid) is not None:
                continue
            record.record_order(order)
            adopted += 1
            what = (f"{order.request.side} {order.request.quantity:g} {order.request.symbol}, "
                    f"{order.status}")
            parent = entry_of_leg(cid)
            if parent is not None and (parent in working or record.order(parent) is not None):
                found.append(Discrepancy(now_ns, "venue_leg", cid,
                                         f"recorded: {what}, a leg the venue placed for {parent}"))
            else:
                found.append(Discrepancy(now_ns, "external_order", cid,
                                         f"adopted as external: {what}; left working, "
                                         "never cancelled"))
        return adopted

    def _compare_positions(self, now_ns: int, before: dict[str, float],
                           venue: dict[str, float], booked: list[Fill],
                           found: list[Discrepancy]) -> None:
        """Each symbol's net position against the venue's, after the fills were booked."""
        symbols = sorted({*before, *venue, *self._held()})
        for symbol in symbols:
            theirs = venue.get(symbol, 0.0)
            ours = self._book.net_quantity(symbol)
            verdict = judge_position(symbol, ours, theirs)
            if verdict is not None:
                found.append(_discrepancy(now_ns, symbol, verdict))
                continue
            was = judge_position(symbol, before.get(symbol, 0.0), theirs)
            if was is not None:
                n = sum(1 for fill in booked if fill.symbol == symbol)
                found.append(Discrepancy(now_ns, was.kind, symbol,
                                         f"explained by {n} missing fill(s), booked"))

    def _compare_cash(self, now_ns: int, account: AccountSnapshot,
                      found: list[Discrepancy]) -> None:
        ours = self._book.cash()
        if same_quantity(ours, account.cash):
            return
        found.append(Discrepancy(
            now_ns, "balance", account.currency,
            f"cash {ours:,.2f} here, {account.cash:,.2f} at the venue; recorded (fees, "
            "funding and transfers happen at the venue), blocks nothing"))

    def _finish(self, now_ns: int, found: list[Discrepancy], changed: int) -> ReconcileReport:
        """Record what is new, block or unblock trading, report the pass."""
        standing: set[tuple[str, str, str]] = set()
        new: list[Discrepancy] = []
        for item in found:
            key = (item.kind, item.subject, item.resolution)
            if item.blocks or item.kind in ("outcome_unknown", "balance"):
                standing.add(key)
                if key in self._standing:
                    continue
            new.append(item)
        self._standing = standing
        durable = self._record if isinstance(self._record, DiscrepancyLog) else None
        for item in new:
            self.records.append(item)
            if durable is not None:
                durable.record_discrepancy(item.ts_ns, item.kind, item.subject,
                                           item.resolution, item.blocks)
            log = self._logger.error if item.blocks else self._logger.warning
            log("reconcile_discrepancy", ts_ns=item.ts_ns, kind=item.kind,
                subject=item.subject, resolution=item.resolution, blocks=item.blocks)
        blocking = [item.resolution for item in found if item.blocks]
        self._set_blocked(now_ns, "; ".join(blocking) if blocking else None)
        return ReconcileReport(tuple(new), changed, self.blocked)

    def _set_blocked(self, now_ns: int, reason: str | None) -> None:
        if reason == self.blocked:
            return
        was = self.blocked
        self.blocked = reason
        if reason is not None:
            self._logger.error("trading_blocked_by_reconciliation", ts_ns=now_ns,
                               reason=reason)
        elif was is not None:
            self._logger.warning("trading_unblocked_by_reconciliation", ts_ns=now_ns,
                                 was=was)
        if self._on_block is not None:
            self._on_block(reason)


def _discrepancy(now_ns: int, subject: str, verdict: OrderVerdict) -> Discrepancy:
    return Discrepancy(now_ns, verdict.kind, subject, verdict.resolution,
                       verdict.action == BLOCK)
