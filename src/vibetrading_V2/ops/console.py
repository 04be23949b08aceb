"""Console output for people: the backtest summary as a two-column rich table.

The CLI prints the same numbers the report holds, formatted the same way, without knowing
how a table is drawn.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.table import Table

from vibetrading_V2.ops.formatting import display_value, flatten_summary

__all__ = ["print_summary_table", "summary_table"]


def summary_table(summary: Mapping[str, object], *, title: str = "Backtest summary") -> Table:
    """A rich ``Table`` of ``metric | value`` rows, keys sorted, nested keys dotted."""
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("metric", style="cyan", no_wrap=True)
    table.add_column("value", justify="right")
    for key, value in flatten_summary(summary).items():
        table.add_row(key, display_value(value))
    return table


def print_summary_table(
    summary: Mapping[str, object], console: Console, *, title: str = "Backtest summary"
) -> None:
    """Print ``summary`` to ``console`` as a two-column table."""
    console.print(summary_table(summary, title=title))
