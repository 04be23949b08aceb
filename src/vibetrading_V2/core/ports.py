"""The ports: the only ways the pure core and the runner reach the outside world.

Each port is a small ``Protocol``, except the two every order passes through, ``Execution``
(an ``OrderGateway`` and an ``AccountView``) and ``StateStore``: those are base classes
(``order_ports``) an adapter subclasses.
Backtest, paper and live differ only in which adapters fill them; the composition root
(``cli/containers.py``) picks the adapters.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from vibetrading_V2.core.order_ports import (
    AccountView,
    BarPrices,
    BarWatch,
    Execution,
    ExecutionUpdates,
    OrderGateway,
    StateStore,
)

__all__ = [
    "AccountView",
    "AlertSink",
    "BarBatch",
    "BarPrices",
    "BarWatch",
    "Clock",
    "Execution",
    "ExecutionUpdates",
    "Logger",
    "MarketFeed",
    "MetricsSink",
    "OrderGateway",
    "StateStore",
    "SymbolRows",
]


class SymbolRows(NamedTuple):
    """One symbol's rows of a batch as contiguous columns, in time order.

    Why it exists: a replay reads each symbol's bars contiguous before it merges them, and
    the histories need them per symbol again; handing both out spares gathering every
    symbol's rows back out of the merged columns, one strided row at a time.
    """

    ts_ns: Sequence[int]
    open: Sequence[float]
    high: Sequence[float]
    low: Sequence[float]
    close: Sequence[float]
    volume: Sequence[float]


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
    # the same rows per symbol (``by_symbol[j]``: those of ``symbols[j]``), when the feed
    # has them contiguous; ``None`` when it does not
    by_symbol: tuple[SymbolRows, ...] | None = None

    def __len__(self) -> int:
        return len(self.ts_ns)


class MarketFeed(Protocol):
    """An ordered stream of bar batches: a replay of history, or a live subscription.

    The only way bars reach the runner. Where a feed reads its history from (a catalog, a
    bar file, memory) is the data adapter's business, chosen by the composition root.
    """

    def batches(self) -> Iterator[BarBatch]: ...


class Clock(Protocol):
    """The only source of time; the simulated clock moves only when told."""

    def now_ns(self) -> int: ...


class Logger(Protocol):
    """Structured logging: an event name plus key/value fields, never secrets."""

    def debug(self, event: str, **fields: Any) -> None: ...

    def info(self, event: str, **fields: Any) -> None: ...

    def warning(self, event: str, **fields: Any) -> None: ...

    def error(self, event: str, **fields: Any) -> None: ...


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
