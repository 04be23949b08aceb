"""The ports every order passes through, as base classes: ``Execution`` and ``StateStore``.

Every intent that becomes an order calls these a dozen times (record, submit, fill,
record again). They are base classes rather than ``Protocol`` s so that compiled code
calls a compiled adapter (the simulator, the in-memory store) directly, as a compiled
method, instead of looking the method up by name on every call; an adapter states the
port it fills by subclassing it. Adapters written in plain Python subclass them too
(``allow_interpreted_subclasses``) and are called the ordinary way.

``Execution`` is an ``OrderGateway`` (what is sent) that is also an ``AccountView`` (what
is known). Compiled classes inherit from one base only: mypyc's traits, its way around
that, call the trait's own method from compiled code even where a plain-Python subclass
overrides it. So ``Execution`` subclasses ``OrderGateway`` and declares the view's methods
again, and ``AccountView`` is a ``Protocol`` that every ``Execution`` fills.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from mypy_extensions import mypyc_attr

from vibetrading_V2.core.types import AccountSnapshot, Fill, Intent, Order, OrderRequest, Position

__all__ = [
    "NEEDS_BAR",
    "NEEDS_CLOSE",
    "NEEDS_NOTHING",
    "AccountView",
    "BarPrices",
    "BarWatch",
    "Execution",
    "ExecutionUpdates",
    "OrderGateway",
    "PositionBook",
    "StateStore",
    "StoreTransaction",
]


NEEDS_NOTHING: Final = 0
"""``OrderGateway.bar_need``: a bar of the symbol changes nothing at the gateway."""
NEEDS_CLOSE: Final = 1
"""``OrderGateway.bar_need``: only the bar's time and close (``observe_close``: a mark)."""
NEEDS_BAR: Final = 2
"""``OrderGateway.bar_need``: the whole bar (``observe_bar``: orders to match)."""


class BarPrices(Protocol):
    """One bar of one symbol, its fields read when needed (a ``Bar``, or the engine's view).

    A gateway that matches orders on bars reads the open of every bar it matches orders
    against, and the high, low or volume only for the orders that need them: most bars
    need few fields.
    """

    @property
    def symbol(self) -> str: ...

    @property
    def ts_ns(self) -> int: ...

    @property
    def open(self) -> float: ...

    @property
    def high(self) -> float: ...

    @property
    def low(self) -> float: ...

    @property
    def close(self) -> float: ...

    @property
    def volume(self) -> float: ...


@dataclass(slots=True, init=False)
class ExecutionUpdates:
    """What changed at the execution since a cursor: the answer of ``updates(cursor)``.

    Exists so every event of the engine can pick up fills and order changes, whenever they
    arrive, without taking them from another reader. ``cursor``: pass it back next time.
    ``orders``: each order that changed since the cursor, once, in its latest state.
    Read-only (``Final``); the ``__init__`` is written out because a compiled frozen
    dataclass takes about a microsecond to build, and the engine builds one per order.
    """

    cursor: Final[int]
    fills: Final[list[Fill]]
    orders: Final[list[Order]]

    def __init__(self, cursor: int, fills: list[Fill], orders: list[Order]) -> None:
        self.cursor = cursor
        self.fills = fills
        self.orders = orders


