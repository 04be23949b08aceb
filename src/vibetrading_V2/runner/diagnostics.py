"""What went wrong or was refused in a run, as the summary's nested diagnostics sections.

Built from the counts an ``EngineRun`` kept while it ran (``runner/tally.py``, the circuit
breaker, the risk gate's transitions) into the sections of ``summary.json`` that the
console and the report show: ``vetoes`` and ``resizes`` (per stage and reason, with the
first time and symbol), ``strategy_errors`` (count, first error and traceback, when it was
disabled), ``trading_state_changes``, and ``warnings``: sentences a person must read,
because each says why a run traded less than it seems to. ``idle_reasons`` says why a run
traded nothing useful (the backtest command then exits with code 3).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from vibetrading_V2.runner.run_record import EngineRun, ReasonCount

__all__ = ["diagnostics_summary", "idle_reasons", "iso_time"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ACTIVE = "active"


def iso_time(ts_ns: int) -> str:
    """UTC epoch nanoseconds as ISO-8601 text ending in ``Z`` (seconds, or microseconds)."""
    moment = _EPOCH + timedelta(microseconds=ts_ns // 1000)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def diagnostics_summary(run: EngineRun) -> dict[str, object]:
    """The nested diagnostics sections and their flat counts, for ``summary.json``."""
    resized = sum(r.count for r in run.resize_counts)
    changes = [
        {"time": iso_time(ts), "from": old, "to": new, "reason": _reason_text(code, detail)}
        for ts, old, new, code, detail in run.state_transitions
    ]
    return {
        "vetoes": _reason_table(run.veto_counts, run.vetoes),
        "resizes": _reason_table(run.resize_counts, resized),
        "strategy_errors": _errors(run),
        "trading_state_changes": changes,
        "warnings": _warnings(run),
        "n_vetoes": run.vetoes,
        "n_resizes": resized,
        "n_strategy_errors": run.strategy_errors,
        "n_state_changes": len(changes),
    }


def idle_reasons(summary: Mapping[str, Any]) -> list[str]:
    """Why the run traded nothing useful (empty when it did): exit code 3 of the command.

    The strategy was disabled, every intent was vetoed (no order at all), or the run saw
    no bars. Read from the summary, so it holds for a summary written earlier too.
    """
    reasons: list[str] = []
    if not summary.get("bars"):
        reasons.append("the run saw no bars: no data between the start and end given")
    errors = summary.get("strategy_errors")
    if isinstance(errors, Mapping) and errors.get("disabled"):
        reasons.append(f"the strategy was disabled after {errors.get('count')} errors")
    if not summary.get("n_orders") and summary.get("n_vetoes"):
        reasons.append(f"every intent was vetoed ({summary.get('n_vetoes'):,} vetoes), "
                       "no order was sent")
    return reasons


# -- sections ----------------------------------------------------------------------------------


def _reason_table(rows: Sequence[ReasonCount], total: int) -> dict[str, object]:
    by_reason: list[dict[str, object]] = []
    for r in rows:
        row: dict[str, object] = {
            "stage": r.stage, "reason": r.reason, "count": r.count,
            "first_time": iso_time(r.first_ts_ns), "symbol": r.symbol,
        }
        if r.detail:
            row["detail"] = r.detail
        by_reason.append(row)
    return {"total": total, "by_reason": by_reason}


def _errors(run: EngineRun) -> dict[str, object]:
    record = run.error_record
    return {
        "count": run.strategy_errors,
        "disabled": run.strategy_disabled,
        "disabled_time": _maybe_time(record.disabled_ts_ns),
        "first_time": _maybe_time(record.first_ts_ns),
        "first_error": record.first_error,
        "first_traceback": record.first_traceback,
    }


def _maybe_time(ts_ns: int | None) -> str | None:
    return None if ts_ns is None else iso_time(ts_ns)


def _reason_text(code: str, detail: str) -> str:
    return f"{code}: {detail}" if detail else code


# -- warnings ----------------------------------------------------------------------------------


def _warnings(run: EngineRun) -> list[str]:
    warnings: list[str] = []
    if run.bars == 0:
        warnings.append("the run saw no bars: the data holds nothing between the start and "
                        "end given, so nothing was traded")
    warnings.extend(_error_warnings(run))
    warnings.extend(_state_warnings(run))
    warnings.extend(_veto_warnings(run))
    for r in run.resize_counts:
        warnings.append(f"sizing shrank {_times(r.count)} intent(s) ({r.reason}), first at "
                        f"{iso_time(r.first_ts_ns)} on {r.symbol}: {r.detail}")
    for r in run.intent_notes:
        warnings.append(f"{_times(r.count)} intent(s) look mistaken ({r.reason}), first at "
                        f"{iso_time(r.first_ts_ns)} on {r.symbol}: {r.detail}")
    return warnings


def _times(count: int) -> str:
    return f"{count:,}"


def _error_warnings(run: EngineRun) -> list[str]:
    record = run.error_record
    if not run.strategy_errors:
        return []
    first = (f"first at {_maybe_time(record.first_ts_ns)}: {record.first_error}")
    if record.disabled_ts_ns is not None:
        after = run.timeline.rows_after(record.disabled_ts_ns, None)
        return [f"strategy disabled at {iso_time(record.disabled_ts_ns)} after "
                f"{run.strategy_errors:,} errors; the {after:,} bars after it were not "
                f"traded ({first})"]
    return [f"strategy raised {run.strategy_errors:,} errors ({first})"]


def _state_warnings(run: EngineRun) -> list[str]:
    out: list[str] = []
    changes = run.state_transitions
    for k, (ts, _old, new, code, detail) in enumerate(changes):
        if new == _ACTIVE:
            continue
        until = changes[k + 1][0] if k + 1 < len(changes) else None
        after = run.timeline.rows_after(ts, until)
        span = "to the end of the run" if until is None else f"until {iso_time(until)}"
        out.append(f"trading {new.upper()} at {iso_time(ts)}: {_reason_text(code, detail)}; "
                   f"the {after:,} bars after it ({span}) saw no new positions")
    return out


def _veto_warnings(run: EngineRun) -> list[str]:
    if not run.vetoes or run.client_order_ids:
        return []
    top = max(run.veto_counts, key=lambda r: r.count)
    text = (f"every intent was vetoed: {run.vetoes:,} vetoes and no order; most often "
            f"{top.reason} ({top.stage}, {top.count:,}x, first at {iso_time(top.first_ts_ns)} "
            f"on {top.symbol})")
    missing = sorted({r.symbol for r in run.veto_counts} - set(run.symbols))
    if missing:
        text += (f"; the run's data has no bars of {', '.join(missing)} (it holds "
                 f"{', '.join(run.symbols) or 'nothing'}): check --symbols against the "
                 "strategy's universe")
    return [text]
