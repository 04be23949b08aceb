"""An in-memory bar source: the fake that unit tests and benchmarks use instead of disk.

It validates its frames exactly as the parquet catalog does and answers the same queries
(``load_bars``, ``load_arrays``, ``symbols``) with the same range semantics, so code tested
against it behaves the same against :class:`~vibetrading_V2.data.catalog.ParquetCatalog`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.bar_stream import ArrayBarStream
from vibetrading_V2.data.schema import BAR_COLUMNS, TIMESTAMP, BarArrays
from vibetrading_V2.data.sessions import SessionInfo, detect_session
from vibetrading_V2.data.validation import bar_arrays

__all__ = ["InMemoryBarSource"]


class InMemoryBarSource:
    """Bars held in memory, keyed by ``(symbol, timeframe)``; validated on construction."""

    def __init__(self, frames: Mapping[tuple[str, str], pd.DataFrame]) -> None:
        self._bars = {
            key: bar_arrays(frame, source=f"<memory {key[0]} {key[1]}>")
            for key, frame in frames.items()
        }

    def symbols(self, timeframe: str | None = None) -> list[str]:
        return sorted({s for s, tf in self._bars if timeframe in (None, tf)})

    def load_arrays(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
    ) -> BarArrays:
        bars = self._bars.get((symbol, timeframe))
        if bars is None:
            held = ", ".join(f"{s} {tf}" for s, tf in sorted(self._bars)) or "nothing"
            raise DataValidationError(
                f"no data for {symbol} at timeframe {timeframe} (holds: {held})",
                field="symbol",
            )
        lo = 0 if start_ns is None else int(np.searchsorted(bars.ts_ns, start_ns, "left"))
        hi = bars.rows if end_ns is None else int(np.searchsorted(bars.ts_ns, end_ns, "left"))
        ts, o, h, low, c, v = bars
        return BarArrays(ts[lo:hi], o[lo:hi], h[lo:hi], low[lo:hi], c[lo:hi], v[lo:hi])

    def bar_stream(
        self, symbol: str, timeframe: str, start_ns: int | None = None, end_ns: int | None = None
    ) -> ArrayBarStream:
        """The bars as views, as a catalog would stream them."""
        return ArrayBarStream(self.load_arrays(symbol, timeframe, start_ns, end_ns))

    def session(self, symbol: str, timeframe: str) -> SessionInfo:
        """The series' session, detected from its timestamps."""
        return detect_session(self.load_arrays(symbol, timeframe).ts_ns, timeframe)

    def load_bars(
        self,
        symbol: str,
        timeframe: str,
        start_ns: int | None = None,
        end_ns: int | None = None,
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        bars = self.load_arrays(symbol, timeframe, start_ns, end_ns)
        wanted = list(BAR_COLUMNS if columns is None else columns)
        unknown = [c for c in wanted if c not in BAR_COLUMNS]
        if unknown:
            raise DataValidationError(
                f"unknown column(s) {', '.join(unknown)}; available {', '.join(BAR_COLUMNS)}",
                field="columns",
            )
        index = pd.DatetimeIndex(pd.to_datetime(bars.ts_ns, unit="ns", utc=True), name=TIMESTAMP)
        return pd.DataFrame({c: getattr(bars, c).copy() for c in wanted}, index=index)
