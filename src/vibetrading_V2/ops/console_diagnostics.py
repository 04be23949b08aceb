"""Console output for people: what a run refused, resized or failed at, and its warnings.

Reads the summary's nested diagnostics sections (``vetoes``, ``resizes``,
``strategy_errors``, ``warnings``); prints nothing for a run that had none of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["print_diagnostics", "print_idle_reasons", "reason_table"]


def reason_table(section: Mapping[str, object], *, title: str) -> Table | None:
    """``stage | reason | count | first time | symbol`` rows of a vetoes/resizes section."""
    rows = section.get("by_reason")
    if not isinstance(rows, Sequence) or not rows:
        return None
    table = Table(title=f"{title} ({section.get('total', 0):,} in all)", header_style="bold")
    table.add_column("stage")
    table.add_column("reason", style="cyan")
    table.add_column("count", justify="right")
    table.add_column("first time")
    table.add_column("symbol")
    for row in rows:
        if isinstance(row, Mapping):
            table.add_row(str(row.get("stage")), str(row.get("reason")),
                          f"{row.get('count', 0):,}", str(row.get("first_time")),
                          str(row.get("symbol")))
    return table


def print_diagnostics(summary: Mapping[str, object], console: Console) -> None:
    """Print the veto and resize tables, the strategy's errors and every warning (yellow)."""
    for key, title in (("vetoes", "Vetoed intents"), ("resizes", "Resized intents")):
        section = summary.get(key)
        table = reason_table(section, title=title) if isinstance(section, Mapping) else None
        if table is not None:
            console.print(table)
    errors = summary.get("strategy_errors")
    if isinstance(errors, Mapping) and errors.get("count"):
        state = f"disabled at {errors.get('disabled_time')}" if errors.get("disabled") else (
            "not disabled")
        console.print(Text(f"strategy errors: {errors.get('count'):,} ({state}); the first, "
                           f"at {errors.get('first_time')}:", style="bold red"))
        console.print(Text(str(errors.get("first_traceback") or errors.get("first_error"))),
                      soft_wrap=True)  # a traceback keeps its own lines
    warnings = summary.get("warnings")
    if isinstance(warnings, Sequence) and not isinstance(warnings, str):
        for warning in warnings:
            console.print(Text(f"warning: {warning}", style="yellow"), soft_wrap=True)


def print_idle_reasons(reasons: Sequence[str], console: Console) -> None:
    """Say why the run traded nothing useful (the command then exits with code 3)."""
    for reason in reasons:
        console.print(Text(f"nothing traded: {reason}", style="bold yellow"), soft_wrap=True)
