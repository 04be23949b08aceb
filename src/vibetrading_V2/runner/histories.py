"""Each symbol's history, features and bar cursor, kept for the event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

import numpy as np

from vibetrading_V2.core.ports import BarBatch, SymbolRows
from vibetrading_V2.portfolio.row_layout import turn_places
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.features import RAW_FIELDS, FeatureBuilder
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.guard import RuntimeGuard

__all__ = ["ErrorCounter", "SymbolHistories", "symbol_rows"]

# counts one strategy error at a bar time of a symbol (``StrategyBreaker.failed``)
ErrorCounter = Callable[[int, str, BaseException], None]


class SymbolHistories:
    """The symbols of a run in the order they first appeared, each with its history.

    Why it exists: the loop knows a symbol by its code (its place in ``symbols``) and
    reads its bars through its cursor; every batch must first be appended to the
    histories and have its features computed, one symbol at a time, the same way in
    every environment.
    """

    def __init__(
        self,
        strategy: Strategy,
        guard: RuntimeGuard,
        *,
        required: Sequence[str],
        window: int,
        vol_lookback: int | None,
        periods_per_year: float,
    ) -> None:
        self._strategy = strategy
        self._guard = guard
        self._required = tuple(required)
        self._window = max(window, 2 * strategy.warmup_bars)
        self._vol_lookback = vol_lookback
        self._periods_per_year = periods_per_year
        self.symbols: list[str] = []
        self.cursors: dict[str, BarCursor] = {}
        self._builders: dict[str, FeatureBuilder] = {}

    def codes_of(self, batch: BarBatch) -> list[int]:
        """The code of each of the batch's symbols (a new symbol gets the next one)."""
        return [self._code(symbol) for symbol in batch.symbols]

    def extend(
        self, batch: BarBatch, codes: list[int], on_error: ErrorCounter, *, compute: bool = True
    ) -> set[int]:
        """Append the batch's bars to their symbols' histories and compute features.

        Returns the codes of the symbols whose ``features()`` failed on this batch: each
        failure is first passed to ``on_error(ts_ns, symbol, error)`` (the strategy's
        breaker counts it like an ``on_bar`` error), and the loop then gives those symbols'
        rows of this batch no ``on_bar`` (their features are NaN, not a stale copy). A
        failure on a symbol's first batch (a backtest's whole history) is raised instead.
        ``compute=False`` (the strategy is disabled) appends the bars without calling
        ``features()``, so a broken strategy is neither run nor logged on every new bar.
        """
        failed: set[int] = set()
        if batch.by_symbol is not None and len(codes) > 1:  # each symbol's rows, contiguous
            for code, ts_own, raw_own in symbol_rows(batch.by_symbol, codes):
                self._extend(code, ts_own, raw_own, on_error, failed, compute)
            return failed
        ts_ns = np.asarray(batch.ts_ns, dtype=np.int64)
        raw = {name: np.asarray(getattr(batch, name), dtype=np.float64) for name in RAW_FIELDS}
        if len(codes) == 1:  # one symbol (a backtest's batch): its arrays as they are
            if len(batch):
                self._extend(codes[0], ts_ns, raw, on_error, failed, compute)
            return failed
        local = np.asarray(batch.symbol_index, dtype=np.int64)
        places = turn_places(local, len(codes))
        for k, code in enumerate(codes):
            # symbols taking turns: each one's rows are a strided view of the batch, no copy
            rows: slice | np.ndarray = (
                slice(places[k], None, len(codes)) if places else np.flatnonzero(local == k)
            )
            if len(ts_ns[rows]):
                self._extend(code, ts_ns[rows], {name: raw[name][rows] for name in raw},
                             on_error, failed, compute)
        return failed

    def clear(self) -> None:
        """Drop the histories (they are not needed past the loop)."""
        self._builders.clear()
        self.cursors.clear()

    def _code(self, symbol: str) -> int:
        if symbol not in self._builders:
            self.symbols.append(symbol)
            self._builders[symbol] = FeatureBuilder(
                symbol,
                self._strategy,
                self._guard,
                required=self._required,
                window=self._window,
                vol_lookback=self._vol_lookback,
                periods_per_year=self._periods_per_year,
            )
            self.cursors[symbol] = BarCursor(symbol, lookback=self._window)
        return self.symbols.index(symbol)

    def _extend(
        self,
        code: int,
        ts_ns: np.ndarray,
        raw: dict[str, np.ndarray],
        on_error: ErrorCounter,
        failed: set[int],
        compute: bool,
    ) -> None:
        symbol = self.symbols[code]
        builder = self._builders[symbol]
        error = builder.extend(ts_ns, raw, compute=compute)
        self.cursors[symbol].bind(builder.ts_ns, builder.columns, builder.trimmed)
        if error is not None:
            failed.add(code)
            on_error(int(ts_ns[0]), symbol, error)


def symbol_rows(
    by_symbol: Sequence[SymbolRows], codes: list[int]
) -> Iterator[tuple[int, np.ndarray, dict[str, np.ndarray]]]:
    """Each symbol's rows of a batch as it hands them over (``BarBatch.by_symbol``): its
    code, times and raw fields as arrays; a symbol without a row in the batch is left out."""
    for code, own in zip(codes, by_symbol, strict=True):
        if len(own.ts_ns):
            yield code, np.asarray(own.ts_ns, dtype=np.int64), {
                name: np.asarray(getattr(own, name), dtype=np.float64) for name in RAW_FIELDS}
