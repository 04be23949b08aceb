"""What a run leaves behind (``EngineRun``): its records, its equity, its compact timeline
and each symbol's candles for the report (``runner.timeline_recorder`` builds the last three)."""

from __future__ import annotations

from array import array
from dataclasses import dataclass, field

from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.run_equity import RunEquity
from vibetrading_V2.portfolio.timeline import RunTimeline
from vibetrading_V2.runner.bar_candles import SymbolCandles

__all__ = ["EngineRun", "ErrorRecord", "ReasonCount"]


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
    timeline: RunTimeline
    """The times of the bars walked and each symbol's first and last bar (fill rows count
    the bars walked, in order)."""
    equity: RunEquity
    """The account's curve per time, its exposure, each strategy's PnL per time."""
    fills: list[Fill]
    fill_rows: array[int]
    """The timeline row each fill was booked at (``array('q')``: 8 bytes a fill)."""
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
    candles: dict[str, SymbolCandles] = field(default_factory=dict)
    """Each symbol's candles for the report, reduced as the bars went past."""
    strategy_ids: tuple[str, ...] = ()
    """The strategies of the run's account, in slot order; the counts above are totals."""
    slot_errors: dict[str, ErrorRecord] = field(default_factory=dict)
    """Each strategy's callback errors (``error_record`` is the first slot's with any)."""

    @property
    def bars(self) -> int:
        return len(self.timeline)
