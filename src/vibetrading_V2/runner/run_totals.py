"""A run's record over all of its strategies: counts summed, tallies merged by reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from vibetrading_V2.runner.run_record import EngineRun, ErrorRecord, ReasonCount
from vibetrading_V2.runner.slot_state import SlotState

__all__ = ["merged_counts", "run_totals"]


def run_totals(slots: Sequence[SlotState], **timeline: Any) -> EngineRun:
    """The ``EngineRun`` of the account: ``timeline`` fields as given, the rest summed."""
    pipelines = [slot.pipeline for slot in slots]
    errors = {slot.strategy_id: slot.breaker.record for slot in slots}
    first_error = next((e for e in errors.values() if e.count), ErrorRecord())
    client_ids = [cid for p in pipelines for cid in p.client_order_ids]
    return EngineRun(
        client_order_ids=client_ids if len(pipelines) > 1 else pipelines[0].client_order_ids,
        strategy_errors=sum(slot.breaker.errors for slot in slots),
        strategy_disabled=any(slot.breaker.disabled for slot in slots),
        vetoes=sum(p.vetoes for p in pipelines),
        n_intents=sum(p.n_intents for p in pipelines),
        veto_counts=merged_counts([p.veto_tally.counts() for p in pipelines]),
        resize_counts=merged_counts([p.resize_tally.counts() for p in pipelines]),
        intent_notes=merged_counts([p.note_tally.counts() for p in pipelines]),
        error_record=first_error,
        strategy_ids=tuple(slot.strategy_id for slot in slots),
        slot_errors=errors,
        **timeline,
    )


def merged_counts(per_slot: list[list[ReasonCount]]) -> list[ReasonCount]:
    """One row per (stage, reason): counts summed, the earliest occurrence kept."""
    if len(per_slot) == 1:
        return per_slot[0]
    merged: dict[tuple[str, str], ReasonCount] = {}
    for rows in per_slot:
        for row in rows:
            key = (row.stage, row.reason)
            seen = merged.get(key)
            if seen is None:
                merged[key] = row
                continue
            first = seen if seen.first_ts_ns <= row.first_ts_ns else row
            merged[key] = ReasonCount(row.stage, row.reason, seen.count + row.count,
                                      first.first_ts_ns, first.symbol, first.detail)
    return list(merged.values())
