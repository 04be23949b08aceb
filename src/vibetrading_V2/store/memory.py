"""``InMemoryStateStore``: the ``StateStore`` port held in Python lists and dicts.

Backtests and unit tests need the record-then-act trail without a file. This store has
exactly the API and the write checks of ``SqliteStateStore``; it just forgets on exit.
Its transactions make nothing more durable, but a rollback drops what they covered, as
SQLite's does.
Every row is stamped with ``recorded_ns`` from the run's clock (``recorded_ns(table)``).

A backtest of a year of minutes books close to a million orders, so the rows are kept
compactly and rebuilt when read: a row's ``recorded_ns`` is kept as its distance from the
row's own time, in runs of equal values (``IntRuns``; in a backtest all are 0), an intent
is its three fields in three columns, and an
order's two usual first states have no ``Order`` object of their own: an in-flight row is
its request alone, the accepted row that follows it its venue order id alone (see
``record_order``).
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Sequence
from typing import Final, TypeAlias

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.id_index import IdIndex
from vibetrading_V2.core.ports import Clock, StateStore
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, OrderStatus, Position
from vibetrading_V2.store.issued_ids import IssuedId, IssuedIds
from vibetrading_V2.store.records import (
    RECORDED_TABLES,
    IntentRecord,
    VetoRecord,
    check_fill,
    check_intent,
    check_no_nan,
    check_order,
    unknown_table,
)
from vibetrading_V2.store.runs import IntRuns, TextRuns

__all__ = ["InMemoryStateStore"]

_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT  # module constants: enum attribute access is slow
_NEW: Final = OrderStatus.NEW

OrderRow: TypeAlias = Order | OrderRequest | str
"""One row of the order history: the ``Order``; or, for an in-flight order stamped at its
request's ``created_ns``, the request alone; or, for the accepted (NEW) state right after
such a row of the same request, its venue order id alone (its time in ``_accepted_ns``
when it is not the request's ``created_ns``)."""


class InMemoryStateStore(StateStore):
    """Intents, orders (latest state and history), deduplicated fills, positions, vetoes,
    controls.

    Read accessors return fresh lists in recording order; ``orders()`` lists each client
    order id once, at the position it was first recorded, in its latest state. ``clock``:
    the run's clock, which stamps each row's ``recorded_ns`` (0 without one). ``id_seed``
    names the run for its client order ids (``IssuedIds``; a backtest's config hash); the
    ids it issued stay issued through a rollback.
    """

    def __init__(self, clock: Clock | None = None, id_seed: str = "memory") -> None:
        # the clock's reading, bound once: a call through the port looks the method up
        # by name on every row, and a backtest records five rows an order
        self._now_ns: Callable[[], int] | None = None if clock is None else clock.now_ns
        self._ids = IssuedIds(id_seed)
        # recorded_ns of each row, per table but controls (kept by key), in row order, less
        # the row's own time (an intent's, veto's or fill's ts_ns, an order's updated_ns):
        # as runs of equal values, a backtest's (its clock stands at the bar's time) are one
        self._intents_ns = IntRuns()
        self._orders_ns = IntRuns()
        self._fills_ns = IntRuns()
        self._vetoes_ns = IntRuns()
        self._recorded: dict[str, IntRuns] = dict(zip(
            RECORDED_TABLES[:-1],
            (self._intents_ns, self._orders_ns, self._fills_ns, self._vetoes_ns),
            strict=True,
        ))
        self._control_recorded: dict[str, int] = {}
        # the intents as three columns (an IntentRecord each would be most of their size)
        self._intent_ts: array[int] = array("q")
        self._intent_strategies = TextRuns()
        self._intent_list: list[Intent] = []
        self._order_rows: list[OrderRow] = []
        self._accepted_ns: dict[int, int] = {}  # row -> updated_ns, where not created_ns
        # the latest state per client order id, folded in from the history when read (an
        # order is recorded three times or more; the write path only appends)
        self._orders: dict[str, Order] = {}
        self._folded = 0
        # fills in order, and where each execution id is among them (4-8 bytes a fill,
        # where a set of the ids would take ~40)
        self._fills: list[Fill] = []
        self._fill_ids = _FillIds(self._fills)
        self._vetoes: list[VetoRecord] = []
        self._controls: dict[str, str] = {}
        self._positions: dict[str, Position] = {}
        self._checked_request: OrderRequest | None = None  # last request that passed
        # what begin() saw: row counts per list, copies of the controls (None: no transaction)
        self._mark: list[int] | None = None
        self._mark_controls: dict[str, str] = {}
        self._mark_control_recorded: dict[str, int] = {}
        self._mark_positions: dict[str, Position] = {}

    # --- the StateStore port -------------------------------------------------------------

    def record_intent(self, ts_ns: int, strategy_id: str, intent: Intent) -> None:
        check_intent(intent)
        self._intent_ts.append(ts_ns)
        self._intent_strategies.append(strategy_id)
        self._intent_list.append(intent)
        self._intents_ns.append(self._now() - ts_ns)

    def record_order(self, order: Order) -> None:
        """Append ``order`` to the history; its usual first two states without an object.

        An in-flight order (nothing filled, no venue id, reason or average price) stamped
        at its request's ``created_ns`` is kept as the request; its accepted state (NEW,
        nothing else changed but the venue id and the time), when recorded right after it,
        as the venue id. Both are rebuilt, equal, when read.
        """
        check_order(order, self._checked_request)
        request = order.request
        self._checked_request = request
        rows = self._order_rows
        row: OrderRow = order
        if (
            order.filled_quantity == 0.0
            and order.average_price is None
            and order.reason is None
            and type(order) is Order
        ):
            status = order.status
            venue_id = order.venue_order_id
            if status is _IN_FLIGHT and venue_id is None and order.updated_ns == request.created_ns:
                row = request
            elif status is _NEW and venue_id is not None and rows and rows[-1] is request:
                row = venue_id
                if order.updated_ns != request.created_ns:
                    self._accepted_ns[len(rows)] = order.updated_ns
        rows.append(row)
        self._orders_ns.append(self._now() - order.updated_ns)

    def record_fill(self, fill: Fill) -> bool:
        check_fill(fill)
        fills = self._fills
        if self._fill_ids.add(fill.execution_id, len(fills)) >= 0:
            return False
        fills.append(fill)
        self._fills_ns.append(self._now() - fill.ts_ns)
        return True

    def record_veto(
        self, ts_ns: int, strategy_id: str, symbol: str, reasons: Sequence[str]
    ) -> None:
        self._vetoes.append(VetoRecord(ts_ns, strategy_id, symbol, tuple(reasons)))
        self._vetoes_ns.append(self._now() - ts_ns)

    def record_position(self, position: Position) -> None:
        check_no_nan("position", position)
        self._positions[position.symbol] = position

    def set_control(self, key: str, value: str) -> None:
        self._controls[key] = value
        self._control_recorded[key] = self._now()

    def get_control(self, key: str) -> str | None:
        return self._controls.get(key)

    def client_id_for(self, ts_ns: int, strategy_id: str, intent: Intent) -> str | None:
        return self._ids.find(ts_ns, strategy_id, intent)

    def issue_client_id(self, ts_ns: int, strategy_id: str, intent: Intent) -> str:
        return self._ids.issue(ts_ns, strategy_id, intent)

    def client_id_owner(self, client_order_id: str) -> IssuedId | None:
        """What ``client_order_id`` was issued for (the id -> intent, strategy map)."""
        return self._ids.owner(client_order_id)

    # --- transactions: nothing to make durable, but a rollback drops what it covers ------

    def begin(self) -> None:
        if self._mark is not None:
            raise StateStoreError(
                "a state store transaction is already open",
                hint="commit or roll back the open transaction first",
            )
        self._mark = [len(self._intent_list), len(self._order_rows), len(self._fills),
                      len(self._vetoes)]
        self._mark_controls = dict(self._controls)
        self._mark_control_recorded = dict(self._control_recorded)
        self._mark_positions = dict(self._positions)

    def commit(self) -> None:
        if self._mark is None:
            raise StateStoreError(
                "commit without an open state store transaction", hint="call begin() first"
            )
        self._mark = None

    def rollback(self) -> None:
        mark = self._mark
        if mark is None:
            return
        self._mark = None
        n_intents, n_history, n_fills, n_vetoes = mark[0], mark[1], mark[2], mark[3]
        for k in range(len(self._fills) - 1, n_fills - 1, -1):
            self._fill_ids.forget(k)
        del self._intent_ts[n_intents:]
        self._intent_strategies.truncate(n_intents)
        del self._intent_list[n_intents:]
        del self._order_rows[n_history:]
        if self._accepted_ns:
            for row in [k for k in self._accepted_ns if k >= n_history]:
                del self._accepted_ns[row]
        del self._fills[n_fills:]
        del self._vetoes[n_vetoes:]
        self._intents_ns.truncate(n_intents)
        self._orders_ns.truncate(n_history)
        self._fills_ns.truncate(n_fills)
        self._vetoes_ns.truncate(n_vetoes)
        if self._folded > n_history:  # the latest states folded in dropped rows: refold
            self._orders = {}
            self._folded = 0
        self._controls = self._mark_controls
        self._control_recorded = self._mark_control_recorded
        self._positions = self._mark_positions

    # --- read accessors for reports, reconciliation and tests ----------------------------

    def intents(self) -> list[IntentRecord]:
        return [
            IntentRecord(ts_ns, strategy_id, intent)
            for ts_ns, strategy_id, intent in zip(
                self._intent_ts, self._intent_strategies.tolist(), self._intent_list,
                strict=True,
            )
        ]

    def orders(self) -> list[Order]:
        return list(self._latest().values())

    def order(self, client_order_id: str) -> Order | None:
        return self._latest().get(client_order_id)

    def open_orders(self) -> list[Order]:
        return [o for o in self._latest().values() if not o.status.is_terminal]

    def order_history(self, client_order_id: str | None = None) -> list[Order]:
        rows = self._order_rows
        if client_order_id is None:
            return [self._row_order(k) for k in range(len(rows))]
        return [
            order
            for k in range(len(rows))
            if (order := self._row_order(k)).client_order_id == client_order_id
        ]

    def fills(self) -> list[Fill]:
        return list(self._fills)

    def has_fill(self, execution_id: str) -> bool:
        return self._fill_ids.find(execution_id) >= 0

    def positions(self) -> list[Position]:
        """The latest recorded position of each symbol, by symbol."""
        return [self._positions[symbol] for symbol in sorted(self._positions)]

    def vetoes(self) -> list[VetoRecord]:
        return list(self._vetoes)

    def controls(self) -> dict[str, str]:
        return dict(sorted(self._controls.items()))

    def recorded_ns(self, table: str) -> list[int]:
        """When each row of ``table`` was written, on the run's clock, in the row order of
        its accessor (``order_history`` for every order row, ``controls`` by key)."""
        if table == "controls":
            return [self._control_recorded[key] for key in sorted(self._controls)]
        if table not in self._recorded:
            raise unknown_table(table)
        return [t + offset for t, offset in zip(self._row_times(table),
                                                self._recorded[table].tolist(), strict=True)]

    def _now(self) -> int:
        now_ns = self._now_ns
        return 0 if now_ns is None else now_ns()

    def _latest(self) -> dict[str, Order]:
        """Each order's latest state, in the order the ids were first recorded."""
        rows, latest = self._order_rows, self._orders
        for k in range(self._folded, len(rows)):
            order = self._row_order(k)
            latest[order.client_order_id] = order
        self._folded = len(rows)
        return latest

    def _row_times(self, table: str) -> list[int]:
        """The own time of each row of ``table`` (see ``_recorded``)."""
        if table == "intents":
            return list(self._intent_ts)
        if table == "fills":
            return [fill.ts_ns for fill in self._fills]
        if table == "vetoes":
            return [veto.ts_ns for veto in self._vetoes]
        return [self._row_order(k).updated_ns for k in range(len(self._order_rows))]

    def _row_order(self, k: int) -> Order:
        """Row ``k`` of the order history as the ``Order`` recorded (see ``OrderRow``)."""
        row = self._order_rows[k]
        if isinstance(row, Order):
            return row
        if isinstance(row, OrderRequest):
            return Order(row, _IN_FLIGHT, updated_ns=row.created_ns)
        request = self._order_rows[k - 1]  # its in-flight row: record_order made sure
        assert isinstance(request, OrderRequest)
        updated_ns = self._accepted_ns.get(k, request.created_ns)
        return Order(request, _NEW, venue_order_id=row, updated_ns=updated_ns)

    def close(self) -> None:
        """Nothing to release; present so both stores can be closed the same way."""

    def __enter__(self) -> InMemoryStateStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


class _FillIds(IdIndex):
    """The store's execution ids, read from its fills."""

    def __init__(self, fills: list[Fill]) -> None:
        super().__init__()
        self._fills = fills

    def key_at(self, position: int) -> str:
        return self._fills[position].execution_id
