"""What a run leaves behind (``EngineRun``) and the bar timeline it is built on."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Fill

__all__ = [
    "BAR_COLUMNS",
    "EngineRun",
    "ErrorRecord",
    "ReasonCount",
    "merged_columns",
    "merged_timeline",
]

BAR_COLUMNS = ("open", "high", "low", "volume")
"""The bar fields a run keeps beside its closes, for the report's candles and volume."""


@dataclass(frozen=True, slots=True)
class ReasonCount:
    """How often one reason stopped or changed intents at one stage, and its first time.

    ``stage`` is ``strategy_gate``, ``sizing`` or ``risk``; ``detail`` a readable line
    about the first occurrence ("" when there is nothing to add to the reason).
    """

    stage: str
    reason: str
    count: int
    first_ts_ns: int
    symbol: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """A strategy's callback errors: how many, the first one in full, and when it stopped.

    ``first_traceback`` is formatted once, at the first error; ``disabled_ts_ns`` is the
    bar time at which the circuit breaker disabled the strategy (``None``: it never did).
    """

    count: int = 0
    first_ts_ns: int | None = None
    first_error: str | None = None
    first_traceback: str | None = None
    disabled_ts_ns: int | None = None


@dataclass(slots=True)
class EngineRun:
    """Everything a run produced, for the results builder and the reports."""

    symbols: tuple[str, ...]
    symbol_index: npt.NDArray[np.int64]
    ts_ns: npt.NDArray[np.int64]
    close: npt.NDArray[np.float64]
    fills: list[Fill]
    fill_rows: list[int]
    client_order_ids: list[str]
    strategy_errors: int
    strategy_disabled: bool
    vetoes: int
    state_transitions: list[tuple[int, str, str, str, str]] = field(default_factory=list)
    """``(ts_ns, from_state, to_state, reason code, detail)`` of each state change, in order."""
    n_intents: int = 0
    veto_counts: list[ReasonCount] = field(default_factory=list)
    resize_counts: list[ReasonCount] = field(default_factory=list)
    intent_notes: list[ReasonCount] = field(default_factory=list)
    """Intents that passed but look wrong (e.g. a stop further than half the price away)."""
    error_record: ErrorRecord = field(default_factory=ErrorRecord)
    engine_seconds: float = 0.0
    bar_columns: dict[str, npt.NDArray[np.float64]] = field(default_factory=dict)
    """``BAR_COLUMNS`` of every bar, row-aligned with ``ts_ns``, when the feed gave them."""
    strategy_ids: tuple[str, ...] = ()
    """The strategies of the run's account, in slot order; the counts above are totals."""
    slot_errors: dict[str, ErrorRecord] = field(default_factory=dict)
    """Each strategy's callback errors (``error_record`` is the first slot's with any)."""

    @property
    def bars(self) -> int:
        return len(self.ts_ns)


def merged_timeline(
    parts: list[tuple[tuple[str, ...], BarBatch]], symbols: list[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Symbol codes, times and closes of every bar of the run, in the order they were seen."""
    index_parts, ts_parts, close_parts = [], [], []
    for batch_symbols, batch in parts:
        remap = np.array([symbols.index(s) for s in batch_symbols], dtype=np.int64)
        local = np.asarray(batch.symbol_index, dtype=np.int64)
        identity = bool((remap == np.arange(len(remap))).all())
        index_parts.append(local if identity else remap[local])
        ts_parts.append(np.asarray(batch.ts_ns, dtype=np.int64))
        close_parts.append(np.asarray(batch.close, dtype=np.float64))
    return (
        _concat(index_parts, np.int64),
        _concat(ts_parts, np.int64),
        _concat(close_parts, np.float64),
    )


def merged_columns(
    parts: list[tuple[tuple[str, ...], BarBatch]], names: tuple[str, ...] = BAR_COLUMNS
) -> dict[str, npt.NDArray[np.float64]]:
    """The named bar fields of every row, in the order of ``merged_timeline`` (no copy for
    a single batch)."""
    return {
        name: _concat([np.asarray(getattr(batch, name), dtype=np.float64) for _, batch in parts],
                      np.float64)
        for name in names
    }


def _concat(parts: list[Any], dtype: Any) -> Any:
    if not parts:
        return np.empty(0, dtype=dtype)
    if len(parts) == 1:  # one batch (a backtest): keep its array, no copy
        return np.asarray(parts[0], dtype=dtype)
    return np.concatenate(parts).astype(dtype, copy=False)
