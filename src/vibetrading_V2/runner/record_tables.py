"""Tables over a run's records, built a slice of rows at a time: ``trades.csv`` and
``orders.csv`` rows as pandas columns.

A many-symbol run ends with ~800,000 orders; their whole table as pandas columns (text
columns included) is a few hundred MiB on top of the records it is read from, while a
writer needs one slice of rows at a time. A ``RecordTable`` keeps only the list of
records and makes the frame of any rows, and of only the columns asked for, on demand.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from vibetrading_V2.core.types import Order
from vibetrading_V2.portfolio.open_positions import NO_TIME_NS, OpenPosition
from vibetrading_V2.portfolio.trades import RoundTrip

__all__ = [
    "RecordTable",
    "float_column",
    "int_column",
    "optional_float_column",
    "order_table",
    "signal_times",
    "text_column",
    "times",
    "trade_table",
]

Column = Callable[[Sequence[Any]], Any]
"""The values of one column for a slice of records (an array, or what pandas takes)."""

_UTC_NS = pd.DatetimeTZDtype("ns", "UTC")
_NS_PER_DAY = 86_400 * 1_000_000_000
_REQUEST = attrgetter("request")
# what pandas makes of a list of str: the pyarrow-backed "str" dtype on pandas 3
_TEXT = pd.Series(["x"]).dtype
_ARROW_TEXT = isinstance(_TEXT, pd.StringDtype) and _TEXT.storage == "pyarrow"


class RecordTable:
    """A table whose row ``i`` is read from record ``i``: any rows, any columns, on demand.

    Why it exists: the whole trades or orders table of a long many-symbol run costs more
    memory than writing it a slice at a time needs. Rows follow the records' order.
    """

    def __init__(self, records: Sequence[Any], columns: Mapping[str, Column]) -> None:
        self._records = records
        self._columns = dict(columns)

    def __len__(self) -> int:
        return len(self._records)

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._columns)

    def frame(
        self, start: int = 0, stop: int | None = None, columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """Rows ``[start, stop)`` (default: all) of ``columns`` (default: all, in order)."""
        rows = self._records[start:stop]
        names = self.columns if columns is None else columns
        return pd.DataFrame({name: self._columns[name](rows) for name in names}, copy=False)


def trade_table(
    trades: Sequence[RoundTrip],
    held: Sequence[OpenPosition] = (),
    created_ns: Mapping[str, int] | None = None,
) -> RecordTable:
    """``trades.csv``: closed trades in the order they closed, then the open positions
    (``exit_reason`` ``open``, no exit time, valued at the last close).

    ``created_ns`` maps an order's client id to the bar time it was created at
    (:func:`signal_times`): each trade's ``entry_signal_time`` and ``exit_signal_time`` are
    those of its entry and exit orders, empty for an order not in it (and for the exit of
    an open position).
    """
    created = {} if created_ns is None else created_ns
    columns = {
        **_TRADE_COLUMNS,
        "entry_signal_time": _signal_times_of("entry_order_id", created),
        "exit_signal_time": _signal_times_of("exit_order_id", created),
    }
    return RecordTable([*trades, *held], columns)


def signal_times(
    orders: Iterable[Order], rows: Iterable[RoundTrip | OpenPosition]
) -> dict[str, int]:
    """The ``created_ns`` of each order that opened or closed one of ``rows``, by client id.

    An order is created at the time of the bar whose close decided it (the pipeline stamps
    a strategy's order with its intent's bar; a bracket leg, with the bar its entry filled
    at): a trade's signal bars.
    """
    wanted = {name for row in rows for name in (row.entry_order_id, row.exit_order_id)}
    wanted.discard("")
    requests = map(_REQUEST, orders)
    return {r.client_order_id: r.created_ns for r in requests if r.client_order_id in wanted}


def order_table(orders: Sequence[Order]) -> RecordTable:
    """``orders.csv``: one row per order in its last state."""
    return RecordTable(orders, _ORDER_COLUMNS)


def times(ts_ns: npt.ArrayLike) -> pd.Series:
    """UTC times of nanosecond stamps: ``pd.to_datetime(ts_ns, unit="ns", utc=True)``."""
    values = np.ascontiguousarray(ts_ns, dtype=np.int64).view("M8[ns]")
    return pd.Series(pd.DatetimeIndex(values, dtype=_UTC_NS))


# -- columns from lists of records, one C-level pass per field ------------------------------


def float_column(items: Sequence[object], name: str) -> npt.NDArray[np.float64]:
    return np.fromiter(map(attrgetter(name), items), dtype=np.float64, count=len(items))


def int_column(items: Sequence[object], name: str) -> npt.NDArray[np.int64]:
    return np.fromiter(map(attrgetter(name), items), dtype=np.int64, count=len(items))


def optional_float_column(items: Sequence[object], name: str) -> Any:
    """``pd.array([...], dtype="Float64")`` of the field: None (and NaN) become NA."""
    values = np.array(list(map(attrgetter(name), items)), dtype=np.float64)
    return pd.arrays.FloatingArray(values, np.isnan(values))


def text_column(items: Sequence[object], name: str, *, convert: bool = False) -> Any:
    """The field of every item (``str()`` of it if ``convert``), typed as pandas types a list.

    Fields such as a symbol or a side repeat on every row: each distinct value becomes one
    label and the column is built from codes into the labels, not a Python string a row.
    """
    values = list(map(attrgetter(name), items))
    if not _ARROW_TEXT or not values:
        return [str(v) for v in values] if convert else values
    labels = dict.fromkeys(values)
    if 4 * len(labels) > len(values):  # mostly distinct (order ids): nothing to share
        texts = pa.array(list(map(str, values)) if convert else values, type=pa.large_string())
    else:
        code = {label: i for i, label in enumerate(labels)}
        texts = pa.DictionaryArray.from_arrays(
            pa.array(np.fromiter(map(code.__getitem__, values), np.int32, len(values))),
            pa.array(list(map(str, labels)) if convert else list(labels),
                     type=pa.large_string()),
        ).cast(pa.large_string())
    return pd.array(texts, dtype=_TEXT)


def _held_until_ns(row: RoundTrip | OpenPosition) -> int:
    """When a trade ended; an open position is held until the last bar."""
    return row.last_ts_ns if isinstance(row, OpenPosition) else row.exit_ts_ns


def _duration_days(rows: Sequence[RoundTrip | OpenPosition]) -> npt.NDArray[np.float64]:
    until = np.fromiter(map(_held_until_ns, rows), dtype=np.int64, count=len(rows))
    days: npt.NDArray[np.float64] = (until - int_column(rows, "entry_ts_ns")) / _NS_PER_DAY
    return days


def _texts(name: str, *, convert: bool = False) -> Column:
    return lambda rows: text_column(rows, name, convert=convert)


def _floats(name: str) -> Column:
    return lambda rows: float_column(rows, name)


def _optional_floats(name: str) -> Column:
    return lambda rows: optional_float_column(rows, name)


def _times_of(name: str) -> Column:
    return lambda rows: times(int_column(rows, name))


def _signal_times_of(name: str, created_ns: Mapping[str, int]) -> Column:
    """The creation times of the orders named by field ``name`` (NaT: an unknown order)."""

    def column(rows: Sequence[Any]) -> pd.Series:
        stamps = (created_ns.get(cid, NO_TIME_NS) for cid in map(attrgetter(name), rows))
        return times(np.fromiter(stamps, dtype=np.int64, count=len(rows)))

    return column


def _of_requests(column: Column) -> Column:
    return lambda orders: column(list(map(_REQUEST, orders)))


_TRADE_COLUMNS: dict[str, Column] = {
    "strategy_id": _texts("strategy_id"),
    "symbol": _texts("symbol"),
    "direction": _texts("direction", convert=True),
    "entry_time": _times_of("entry_ts_ns"),
    "exit_time": _times_of("exit_ts_ns"),
    **{name: _floats(name) for name in ("quantity", "entry_price", "exit_price", "pnl", "fees",
                                        "net_pnl", "return_pct")},
    "exit_reason": _texts("exit_reason"),
    "duration_days": _duration_days,
}
_ORDER_COLUMNS: dict[str, Column] = {
    "client_order_id": _of_requests(_texts("client_order_id")),
    "strategy_id": _of_requests(_texts("strategy_id")),
    "symbol": _of_requests(_texts("symbol")),
    "side": _of_requests(_texts("side", convert=True)),
    "order_type": _of_requests(_texts("order_type", convert=True)),
    "quantity": _of_requests(_floats("quantity")),
    "limit_price": _of_requests(_optional_floats("limit_price")),
    "stop_price": _of_requests(_optional_floats("stop_price")),
    "status": _texts("status", convert=True),
    "filled_quantity": _floats("filled_quantity"),
    "average_price": _optional_floats("average_price"),
    "reason": lambda orders: pd.array(list(map(attrgetter("reason"), orders)), dtype=object),
    "created_time": _of_requests(_times_of("created_ns")),
}
