"""The ports: the only ways the pure core and the runner reach the outside world.

Each port is a small ``Protocol``. Backtest, paper and live differ only in which adapters
fill them; the composition root (``cli/containers.py``) picks the adapters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from vibetrading_V2.core.types import AccountSnapshot, Fill, Intent, Order, OrderRequest, Position

if TYPE_CHECKING:  # pragma: no cover - typing only, core never imports pandas at run time
    import pandas as pd

__all__ = [
    "AlertSink",
    "BarBatch",
    "BarDrivenExecution",
    "Clock",
    "DataSource",
    "Execution",
    "Logger",
    "MarketFeed",
    "MetricsSink",
    "StateStore",
]


@dataclass(frozen=True, slots=True)
class BarBatch:
    """A time-ordered, columnar chunk of bars, possibly of several symbols.

    Row ``i`` is a bar of ``symbols[symbol_index[i]]``. Rows are sorted by ``ts_ns`` and, on
    equal time, by symbol index. A replay feed yields the whole history as one or a few
    large batches; a live feed yields one bar per batch. Columns are sequences (numpy arrays
    in practice) so the engine can compute features once per batch.
    """

    symbols: tuple[str, ...]
    symbol_index: Sequence[int]
    ts_ns: Sequence[int]
    open: Sequence[float]
    high: Sequence[float]
    low: Sequence[float]
    close: Sequence[float]
    volume: Sequence[float]

    def __len__(self) -> int:
        return len(self.ts_ns)


class DataSource(Protocol):
    """Read-only history: OHLCV bars of one symbol and timeframe over a time range.

    Returns a frame indexed by a UTC ``DatetimeIndex`` named ``timestamp`` with float columns
    ``open, high, low, close, volume`` (plus any stored feature columns). Adapters validate
    the data on load and raise ``DataValidationError`` instead of repairing it.
    """

    def load_bars(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame: ...

    def symbols(self, timeframe: str | None = None) -> list[str]: ...


class MarketFeed(Protocol):
    """An ordered stream of bar batches: a replay of history, or a live subscription."""

    def batches(self) -> Iterator[BarBatch]: ...


class Clock(Protocol):
    """The only source of time; the simulated clock moves only when told."""

    def now_ns(self) -> int: ...


class Execution(Protocol):
    """Where orders go: a simulator or a real venue.

    ``submit`` is idempotent on ``client_order_id``: a second submit of a known id returns
    the existing order. ``order`` queries one order by client id (``None`` if the venue does
    not know it); ``orders`` lists every order it received or created (bracket legs), in
    that order, each in its latest state. ``drain_fills`` returns fills not yet handed out,
    each at most once.
    """

    def submit(self, request: OrderRequest) -> Order: ...

    def cancel(self, client_order_id: str) -> Order: ...

    def amend(
        self,
        client_order_id: str,
        *,
        quantity: float | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> Order: ...

    def order(self, client_order_id: str) -> Order | None: ...

    def orders(self) -> list[Order]: ...

    def open_orders(self) -> list[Order]: ...

    def positions(self) -> list[Position]: ...

    def account(self) -> AccountSnapshot: ...

    def drain_fills(self) -> list[Fill]: ...


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


@runtime_checkable
class BarDrivenExecution(Execution, Protocol):
    """An execution that fills against market bars (the simulator).

    The engine calls ``on_bar`` with its view of the bar (no per-bar objects) while orders
    may be working (``on_bar`` returns whether some still are), and before the strategy
    sees that bar; it calls ``mark`` with the current bar's close right before it submits
    orders in that bar.
    """

    def mark(self, symbol: str, ts_ns: int, price: float, volume: float | None = None) -> None: ...

    @property
    def has_working_orders(self) -> bool: ...

    def on_bar(self, bar: BarPrices) -> bool: ...


class Logger(Protocol):
    """Structured logging: an event name plus key/value fields, never secrets."""

    def debug(self, event: str, **fields: Any) -> None: ...

    def info(self, event: str, **fields: Any) -> None: ...

    def warning(self, event: str, **fields: Any) -> None: ...

    def error(self, event: str, **fields: Any) -> None: ...


class StateStore(Protocol):
    """Durable record of intents, orders, fills, vetoes and operator controls.

    Record, then act: the pipeline writes here before it sends or reports anything.
    ``record_fill`` returns ``False`` for an execution id it already holds.
    """

    def record_intent(self, ts_ns: int, strategy_id: str, intent: Intent) -> None: ...

    def record_order(self, order: Order) -> None: ...

    def record_fill(self, fill: Fill) -> bool: ...

    def record_veto(
        self, ts_ns: int, strategy_id: str, symbol: str, reasons: Sequence[str]
    ) -> None: ...

    def set_control(self, key: str, value: str) -> None: ...

    def get_control(self, key: str) -> str | None: ...


class MetricsSink(Protocol):
    """Counters, gauges and timings with string tags."""

    def incr(self, name: str, value: int = 1, tags: Mapping[str, str] | None = None) -> None: ...

    def gauge(self, name: str, value: float, tags: Mapping[str, str] | None = None) -> None: ...

    def timing_ms(
        self, name: str, value: float, tags: Mapping[str, str] | None = None
    ) -> None: ...


class AlertSink(Protocol):
    """Operator alerts: kill switch, loss limits, drawdown, reconciliation drift."""

    def alert(
        self, level: str, code: str, message: str, context: Mapping[str, Any] | None = None
    ) -> None: ...
