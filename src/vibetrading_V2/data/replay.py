"""Replay curated history as a ``MarketFeed``: several symbols merged into one time order.

The backtest engine wants large columnar batches, not one object per bar: rows come out by
time and, on equal time, in the order the symbols were given (see ``data.merge``). Without
``chunk_rows`` every symbol's history is loaded and merged into one batch; with it, each
symbol's dataset is read piece by piece and the merge is cut into batches of whole
timestamps, so the feed holds a few batches' worth of bars, not the history.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol, cast

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import ConfigError, DataValidationError
from vibetrading_V2.core.ports import BarBatch, SymbolRows
from vibetrading_V2.data.bar_stream import ArrayBarStream, BarStream
from vibetrading_V2.data.merge import merge_parts, merged_chunks_by_symbol
from vibetrading_V2.data.schema import BarArrays

__all__ = ["BarArraySource", "ReplayFeed", "batch_from_columns"]


class BarArraySource(Protocol):
    """What the replay needs from a data source: validated OHLCV arrays of one dataset.

    A source that also has ``bar_stream(symbol, timeframe, start_ns, end_ns)`` (a
    :class:`~vibetrading_V2.data.bar_stream.BarStream`) is streamed when chunked.
    """

    def load_arrays(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> BarArrays: ...


class ReplayFeed:
    """Yield the bars of ``symbols`` at ``timeframe`` in ``[start_ns, end_ns)`` as batches.

    With ``chunk_rows=None`` the whole history is one batch; otherwise a history of at most
    ``one_batch_rows`` bars (default: ``chunk_rows``) is one batch, and a longer one comes in
    batches of whole timestamps of at most ``chunk_rows`` rows (one timestamp of more
    symbols than that is a batch of its own), read from the source as they are needed.
    Either way every dataset is checked in full before the first batch is yielded (a file
    its catalog vouches for, by its timestamps: ``bar_stream``). Data
    is read when ``batches()`` is iterated, not in the constructor; an empty range yields
    no batch.
    """

    def __init__(
        self,
        source: BarArraySource,
        symbols: Sequence[str],
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
        chunk_rows: int | None = None,
        one_batch_rows: int | None = None,
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
        if one_batch_rows is not None and (isinstance(one_batch_rows, bool)
                                           or one_batch_rows < 0):
            raise ConfigError(
                f"one_batch_rows must be a non-negative integer or None, got {one_batch_rows!r}",
                field="one_batch_rows",
                hint="use a row count such as 1048576 (0: always stream in chunk_rows batches)",
            )
        self._source = source
        self.symbols = names
        self.timeframe = timeframe
        self.start_ns = start_ns
        self.end_ns = end_ns
        self.chunk_rows = chunk_rows
        self.one_batch_rows = (chunk_rows or 0) if one_batch_rows is None else one_batch_rows
        self.total_bars: int | None = None
        """How many bars ``batches()`` yields; known once it has checked the data (before
        the first batch), else ``None``."""

    def batches(self) -> Iterator[BarBatch]:
        if self.chunk_rows is None:
            merged = self._merged()
            self.total_bars = len(merged[1])
            if self.total_bars:
                yield batch_from_columns(self.symbols, *merged)
            return
        streams = [self._stream(symbol) for symbol in self.symbols]
        total = self.total_bars = sum(stream.rows for stream in streams)
        step = self.chunk_rows if total > self.one_batch_rows else max(total, 1)
        labels = [f"{symbol} {self.timeframe}" for symbol in self.symbols]
        for columns, parts in merged_chunks_by_symbol(streams, step, labels):
            batch = batch_from_columns(self.symbols, *columns,
                                       by_symbol=tuple(_symbol_rows(bars) for bars in parts))
            del columns, parts  # held here, they would keep this batch while the next is read
            yield batch
            del batch

    def _stream(self, symbol: str) -> BarStream:
        """The symbol's bars to stream: the source's own stream, else its loaded arrays."""
        open_stream = getattr(self._source, "bar_stream", None)
        if open_stream is not None:
            return cast(BarStream, open_stream(symbol, self.timeframe, self.start_ns,
                                               self.end_ns))
        return ArrayBarStream(self._loaded(symbol))

    def _merged(self) -> list[npt.NDArray[Any]]:
        return merge_parts([self._loaded(symbol) for symbol in self.symbols])

    def _loaded(self, symbol: str) -> BarArrays:
        bars = self._source.load_arrays(symbol, self.timeframe, self.start_ns, self.end_ns)
        if bars.ts_ns.size > 1 and bool((np.diff(bars.ts_ns) <= 0).any()):
            raise DataValidationError(
                f"{symbol} {self.timeframe}: the source returned unsorted or duplicate "
                "timestamps",
                field="timestamp",
                hint="the data source must validate its bars",
            )
        return bars


def batch_from_columns(symbols: tuple[str, ...], *columns: npt.NDArray[Any],
                       by_symbol: tuple[SymbolRows, ...] | None = None) -> BarBatch:
    """A ``BarBatch`` of numpy columns: symbol index, time, open, high, low, close, volume
    (and, when given, each symbol's rows as contiguous columns)."""
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
        by_symbol=by_symbol,
    )


def _symbol_rows(bars: BarArrays) -> SymbolRows:
    """One symbol's arrays of a chunk as the batch's ``SymbolRows``."""
    return SymbolRows(*(cast(Sequence[Any], column) for column in bars))
