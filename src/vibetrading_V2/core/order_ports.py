"""The ports every order passes through, as base classes: ``Execution`` and ``StateStore``.

Every intent that becomes an order calls these a dozen times (record, submit, fill,
record again). They are base classes rather than ``Protocol`` s so that compiled code
calls a compiled adapter (the simulator, the in-memory store) directly, as a compiled
method, instead of looking the method up by name on every call; an adapter states the
port it fills by subclassing it. Adapters written in plain Python subclass them too
(``allow_interpreted_subclasses``) and are called the ordinary way.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from collections.abc import Sequence
from typing import Protocol

from mypy_extensions import mypyc_attr

from vibetrading_V2.core.types import AccountSnapshot, Fill, Intent, Order, OrderRequest, Position

__all__ = ["BarDrivenExecution", "BarPrices", "Execution", "StateStore"]


class BarPrices(Protocol):
    """One bar of one symbol, its fields read when needed (a ``Bar``, or the engine's view).

    A bar-driven execution reads the open of every bar it matches orders against, and the
    high, low or volume only for the orders that need them: most bars need few fields.
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


@mypyc_attr(allow_interpreted_subclasses=True)
class Execution(metaclass=ABCMeta):
    """Where orders go: a simulator or a real venue.

    ``submit`` is idempotent on ``client_order_id``: a second submit of a known id returns
    the existing order. ``order`` queries one order by client id (``None`` if the venue does
    not know it); ``orders`` lists every order it received or created (bracket legs), in
    that order, each in its latest state. ``drain_fills`` returns fills not yet handed out,
    each at most once.
    """

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
    def drain_fills(self) -> list[Fill]: ...


@mypyc_attr(allow_interpreted_subclasses=True)
class BarDrivenExecution(Execution):
    """An execution that fills against market bars (the simulator).

    The engine calls ``on_bar`` with its view of the bar (no per-bar objects) while orders
    may be working (``on_bar`` returns whether some still are), and before the strategy
    sees that bar; it calls ``mark`` with the current bar's close right before it submits
    orders in that bar.
    """

    @abstractmethod
    def mark(self, symbol: str, ts_ns: int, price: float, volume: float | None = None) -> None: ...

    @property
    @abstractmethod
    def has_working_orders(self) -> bool:
        """Whether any order is still working."""

    @abstractmethod
    def on_bar(self, bar: BarPrices) -> bool: ...


@mypyc_attr(allow_interpreted_subclasses=True)
class StateStore(metaclass=ABCMeta):
    """Durable record of intents, orders, fills, vetoes and operator controls.

    Record, then act: the pipeline writes here before it sends or reports anything.
    ``record_fill`` returns ``False`` for an execution id it already holds.
    """

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
    def set_control(self, key: str, value: str) -> None: ...

    @abstractmethod
    def get_control(self, key: str) -> str | None: ...
