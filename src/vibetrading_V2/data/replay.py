"""Replay curated history as a ``MarketFeed``: several symbols merged into one time order.

The backtest engine wants large columnar batches, not one object per bar: rows come out by
time and, on equal time, in the order the symbols were given. Symbols on the same times
(the usual case) are interleaved without sorting; otherwise the merge is a single stable
argsort over the concatenated timestamps.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import ConfigError, DataValidationError
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.data.schema import BarArrays

__all__ = ["BarArraySource", "ReplayFeed", "batch_from_columns"]


class BarArraySource(Protocol):
    """What the replay needs from a data source: validated OHLCV arrays of one dataset."""

    def load_arrays(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> BarArrays: ...


class ReplayFeed:
    """Yield the bars of ``symbols`` at ``timeframe`` in ``[start_ns, end_ns)`` as batches.

    With ``chunk_rows=None`` the whole history is one batch; otherwise consecutive batches
    of at most ``chunk_rows`` rows. Data is loaded when ``batches()`` is iterated, not in
    the constructor; an empty range yields no batch.
    """

    def __init__(
        self,
        source: BarArraySource,
        symbols: Sequence[str],
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
        chunk_rows: int | None = None,
    ) -> None:
        if isinstance(symbols, str):
            raise ConfigError(
                f"symbols must be a list of names, got the string {symbols!r}",
                field="symbols",
                hint=f"pass [{symbols!r}]",
            )
        names = tuple(symbols)
        if not names:
            raise ConfigError("no symbols to replay", field="symbols", hint="name at least one")
        repeated = sorted({s for s in names if names.count(s) > 1})
        if repeated:
            raise ConfigError(
                f"symbol(s) listed twice: {', '.join(repeated)}",
                field="symbols",
                hint="list each symbol once",
            )
        if chunk_rows is not None and (isinstance(chunk_rows, bool) or chunk_rows < 1):
            raise ConfigError(
                f"chunk_rows must be a positive integer or None, got {chunk_rows!r}",
                field="chunk_rows",
                hint="use None for one batch, or a row count such as 100000",
            )
        self._source = source
        self.symbols = names
        self.timeframe = timeframe
        self.start_ns = start_ns
        self.end_ns = end_ns
        self.chunk_rows = chunk_rows
        self.total_bars: int | None = None
        """How many bars ``batches()`` yields; known once it has loaded them, else ``None``."""

    def batches(self) -> Iterator[BarBatch]:
        merged = self._merged()
        total = len(merged[1])
        self.total_bars = total
        step = total if self.chunk_rows is None else self.chunk_rows
        for start in range(0, total, max(step, 1)):
            yield batch_from_columns(
                self.symbols, *(column[start : start + step] for column in merged)
            )

    def _merged(self) -> list[npt.NDArray[Any]]:
        parts = [
            self._source.load_arrays(s, self.timeframe, self.start_ns, self.end_ns)
            for s in self.symbols
        ]
        for symbol, bars in zip(self.symbols, parts, strict=True):
            if bars.ts_ns.size > 1 and bool((np.diff(bars.ts_ns) <= 0).any()):
                raise DataValidationError(
                    f"{symbol} {self.timeframe}: the source returned unsorted or duplicate "
                    "timestamps",
                    field="timestamp",
                    hint="the data source must validate its bars",
                )
        if len(parts) == 1:  # one symbol: already in time order, hand out the arrays as they are
            bars = parts[0]
            return [np.zeros(bars.rows, dtype=np.int64), bars.ts_ns, bars.open, bars.high,
                    bars.low, bars.close, bars.volume]
        return _interleaved(parts) if _same_times(parts) else _sorted_by_time(parts)


_FIELDS = ("open", "high", "low", "close", "volume")


def _same_times(parts: list[BarArrays]) -> bool:
    first = parts[0].ts_ns
    return all(np.array_equal(bars.ts_ns, first) for bars in parts[1:])


def _interleaved(parts: list[BarArrays]) -> list[npt.NDArray[Any]]:
    """Every symbol on the same times: row ``t * k + j`` is symbol ``j``'s bar ``t``, the
    order the stable sort gives, written symbol by symbol without a sort or a gather."""
    k, rows = len(parts), parts[0].rows
    index = np.tile(np.arange(k, dtype=np.int64), rows)
    ts = np.repeat(parts[0].ts_ns, k)
    columns: list[npt.NDArray[Any]] = [index, ts]
    # written a block of times at a time (~256 KiB of output, which stays in cache while
    # every symbol writes its stride into it), not a pass over the whole column per symbol
    block = max(64, (1 << 15) // k)
    for name in _FIELDS:
        column = np.empty(rows * k, dtype=np.float64)
        by_time = column.reshape(rows, k)
        fields = [getattr(bars, name) for bars in parts]
        for start in range(0, rows, block):
            out = by_time[start : start + block]
            for j, values in enumerate(fields):
                out[:, j] = values[start : start + block]
        columns.append(column)
    return columns


def _sorted_by_time(parts: list[BarArrays]) -> list[npt.NDArray[Any]]:
    """Concatenated in symbol order and each part sorted by time, so a stable sort on time
    alone breaks ties by symbol order. Gathered a column at a time (one concatenation
    alive at once)."""
    ts = np.concatenate([bars.ts_ns for bars in parts])
    order = np.argsort(ts, kind="stable")
    index = np.repeat(np.arange(len(parts), dtype=np.int64), [bars.rows for bars in parts])
    columns: list[npt.NDArray[Any]] = [index[order], ts[order]]
    del index, ts
    for name in _FIELDS:
        columns.append(np.concatenate([getattr(bars, name) for bars in parts])[order])
    return columns


def batch_from_columns(symbols: tuple[str, ...], *columns: npt.NDArray[Any]) -> BarBatch:
    """A ``BarBatch`` of numpy columns: symbol index, time, open, high, low, close, volume."""
    index, ts, o, h, lo, c, v = columns
    return BarBatch(
        symbols=symbols,
        symbol_index=cast(Sequence[int], index),
        ts_ns=cast(Sequence[int], ts),
        open=cast(Sequence[float], o),
        high=cast(Sequence[float], h),
        low=cast(Sequence[float], lo),
        close=cast(Sequence[float], c),
        volume=cast(Sequence[float], v),
    )
