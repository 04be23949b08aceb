"""A paper or live run's state, rebuilt from its store before the first event.

A restarted run must go on from where the last one stopped, not from nothing: the ledger
books the stored fills again (in their recorded order, each execution id once) and a paper
session's top-ups at their places among them (so its cash is the uninterrupted run's to
the last bit: a float sum depends on its order), a strategy
its circuit breaker disabled stays disabled (with its reason) until an operator re-enables
it, and a simulated venue takes back its orders, positions and cash. The risk gate's state
and the operator's kill switch come back through ``RiskStateKeeper.restore`` and
``OperatorControls.start``, which the engine calls right after.

The result, a ``LocalState``, is what this run knows locally; reconciliation compares it
with what the venue says (``TradingEngine.local_state`` once the run started, or
``TradingEngine.rebuild()`` before).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Protocol, runtime_checkable

from vibetrading_V2.core.client_ids import is_bracket_leg
from vibetrading_V2.core.ports import ExecutionUpdates, Logger
from vibetrading_V2.core.types import Fill, Intent, Order, OrderRequest, OrderStatus, Position
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.safety import StrategyBreaker

__all__ = [
    "DISABLED_PREFIX",
    "LocalState",
    "RestorableVenue",
    "StoredState",
    "rebuild_local_state",
]

DISABLED_PREFIX: Final = "strategy_disabled:"
"""The control key prefix under which a strategy's circuit breaker records why it opened;
an operator re-enables the strategy by clearing that control."""


class IntentView(Protocol):
    """Why: the fields of a recorded intent a rebuild reads (``store.IntentRecord``)."""

    @property
    def ts_ns(self) -> int: ...

    @property
    def strategy_id(self) -> str: ...

    @property
    def intent(self) -> Intent: ...


@runtime_checkable
class StoredState(Protocol):
    """Why: the reads a rebuild needs of a durable store (both stores have them)."""

    def intents(self) -> Sequence[IntentView]: ...

    def fills(self) -> list[Fill]: ...

    def orders(self) -> list[Order]: ...

    def controls(self) -> dict[str, str]: ...


@runtime_checkable
class VenueRecord(Protocol):
    """Why: a paper session's store also keeps the simulated venue's working orders."""

    def venue_orders(self) -> list[Order] | None: ...

    def venue_checkpoint_ns(self) -> int | None: ...


@runtime_checkable
class DepositRecord(Protocol):
    """Why: a paper session's top-ups are booked where the run booked them, among the fills."""

    def deposit_places(self) -> list[tuple[int, float]]: ...


@runtime_checkable
class ResumeRecord(Protocol):
    """Why: a session stopped between an intent and its order trades that bar again, so
    that intent is not the last one acted on."""

    def resume_after_ns(self, checkpoint_ns: int | None) -> int | None: ...


@runtime_checkable
class RestorableVenue(Protocol):
    """Why: a simulated venue forgets everything with its process; it takes its orders,
    positions and cash back from the run's record (a real venue keeps its own)."""

    def restore_venue(
        self, orders: Sequence[Order], fills: Sequence[Fill], working: Sequence[Order] | None,
        deposits: Sequence[tuple[int, float]] = (),
    ) -> None: ...

    def submit(self, request: OrderRequest) -> Order: ...

    @property
    def update_count(self) -> int: ...

    def updates(self, cursor: int) -> ExecutionUpdates: ...


@runtime_checkable
class OrderRecord(Protocol):
    """Why: an order resent after a restart has its answer recorded like any other."""

    def record_order(self, order: Order) -> None: ...


@runtime_checkable
class FillEventRecord(Protocol):
    """Why: a resent order's fills land with its answer, in one transaction (a durable
    store's ``record_fill_with_order``)."""

    def record_fill_with_order(self, fill: Fill, order: Order | None) -> bool: ...

    def begin(self) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


@dataclass(frozen=True, slots=True)
class LocalState:
    """What a run knows locally after its rebuild: the venue's state is compared with it.

    Why it exists: reconciliation needs one read-only picture of the local record, taken
    before the first strategy callback, not the live objects it would race with.
    ``orders``: every recorded order in its latest state, first recorded first;
    ``fills``: every recorded fill once, in recording order; ``positions``: the ledger's
    net positions after booking them; ``disabled``: strategy id -> why it is disabled;
    ``last_intents``: (strategy id, symbol) -> the intent last acted on, unless a bracket
    exit has closed what it opened since (the engine acts only on a changed output).
    """

    fills: tuple[Fill, ...] = ()
    orders: tuple[Order, ...] = ()
    positions: tuple[Position, ...] = ()
    disabled: Mapping[str, str] = field(default_factory=dict)
    last_intents: Mapping[tuple[str, str], Intent] = field(default_factory=dict)

    @property
    def open_orders(self) -> tuple[Order, ...]:
        """The recorded orders not yet in a final state (working, in flight, cancelling)."""
        return tuple(o for o in self.orders if not o.status.is_terminal)

    @property
    def is_empty(self) -> bool:
        return not (self.fills or self.orders or self.disabled)