@mypyc_attr(allow_interpreted_subclasses=True)
class OrderGateway(metaclass=ABCMeta):
    """Where orders are sent: a simulator or a real venue.

    Exists so the pipeline sends orders the same way in every environment. The port is
    synchronous: each call returns the venue's answer. A venue whose client is
    asynchronous or threaded (pybit's WebSocket threads, ib-insync's asyncio loop) sits
    behind a bridge that feeds a thread-safe queue, which ``updates`` drains; nothing of
    the venue's threads or loop reaches the engine.

    ``start`` connects (before the first order), ``close`` releases (after the last).
    ``submit`` is idempotent on ``client_order_id``: a second submit of a known id returns
    the existing order. ``cancel_all`` cancels every working order (of ``symbol``, if
    given) and returns them as cancelled.

    Bars: a venue ignores them; a simulator matches its resting orders on them. The engine
    hands a bar to ``observe_bar`` (before the strategy sees it) while ``observes_bars``
    is true, and after any order was sent (only bars of symbols for which
    ``observes_symbol`` is true); ``observe_bar`` returns whether the gateway still wants
    bars. ``bar_need`` may say that a symbol's bar is needed only for its close (a held
    symbol with nothing to match): the engine then calls ``observe_close`` instead. A
    loop over many symbols asks both through each symbol's ``bar_watch``, made once.
    """

    @abstractmethod
    def start(self) -> None: ...

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def submit(self, request: OrderRequest) -> Order: ...

    @abstractmethod
    def cancel(self, client_order_id: str) -> Order: ...

    @abstractmethod
    def amend(
        self,
        client_order_id: str,
        *,
        quantity: float | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> Order: ...

    @abstractmethod
    def cancel_all(self, symbol: str | None = None) -> list[Order]: ...

    @property
    def observes_bars(self) -> bool:
        """Whether the gateway has something to match on the next bar (default: no)."""
        return False

    def observe_bar(self, bar: BarPrices) -> bool:
        """See one bar; return whether bars are still wanted (default: ignore it)."""
        return False

    def observes_symbol(self, symbol: str) -> bool:
        """Whether a bar of ``symbol`` can change anything here (default: ``observes_bars``).

        While bars are wanted, the engine hands ``observe_bar`` only the bars of symbols for
        which this is true; a gateway that can tell per symbol spares the others' rows.
        """
        return self.observes_bars

    def bar_need(self, symbol: str) -> int:
        """What a bar of ``symbol`` is needed for while bars are wanted: ``NEEDS_NOTHING``,
        ``NEEDS_CLOSE`` or ``NEEDS_BAR`` (default: the bar while ``observes_symbol``)."""
        return NEEDS_BAR if self.observes_symbol(symbol) else NEEDS_NOTHING

    def observe_close(self, symbol: str, ts_ns: int, close: float) -> bool:
        """See a bar of ``symbol`` by its time and close only (``bar_need`` said
        ``NEEDS_CLOSE``); return whether bars are still wanted (default: ignore it)."""
        return self.observes_bars

    def bar_watch(self, symbol: str) -> BarWatch:
        """``bar_need`` and ``observe_close`` of ``symbol`` without naming it again (default:
        a handle that asks them by name; a gateway may answer from the symbol's own state)."""
        return BarWatch(self, symbol)


class BarWatch:
    """One symbol's ``bar_need`` and ``observe_close`` at a gateway, made once per symbol.

    Why it exists: while any order works, a loop over many symbols asks on every row what
    the row's bar is needed for; a handle per symbol spares the gateway a look-up by name.
    """

    def __init__(self, gateway: OrderGateway, symbol: str) -> None:
        self.gateway = gateway
        self.symbol = symbol

    def need(self) -> int:
        """``gateway.bar_need(symbol)``."""
        return self.gateway.bar_need(self.symbol)

    def close_seen(self, ts_ns: int, close: float) -> bool:
        """``gateway.observe_close(symbol, ts_ns, close)``."""
        return self.gateway.observe_close(self.symbol, ts_ns, close)


class AccountView(Protocol):
    """What the execution side knows: orders, positions, balances, and what changed.

    Exists so reconciliation and the engine read the venue's account the same way for the
    simulator and a real venue. ``order`` queries one order by client id (``None`` if the
    venue does not know it); ``orders`` lists every order it received or created (bracket
    legs), in that order, each in its latest state. ``updates(cursor)`` returns the fills
    and order changes after ``cursor`` (0 for all); any number of readers may each keep a
    cursor. ``update_count`` is the cursor ``updates`` would return now: equal to a
    reader's cursor, nothing is new for it.
    """

    def order(self, client_order_id: str) -> Order | None: ...

    def orders(self) -> list[Order]: ...

    def open_orders(self) -> list[Order]: ...

    def positions(self) -> list[Position]: ...

    def account(self) -> AccountSnapshot: ...

    def updates(self, cursor: int) -> ExecutionUpdates: ...

    @property
    def update_count(self) -> int: ...


@mypyc_attr(allow_interpreted_subclasses=True)
class Execution(OrderGateway):
    """An ``OrderGateway`` that is also an ``AccountView``: what the engine trades through.

    Exists so the engine and the pipeline take one object per account whatever the
    environment (the simulator, a fake venue in tests, later Bybit and IBKR). The
    ``AccountView`` methods are declared here again (see the module's docstring).
    """

    @abstractmethod
    def order(self, client_order_id: str) -> Order | None: ...

    @abstractmethod
    def orders(self) -> list[Order]: ...

    @abstractmethod
    def open_orders(self) -> list[Order]: ...

    @abstractmethod
    def positions(self) -> list[Position]: ...

    @abstractmethod
    def account(self) -> AccountSnapshot: ...

    @abstractmethod
    def updates(self, cursor: int) -> ExecutionUpdates: ...

    @property
    @abstractmethod
    def update_count(self) -> int:
        """The cursor ``updates`` would return now."""


@mypyc_attr(allow_interpreted_subclasses=True)
class PositionBook(metaclass=ABCMeta):
    """The account's net positions and marks, as the ledger keeps them.

    Why a base class: the risk gate asks it about every other symbol with an order working,
    for every order it checks; the compiled ledger is then called directly.
    """

    @abstractmethod
    def net_quantity(self, symbol: str) -> float:
        """The account's net quantity in ``symbol`` (0.0 if never traded)."""

    @abstractmethod
    def last_price(self, symbol: str) -> float | None:
        """The price ``symbol`` is valued at, or ``None`` if it was never marked nor filled."""


@mypyc_attr(allow_interpreted_subclasses=True)
class StateStore(metaclass=ABCMeta):
    """Durable record of intents, orders, fills, vetoes and operator controls.

    Record, then act: the pipeline writes here before it sends or reports anything.
    ``record_fill`` returns ``False`` for an execution id it already holds. Client order ids
    come from here too (``issue_client_id``): a counter the store keeps under a run prefix,
    and the map from each id to the intent and strategy it was issued for.

    Transactions: between ``begin()`` and ``commit()`` (or ``with store.transaction():``)
    every record call commits together or not at all, so a fill, its order's new state,
    the position and the risk snapshot never land apart. Outside one, each record call
    commits alone. One transaction at a time: ``begin`` inside one raises. The defaults
    here do nothing; both stores fill them.
    """

    def begin(self) -> None:
        """Open a transaction; the record calls until ``commit`` land together."""
        return

    def commit(self) -> None:
        """Make everything recorded since ``begin`` durable at once."""
        return

    def rollback(self) -> None:
        """Drop everything recorded since ``begin``; a no-op outside a transaction."""
        return

    def transaction(self) -> StoreTransaction:
        """``with store.transaction():`` begin, then commit (rollback on an exception)."""
        return StoreTransaction(self)

    def controls_changed_since(self, cursor: int) -> int:
        """The operator-controls cursor now: equal to ``cursor`` when no control changed.

        Cheap enough to poll once per event (``0`` is the cursor of a store with none). A
        store no other process writes (in memory) never changes under the run.
        """
        return cursor

    @abstractmethod
    def record_intent(self, ts_ns: int, strategy_id: str, intent: Intent) -> None: ...

    @abstractmethod
    def record_order(self, order: Order) -> None: ...

    @abstractmethod
    def record_fill(self, fill: Fill) -> bool: ...

    @abstractmethod
    def record_veto(
        self, ts_ns: int, strategy_id: str, symbol: str, reasons: Sequence[str]
    ) -> None: ...

    @abstractmethod
    def record_position(self, position: Position) -> None:
        """The symbol's net position after a fill (the latest per symbol is kept)."""

    @abstractmethod
    def set_control(self, key: str, value: str) -> None: ...

    @abstractmethod
    def client_id_for(self, ts_ns: int, strategy_id: str, intent: Intent) -> str | None:
        """The client order id issued before for this intent (of ``strategy_id`` at bar
        time ``ts_ns``), or ``None``: an intent handled again gets its first order back."""

    @abstractmethod
    def issue_client_id(self, ts_ns: int, strategy_id: str, intent: Intent) -> str:
        """A client order id never issued before, recorded with the intent it is for."""

    @abstractmethod
    def get_control(self, key: str) -> str | None: ...


class StoreTransaction:
    """Why: ``with store.transaction():`` reads better than begin/commit/rollback by hand.

    Commits when the block ends normally, rolls back when it raises (and lets it raise).
    """

    def __init__(self, store: StateStore) -> None:
        self._store = store

    def __enter__(self) -> StateStore:
        self._store.begin()
        return self._store

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self._store.commit()
        else:
            self._store.rollback()
