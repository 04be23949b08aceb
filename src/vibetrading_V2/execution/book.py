"""The simulator's order book: every order by client id, and the indexes matching needs.

Matching walks one symbol's orders per bar and resolves OCO groups; keeping those lists
here, beside the id index, keeps ``observe_bar`` to one dictionary look-up when idle.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.id_index import IdIndex
from vibetrading_V2.core.ports import ExecutionUpdates
from vibetrading_V2.core.types import Order, OrderRequest, OrderStatus
from vibetrading_V2.execution.orders import WorkingOrder
from vibetrading_V2.execution.update_log import UpdateLog

__all__ = ["Known", "OrderBook", "report_of"]

Known = WorkingOrder | Order
"""What the book keeps of an order: the working record, or the final report once ended."""


def report_of(known: Known) -> Order:
    """The ``Order`` report of what the book keeps of an order."""
    return known if isinstance(known, Order) else known.to_order()


class OrderBook:
    """All orders of one simulator: by id, working ones in submission order, per symbol.

    Per-symbol lists may still hold orders that ended elsewhere (an OCO cancel, a
    ``cancel`` call); matching skips them and ``compact`` drops them.

    Every order is kept in creation order, its place filed under its id in an ``IdIndex``
    (4-8 bytes an order, not a set's ~40); once it ends only its final report is kept, so
    its working record (the largest object of an order) is freed and its memory reused by
    the next one. Orders are found by id through the latest filled one, the working ones,
    then that index. ``log`` is the update stream: the book notes there every order it
    starts or ends; the filler notes fills and other changes.
    """

    def __init__(self) -> None:
        self._all: list[Known] = []  # an order's place is its seq - 1
        self._places = _OrderPlaces(self._all)
        self._working: dict[str, WorkingOrder] = {}
        self._by_symbol: dict[str, list[WorkingOrder]] = {}
        self._groups: dict[str, list[WorkingOrder]] = {}
        self._seq = 0
        # the order of the latest fill: its report is asked for right after the fill
        self._recent: WorkingOrder | None = None
        self.log = UpdateLog()

    def get(self, client_order_id: str) -> Known | None:
        """The working record of an order, its final report if it ended, or ``None``."""
        recent = self._recent
        if recent is not None and recent.request.client_order_id is client_order_id:
            return recent
        working = self._working.get(client_order_id)
        if working is not None:
            return working
        place = self._places.find(client_order_id)
        return self._all[place] if place >= 0 else None

    def filled(self, order: WorkingOrder) -> None:
        """Note ``order`` as the one that filled last (``get`` looks there first)."""
        self._recent = order

    def create(self, request: OrderRequest, arm_after_ns: int, now_ns: int) -> WorkingOrder:
        """Record a new order (status NEW) the simulator makes itself (a bracket leg)."""
        order = WorkingOrder(request, arm_after_ns, now_ns)
        if self.admit(order) is not order:
            raise ExecutionError(
                f"cannot create order {request.client_order_id!r}: the id is already used",
                field="client_order_id",
                hint="ids ending in '-sl' or '-tp' are the bracket legs of an order; do not "
                "submit such ids yourself",
            )
        return order

    def admit(self, order: WorkingOrder) -> Known:
        """File a new ``order`` under its client id and number it, unless the id is known.

        Returns the order filed under the id: ``order`` itself, or the one that came first
        (then ``order`` is dropped); ``activate`` makes it work.
        """
        orders = self._all
        place = self._places.add(order.request.client_order_id, len(orders))
        if place >= 0:
            return orders[place]
        orders.append(order)
        self._seq += 1
        order.number(self._seq)
        return order

    def reinstate(self, known: Known) -> None:
        """File an order taken back after a restart (``venue_restore``), with no update:
        an ended one as its report, a working one working again. Its id must be new."""
        orders = self._all
        request = known.request
        if self._places.add(request.client_order_id, len(orders)) >= 0:
            raise ExecutionError(
                f"cannot restore order {request.client_order_id!r} twice",
                field="client_order_id",
                hint="restore a simulator once, from one store's orders",
            )
        orders.append(known)
        self._seq += 1
        if isinstance(known, WorkingOrder):
            known.seq = self._seq
            self._working[request.client_order_id] = known
            _append(self._by_symbol, request.symbol, known)
            if request.oco_group is not None:
                _append(self._groups, request.oco_group, known)

    def updates_since(self, cursor: int) -> ExecutionUpdates:
        """The fills and changed orders (latest state) after ``cursor`` of the log."""
        log = self.log
        count = log.count
        if not 0 <= cursor <= count:
            raise ExecutionError(
                f"cannot read updates after cursor {cursor}: the simulator has {count} updates",
                field="cursor",
                hint="pass 0, or the cursor of this simulator's previous ``updates``",
            )
        orders: list[Order] = []
        for cid in log.changed_since(cursor):
            known = self.get(cid)
            if known is not None:
                orders.append(report_of(known))
        return ExecutionUpdates(count, log.fills_since(cursor), orders)

    def every(self) -> Sequence[Known]:
        """Every order, working or ended, in creation order."""
        return self._all

    def activate(self, order: WorkingOrder) -> None:
        request = order.request
        self.log.order_changed(request.client_order_id)
        self._working[request.client_order_id] = order
        _append(self._by_symbol, request.symbol, order)
        if request.oco_group is not None:
            _append(self._groups, request.oco_group, order)

    def finish(
        self, order: WorkingOrder, status: OrderStatus, reason: str | None, ts_ns: int
    ) -> None:
        order.end(status, reason, ts_ns)
        cid = order.request.client_order_id
        self.log.order_changed(cid)
        if cid in self._working:  # (dict.pop with a default is a generic call when compiled)
            del self._working[cid]
        # keep only the final report (the working record lives on while the matching
        # lists, a bracket leg or the latest fill still refer to it)
        report = order.to_order()
        place = order.seq - 1
        if 0 <= place < len(self._all) and self._all[place] is order:
            self._all[place] = report

    @property
    def has_working(self) -> bool:
        return bool(self._working)

    def working(self) -> Iterable[WorkingOrder]:
        """Working orders in submission (creation) order."""
        return self._working.values()

    def of_symbol(self, symbol: str) -> list[WorkingOrder] | None:
        """The live list of ``symbol``'s orders (may contain finished ones); do not keep it."""
        return self._by_symbol.get(symbol)

    def group(self, name: str) -> Sequence[WorkingOrder]:
        return self._groups.get(name, ())

    def compact(self, symbol: str) -> None:
        """Drop finished orders from ``symbol``'s list (in place) and from their groups."""
        orders = self._by_symbol.get(symbol)
        if orders is None:
            return
        working = 0
        for order in orders:
            if order.is_working:
                working += 1
                continue
            group = order.request.oco_group
            if group is not None and group in self._groups:
                members = [m for m in self._groups[group] if m.is_working]
                if members:
                    self._groups[group] = members
                else:
                    del self._groups[group]
        if working == 0:
            orders.clear()  # the usual case: the symbol's one order has filled
        elif working < len(orders):
            orders[:] = [o for o in orders if o.is_working]


def _append(lists: dict[str, list[WorkingOrder]], key: str, order: WorkingOrder) -> None:
    """``lists.setdefault(key, []).append(order)``, without a new empty list every call."""
    members = lists.get(key)
    if members is None:
        lists[key] = [order]
    else:
        members.append(order)


class _OrderPlaces(IdIndex):
    """The book's client order ids, read from its orders (working record or report)."""

    def __init__(self, orders: list[Known]) -> None:
        super().__init__()
        self._orders = orders

    def key_at(self, position: int) -> str:
        known = self._orders[position]
        if isinstance(known, WorkingOrder):
            return known.request.client_order_id
        return known.request.client_order_id