def rebuild_local_state(
    store: object,
    ledger: Ledger,
    venue: object,
    breakers: Sequence[tuple[str, StrategyBreaker]],
    logger: Logger,
) -> LocalState:
    """Book the stored fills and top-ups into ``ledger``, restore ``venue`` (if it is a
    simulated one) and re-open the disabled strategies' breakers; return the state rebuilt.

    A store without the reads (``StoredState``) gives an empty state and changes nothing.
    """
    if not isinstance(store, StoredState):
        return LocalState()
    stored = store.fills()
    fills = _unique_fills(stored)
    deposits = _deposit_places(store, stored) if isinstance(store, DepositRecord) else []
    recorded = store.orders()
    working = _venue_working(store, recorded) if isinstance(store, VenueRecord) else None
    unsent = _never_sent(recorded, working) if isinstance(venue, RestorableVenue) else []
    if unsent:  # the simulated venue takes them below, as the dead process was about to
        recorded = [o for o in recorded if o not in unsent]
    disabled = {
        key.removeprefix(DISABLED_PREFIX): reason
        for key, reason in store.controls().items()
        if key.startswith(DISABLED_PREFIX) and reason
    }
    booked = _book_in_order(ledger, fills, deposits)
    if isinstance(venue, RestorableVenue) and (recorded or fills or working or deposits):
        venue.restore_venue(recorded, fills, working, deposits)
    if isinstance(venue, RestorableVenue) and unsent:
        recorded, resent = _send_again(store, venue, recorded, unsent, logger)
        booked += ledger.restore_fills(resent)  # the session's own: at their bars' rows
        fills = (*fills, *resent)
    orders = _with_venue_orders(recorded, working or [])
    for strategy_id, breaker in breakers:
        reason = disabled.get(strategy_id)
        if reason is not None:
            breaker.restore_disabled(reason)
            logger.warning("strategy_still_disabled", strategy=strategy_id, reason=reason,
                           hint=f"clear the control {DISABLED_PREFIX}{strategy_id} to "
                           "re-enable it")
    last = _last_intents(_acted_intents(store), fills, ledger)
    state = LocalState(fills, orders, tuple(ledger.positions()), disabled, last)
    if not state.is_empty:
        logger.info("state_rebuilt", fills=booked, orders=len(orders),
                    open_orders=len(state.open_orders), positions=len(state.positions),
                    disabled=sorted(disabled), cash=ledger.cash())
    return state


def _deposit_places(store: DepositRecord, stored: Sequence[Fill]) -> list[tuple[int, float]]:
    """The recorded top-ups as (how many of the fills booked precede it, amount): the
    store counts its fill rows, the ledger books each execution id once."""
    places = store.deposit_places()
    if not places:
        return []
    seen: set[str] = set()
    unique_before = [0]
    for fill in stored:
        seen.add(fill.execution_id)
        unique_before.append(len(seen))
    return [(unique_before[min(before, len(stored))], amount) for before, amount in places]


def _book_in_order(ledger: Ledger, fills: Sequence[Fill],
                   deposits: Sequence[tuple[int, float]]) -> int:
    """Book ``fills`` with each deposit at its place among them; return the fills booked."""
    booked = start = 0
    for before, amount in deposits:
        booked += ledger.restore_fills(fills[start:before])
        start = max(start, before)
        ledger.deposit(amount)
    return booked + ledger.restore_fills(fills[start:])


def _acted_intents(store: StoredState) -> Sequence[IntentView]:
    """The recorded intents, less those of a bar the session trades again."""
    records = store.intents()
    if not (isinstance(store, ResumeRecord) and isinstance(store, VenueRecord)):
        return records
    until = store.resume_after_ns(store.venue_checkpoint_ns())
    return records if until is None else [r for r in records if r.ts_ns <= until]


