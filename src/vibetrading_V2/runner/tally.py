"""Counts of what happened to a run's intents, per (stage, reason), kept while the run goes.

A veto, a resize or a questionable intent costs one dictionary look-up and an increment
here; the first of each reason keeps its time, symbol and a readable detail. The counts
become the summary's ``vetoes`` and ``resizes`` tables (``runner/diagnostics.py``) and
the metrics' per-reason counters (flushed per batch, like the pipeline's other counters).
Compiled with the pipeline (``native_modules.txt``).
"""

from __future__ import annotations

from vibetrading_V2.runner.run_record import ReasonCount

__all__ = ["ReasonTally"]


class _Row:
    """One (stage, reason): its count, the first occurrence, and the count already flushed."""

    def __init__(self, stage: str, reason: str, ts_ns: int, symbol: str) -> None:
        self.stage = stage
        self.reason = reason
        self.count = 0
        self.flushed = 0
        self.first_ts_ns = ts_ns
        self.symbol = symbol
        self.detail = ""


class ReasonTally:
    """Counts events per (stage, reason) in the order their reasons first appeared.

    Why it exists: a run may veto millions of intents; each must be counted and the first
    of each reason shown to a person, without a log line or a record per event.
    """

    def __init__(self) -> None:
        self._rows: dict[tuple[str, str], _Row] = {}

    def add(self, stage: str, reason: str, ts_ns: int, symbol: str) -> int:
        """Count one ``reason`` at ``stage`` (at bar ``ts_ns`` of ``symbol``); its new count.

        The caller adds the detail of the first (``set_detail``) when the count is 1, so
        a detail is formatted once per reason, not once per event.
        """
        key = (stage, reason)
        row = self._rows.get(key)
        if row is None:
            row = self._rows[key] = _Row(stage, reason, ts_ns, symbol)
        row.count += 1
        return row.count

    def set_detail(self, stage: str, reason: str, detail: str) -> None:
        """Attach a readable detail to the first occurrence of ``(stage, reason)``."""
        row = self._rows.get((stage, reason))
        if row is not None:
            row.detail = detail

    def unflushed(self) -> list[tuple[str, int]]:
        """``(reason, count)`` counted since the last call, for the metrics sink."""
        out: list[tuple[str, int]] = []
        for row in self._rows.values():
            if row.count > row.flushed:
                out.append((row.reason, row.count - row.flushed))
                row.flushed = row.count
        return out

    def counts(self) -> list[ReasonCount]:
        """Every (stage, reason) counted, in the order each first appeared."""
        return [
            ReasonCount(r.stage, r.reason, r.count, r.first_ts_ns, r.symbol, r.detail)
            for r in self._rows.values()
        ]
