"""Console output for people: the grouped run summary and the run's progress bar.

The summary table reads the one layout of ``ops.summary_layout``, so the console shows the
same figures, in the same groups and units, as the report. Figures the layout does not
know yet are listed under "Other" rather than dropped; the run's identity and timing go in
the caption. The CLI prints without knowing how a table is drawn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType

from rich.console import Console, RenderableType
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from vibetrading_V2.ops.formatting import display_value
from vibetrading_V2.ops.summary_layout import FOOTER_KEYS, SUMMARY_GROUPS, grouped_figures

__all__ = ["RunProgress", "print_summary_table", "summary_footer", "summary_table"]

TIMING_KEYS: tuple[str, ...] = ("engine_seconds", "bars_per_second")
_LAID_OUT = frozenset(f.key for _, figures in SUMMARY_GROUPS for f in figures)
_LABEL_WIDTH = 2 + max(len(f.heading) for _, figures in SUMMARY_GROUPS for f in figures)


def summary_table(summary: Mapping[str, object], *, title: str = "Backtest summary") -> Table:
    """A rich ``Table``: one section per layout group, each figure labelled with its unit."""
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("figure", style="cyan", no_wrap=True, min_width=_LABEL_WIDTH)
    table.add_column("value", justify="right", overflow="fold")
    groups = [(name, [(f.heading, text) for f, text in rows])
              for name, rows in grouped_figures(summary)]
    other = [(key, display_value(value)) for key, value in _other_figures(summary)]
    if other:
        groups.append(("Other", other))
    for name, rows in groups:
        table.add_row(Text(name, style="bold"), "")
        for label, text in rows:  # Text: "[days]" is a unit, not rich markup
            table.add_row(Text(f"  {label}"), Text(text))
        table.add_section()
    return table


def _other_figures(summary: Mapping[str, object]) -> Iterable[tuple[str, object]]:
    """Scalar figures outside the layout; nested diagnostics and lists (warnings, open
    positions) are printed by ``ops.console_diagnostics``."""
    skip = _LAID_OUT | set(FOOTER_KEYS) | set(TIMING_KEYS)
    for key in sorted(summary):
        value = summary[key]
        if key in skip or isinstance(value, Mapping | list | tuple):
            continue
        yield key, value


def summary_footer(summary: Mapping[str, object]) -> str:
    """The run's identity and timing on one line (they identify a run, not measure it)."""
    parts = [f"{key} {summary[key]}" for key in FOOTER_KEYS if summary.get(key) is not None]
    seconds, rate = summary.get("engine_seconds"), summary.get("bars_per_second")
    if isinstance(seconds, int | float) and isinstance(rate, int | float):
        parts.append(f"engine {seconds:,.2f} s ({_rate(rate)} bars/s)")
    return " · ".join(parts)


def _rate(bars_per_second: float) -> str:
    """Whole bars a second, or two significant figures below ten (a paced paper run of
    hourly bars does well under one a second, which is not "0")."""
    if bars_per_second >= 10 or bars_per_second == 0:
        return f"{bars_per_second:,.0f}"
    return f"{bars_per_second:.2g}"


def print_summary_table(
    summary: Mapping[str, object], console: Console, *, title: str = "Backtest summary"
) -> None:
    """Print ``summary`` to ``console`` as the grouped table, then its footer line."""
    console.print(summary_table(summary, title=title))
    footer = summary_footer(summary)
    if footer:
        console.print(footer, markup=False, highlight=False, style="dim")


class _TotalProgress(Progress):
    """A ``Progress`` that learns its task's total from ``total_of`` as soon as it is known."""

    def __init__(self, total_of: Callable[[], int | None], console: Console, label: str) -> None:
        self.total_of = total_of
        super().__init__(
            TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
            TextColumn("bars"), TimeElapsedColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), TextColumn("{task.fields[status]}", markup=False),
            console=console, transient=True,
        )
        self.task = self.add_task(label, total=None, status="")

    def sync_total(self) -> None:
        if self.tasks and self.tasks[0].total is None:
            total = self.total_of()
            if total is not None:
                self.update(self.task, total=total)

    def get_renderables(self) -> Iterable[RenderableType]:
        self.sync_total()
        return super().get_renderables()


class RunProgress:
    """A progress bar shown only once a run has lasted ``delay`` seconds.

    ``total_of`` returns the number of bars once the feed knows it (``None`` before); the
    bar then shows done / total and an ETA. Short runs print nothing. Use as a context
    manager and pass :meth:`advance` as the engine's progress callback. ``label`` names the
    run (``backtest``, ``paper``); ``status``, when given, is called on each advance (in the
    engine's thread, so it may read the run's state) and its text ends the line, e.g. the
    newest bar time and the equity of a paper run.
    """

    def __init__(
        self,
        console: Console,
        total_of: Callable[[], int | None],
        *,
        delay: float = 1.0,
        label: str = "backtest",
        status: Callable[[], str] | None = None,
    ) -> None:
        self._progress = _TotalProgress(total_of, console, label)
        self._status = status
        self._lock = threading.Lock()
        self._timer = threading.Timer(delay, self._show)
        self._timer.daemon = True
        self._shown = self._closed = False

    def _show(self) -> None:
        with self._lock:
            if not self._closed:
                self._progress.start()
                self._shown = True

    @property
    def shown(self) -> bool:
        """Whether the bar is on screen (the run has lasted ``delay`` seconds)."""
        return self._shown

    def advance(self, bars: int) -> None:
        """Count ``bars`` more bars done."""
        self._progress.sync_total()
        if self._status is None:
            self._progress.advance(self._progress.task, bars)
        else:
            self._progress.update(self._progress.task, advance=bars, status=self._status())

    def __enter__(self) -> RunProgress:
        self._timer.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            self._closed = True
            if self._shown:
                self._progress.stop()