def _last_intents(
    records: Sequence[IntentView], fills: Sequence[Fill], ledger: Ledger
) -> dict[tuple[str, str], Intent]:
    """Each strategy's last recorded intent per symbol, less those a bracket exit ended
    (a stop or target leg filled at or after it and left the strategy flat there)."""
    last: dict[tuple[str, str], tuple[int, Intent]] = {}
    for record in records:
        last[(record.strategy_id, record.intent.symbol)] = (record.ts_ns, record.intent)
    for fill in fills:
        key = (fill.strategy_id, fill.symbol)
        ended = (key in last and is_bracket_leg(fill.client_order_id)
                 and fill.ts_ns >= last[key][0] and ledger.strategy_quantity(*key) == 0.0)
        if ended:
            del last[key]
    return {key: intent for key, (_, intent) in last.items()}


def _venue_working(store: VenueRecord, recorded: list[Order]) -> list[Order] | None:
    """The venue's working orders at its last checkpoint less those recorded ended since
    (a leg cancelled before an exit), and the recorded orders it accepted after it (a run
    killed between two checkpoints); ``None``: no checkpoint."""
    snapshot = store.venue_orders()
    since = store.venue_checkpoint_ns()
    if snapshot is None or since is None:
        return None
    ended = {order.client_order_id for order in recorded if order.status.is_terminal}
    snapshot = [o for o in snapshot if o.client_order_id not in ended]  # ended since
    known = {order.client_order_id for order in snapshot}
    later = [
        order for order in recorded
        if order.request.created_ns > since and order.client_order_id not in known
        and not order.status.is_terminal and order.status is not OrderStatus.IN_FLIGHT
    ]
    return snapshot + later


def _never_sent(recorded: Sequence[Order], working: Sequence[Order] | None) -> list[Order]:
    """The orders recorded in flight that the simulated venue's checkpoint does not hold.

    The simulator lives in the run's process: its answer to an order recorded in flight was
    lost with the process (killed between the record and the send, or before the answer's
    record), and the venue's checkpoint, taken after each bar, cannot hold it either (nor
    can a checkpoint never taken: ``working`` is ``None`` when the first bar died).
    """
    held = {order.client_order_id for order in working or ()}
    return [o for o in recorded
            if o.status is OrderStatus.IN_FLIGHT and o.client_order_id not in held]


def _send_again(store: object, venue: RestorableVenue, recorded: list[Order],
                unsent: Sequence[Order], logger: Logger) -> tuple[list[Order], list[Fill]]:
    """Send ``unsent`` to the simulated venue under their own client ids, record each
    answer with the fills it came with; the recorded orders with those answers in their
    places, and those fills (the dead process's, at their bars: not this start's first)."""
    answers: dict[str, Order] = {}
    resent: list[Fill] = []
    for order in unsent:
        before = venue.update_count
        answer = venue.submit(order.request)
        fills = [f for f in venue.updates(before).fills
                 if f.client_order_id == answer.client_order_id]
        if _record_answer(store, answer, fills):
            resent.extend(fills)  # else the run's first drain records and books them
        answers[answer.client_order_id] = answer
        logger.info("order_sent_after_restart", client_order_id=answer.client_order_id,
                    status=str(answer.status), fills=len(fills))
    merged = [answers.pop(o.client_order_id, o) for o in recorded] + list(answers.values())
    return merged, resent


def _record_answer(store: object, answer: Order, fills: Sequence[Fill]) -> bool:
    """Record a resent order's ``answer`` and its ``fills`` together (one transaction);
    whether the fills were recorded."""
    if fills and isinstance(store, FillEventRecord):
        store.begin()
        try:
            for fill in fills:
                store.record_fill_with_order(fill, answer if fill is fills[-1] else None)
        except BaseException:
            store.rollback()
            raise
        store.commit()
        return True
    if isinstance(store, OrderRecord):
        store.record_order(answer)
    return False


def _with_venue_orders(recorded: list[Order], working: list[Order]) -> tuple[Order, ...]:
    """The recorded orders, each in the newer of its recorded and its venue state, then the
    orders only the venue knew of (a bracket's legs before they fill)."""
    merged = list(recorded)
    place = {order.client_order_id: k for k, order in enumerate(merged)}
    for order in working:
        k = place.get(order.client_order_id)
        if k is None:
            merged.append(order)
        elif order.updated_ns >= merged[k].updated_ns and not merged[k].status.is_terminal:
            merged[k] = order
    return tuple(merged)


def _unique_fills(fills: Sequence[Fill]) -> tuple[Fill, ...]:
    """Each execution id once, at its first place (the store keys fills by venue, account
    and execution id: one account's store holds each id once, an adopted one maybe not)."""
    seen: set[str] = set()
    unique: list[Fill] = []
    for fill in fills:
        if fill.execution_id not in seen:
            seen.add(fill.execution_id)
            unique.append(fill)
    return tuple(unique)
