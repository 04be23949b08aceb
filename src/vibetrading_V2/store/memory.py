"""``InMemoryStateStore``: the ``StateStore`` port held in Python lists and dicts.

Backtests and unit tests need the record-then-act trail without a file. This store has
exactly the API and the write checks of ``SqliteStateStore``; it just forgets on exit.
Its transactions make nothing more durable, but a rollback drops what they covered, as
SQLite's does.
Every row is stamped with ``recorded_ns`` from the run's clock (``recorded_ns(table)``).
"""

from __future__ import annotations

from collections.abc import Sequence

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.ports import Clock, StateStore
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, Position
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

__all__ = ["InMemoryStateStore"]


class InMemoryStateStore(StateStore):
    """Intents, orders (latest state and history), deduplicated fills, positions, vetoes,
    controls.

    Read accessors return fresh lists in recording order; ``orders()`` lists each client
    order id once, at the position it was first recorded, in its latest state. ``clock``:
    the run's clock, which stamps each row's ``recorded_ns`` (0 without one).
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock
        # recorded_ns of each row, per table but controls (kept by key), in row order
        self._recorded: dict[str, list[int]] = {t: [] for t in RECORDED_TABLES[:-1]}
        self._control_recorded: dict[str, int] = {}
        self._intents: list[IntentRecord] = []
        self._order_history: list[Order] = []
        # the latest state per client order id, folded in from the history when read (an
        # order is recorded three times or more; the write path only appends)
        self._orders: dict[str, Order] = {}
        self._folded = 0
        # fills in order, and their ids: a set takes a new id with fewer cache misses than a
        # dictionary (one table, probed in place), and the fills need no look-up by id
        self._fills: list[Fill] = []
        self._fill_ids: set[str] = set()
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
        self._intents.append(IntentRecord(ts_ns, strategy_id, intent))
        self._recorded["intents"].append(self._now())

    def record_order(self, order: Order) -> None:
        check_order(order, self._checked_request)
        self._checked_request = order.request
        self._order_history.append(order)
        self._recorded["order_history"].append(self._now())

    def record_fill(self, fill: Fill) -> bool:
        check_fill(fill)
        ids = self._fill_ids
        n_ids = len(ids)
        ids.add(fill.execution_id)  # one look-up: the set grows only for a new id
        if len(ids) == n_ids:
            return False
        self._fills.append(fill)
        self._recorded["fills"].append(self._now())
        return True

    def record_veto(
        self, ts_ns: int, strategy_id: str, symbol: str, reasons: Sequence[str]
    ) -> None:
        self._vetoes.append(VetoRecord(ts_ns, strategy_id, symbol, tuple(reasons)))
        self._recorded["vetoes"].append(self._now())

    def record_position(self, position: Position) -> None:
        check_no_nan("position", position)
        self._positions[position.symbol] = position

    def set_control(self, key: str, value: str) -> None:
        self._controls[key] = value
        self._control_recorded[key] = self._now()

    def get_control(self, key: str) -> str | None:
        return self._controls.get(key)

    # --- transactions: nothing to make durable, but a rollback drops what it covers ------

    def begin(self) -> None:
        if self._mark is not None:
            raise StateStoreError(
                "a state store transaction is already open",
                hint="commit or roll back the open transaction first",
            )
        self._mark = [len(self._intents), len(self._order_history), len(self._fills),
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
        for fill in self._fills[n_fills:]:
            self._fill_ids.discard(fill.execution_id)
        del self._intents[n_intents:]
        del self._order_history[n_history:]
        del self._fills[n_fills:]
        del self._vetoes[n_vetoes:]
        recorded = self._recorded
        del recorded["intents"][n_intents:]
        del recorded["order_history"][n_history:]
        del recorded["fills"][n_fills:]
        del recorded["vetoes"][n_vetoes:]
        if self._folded > n_history:  # the latest states folded in dropped rows: refold
            self._orders = {}
            self._folded = 0
        self._controls = self._mark_controls
        self._control_recorded = self._mark_control_recorded
        self._positions = self._mark_positions

    # --- read accessors for reports, reconciliation and tests ----------------------------

    def intents(self) -> list[IntentRecord]:
        return list(self._intents)

    def orders(self) -> list[Order]:
        return list(self._latest().values())

    def order(self, client_order_id: str) -> Order | None:
        return self._latest().get(client_order_id)

    def open_orders(self) -> list[Order]:
        return [o for o in self._latest().values() if not o.status.is_terminal]

    def order_history(self, client_order_id: str | None = None) -> list[Order]:
        if client_order_id is None:
            return list(self._order_history)
        return [o for o in self._order_history if o.client_order_id == client_order_id]

    def fills(self) -> list[Fill]:
        return list(self._fills)

    def has_fill(self, execution_id: str) -> bool:
        return execution_id in self._fill_ids

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
        return list(self._recorded[table])

    def _now(self) -> int:
        clock = self._clock
        return 0 if clock is None else clock.now_ns()

    def _latest(self) -> dict[str, Order]:
        """Each order's latest state, in the order the ids were first recorded."""
        history, latest = self._order_history, self._orders
        for k in range(self._folded, len(history)):
            order = history[k]
            latest[order.client_order_id] = order
        self._folded = len(history)
        return latest

    def close(self) -> None:
        """Nothing to release; present so both stores can be closed the same way."""

    def __enter__(self) -> InMemoryStateStore:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
