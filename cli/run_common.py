"""What ``cli.backtest`` and ``cli.paper`` share: flags to settings, one run, its exit.

Both commands run the same container's engine on the same feed and write the same files;
they differ only in a ``RunMode``: the name shown in the report's title and the progress
bar, how the container's feed is delivered (a paper run paces it) and the progress bar's
status line. Typed errors become a plain message and exit code 2 (user input) or 1
(anything else of ours); a run that traded nothing useful exits 3 after writing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from cli.containers import Container, build_container
from cli.errors import EXIT_NOTHING_TRADED, exit_code_for
from cli.outputs import check_writable_dir, write_failure
from cli.settings import AppSettings
from cli.strategy_flags import strategy_overrides
from vibetrading_V2.core.errors import VibeTradingError
from vibetrading_V2.core.ports import MarketFeed
from vibetrading_V2.ops.build import build_info
from vibetrading_V2.ops.console import RunProgress, print_summary_table
from vibetrading_V2.ops.console_diagnostics import print_diagnostics, print_idle_reasons
from vibetrading_V2.ops.report import write_report, write_tables
from vibetrading_V2.runner.diagnostics import idle_reasons
from vibetrading_V2.runner.results import build_results

__all__ = [
    "RunMode",
    "check_outputs",
    "flag_overrides",
    "run_and_write",
    "run_command",
]


def _same_feed(feed: MarketFeed, container: Container) -> MarketFeed:
    return feed


@dataclass(frozen=True)
class RunMode:
    """How a command delivers the container's feed and names its run.

    Why it exists: a paper run is a backtest's run with another feed delivery and progress
    line, so the commands share one run function and pass only what differs.
    """

    name: str = "backtest"
    feed: Callable[[MarketFeed, Container], MarketFeed] = _same_feed  # (feed, its container)
    status: Callable[[Container], str] | None = None  # the progress bar's extra text


BACKTEST = RunMode()


def check_outputs(settings: AppSettings) -> None:
    """Refuse an output directory that cannot be written, before anything runs."""
    check_writable_dir(settings.output.directory, "--out")


def run_and_write(
    settings: AppSettings,
    console: Console | None = None,
    out: Console | None = None,
    mode: RunMode = BACKTEST,
) -> dict[str, Path]:
    """Check the outputs, build the container, run, write; return the output paths.

    ``console`` (stderr) gets the progress bar, ``out`` (stdout) the summary table;
    ``out=None`` prints no table. The report is drawn after the container and the run's
    records are let go (a long run's records are most of its memory; the report needs
    only a few frames).
    """
    console = console or Console(stderr=True)
    check_outputs(settings)
    paths, summary, write_report = _run_and_write_tables(settings, console, mode)
    try:
        paths["report"] = write_report()
    except OSError as exc:
        raise write_failure(exc, "--out") from None
    if out is not None:
        print_summary_table(summary, console=out, title=f"{mode.name.capitalize()} summary")
    print_diagnostics(summary, console)  # veto and resize tables, errors, warnings
    return paths


def _run_and_write_tables(
    settings: AppSettings, console: Console, mode: RunMode
) -> tuple[dict[str, Path], dict[str, Any], Callable[[], Path]]:
    """Run and write the CSVs and the summary; the paths, the summary and what writes the
    report (holding the report's frames, not the container or the run)."""
    container = build_container(settings)
    try:
        engine = container.engine()
        feed = mode.feed(container.feed(), container)
        with RunProgress(console, lambda: getattr(feed, "total_bars", None), label=mode.name,
                         status=_status_of(mode, container)) as progress:
            # a resumed session's earlier bars and fills come first (``SessionBars``)
            run = engine.run(feed, progress=progress.advance)
        results = build_results(
            run, container.ledger(), container.execution(),
            initial_cash=settings.execution.initial_cash,
            periods_per_year=container.periods_per_year(),
            deposits=None if (bankroll := container.bankroll()) is None else bankroll.deposits,
        )
        summary = _summary(settings, container, results.summary)
        out_dir, equity = settings.output.directory, results.equity
        strategy_equity = results.strategy_equity
        try:
            paths = write_tables(out_dir, trades=results.trade_table(),
                                 orders=results.order_table(), equity=equity,
                                 summary=summary, strategy_equity=strategy_equity)
        except OSError as exc:
            raise write_failure(exc, "--out") from None
        report = partial(
            write_report, out_dir, title=f"{container.strategy_label()} — {mode.name} "
            f"({settings.env})", summary=summary, equity=equity, trades=results.trades,
            prices=results.prices, strategy_equity=strategy_equity,
        )  # fmt: skip
    finally:
        container.state_store().close()
        container.logger().close()
    return paths, summary, report


def _summary(
    settings: AppSettings, container: Container, figures: dict[str, object]
) -> dict[str, Any]:
    """The results' figures with the run's identity (strategy, config, env, build)."""
    return {
        **figures,
        "strategy_id": container.strategy_label(),
        "config_hash": settings.config_hash(),
        "env": settings.env,
        "build": build_info(),
        "timeframe": container.timeframe(),
        "annualisation": container.annualisation().to_dict(),
    }


def _status_of(mode: RunMode, container: Container) -> Callable[[], str] | None:
    status = mode.status
    return None if status is None else lambda: status(container)


def run_command(
    settings_of: Callable[[], AppSettings],
    run: Callable[[AppSettings, Console, Console | None], dict[str, Path]],
    *,
    json_out: bool,
) -> None:
    """Load the settings, run, print where the report is; map errors to exit codes.

    stdout gets the summary table (or ``summary.json`` with ``json_out``) and the report's
    path; errors and the reasons a run traded nothing useful go to stderr.
    """
    console = Console(stderr=True)
    try:
        settings = settings_of()
        table = None if json_out else Console(highlight=False)
        paths = run(settings, console, table)
    except VibeTradingError as exc:
        console.print(f"[bold red]error:[/] {type(exc).__name__}", highlight=False)
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(exit_code_for(exc)) from None
    written = paths["summary"].read_text(encoding="utf-8")
    if json_out:
        sys.stdout.write(written)
        console.print(f"report: {paths['report']}", markup=False, highlight=False)
    else:
        typer.echo(f"report: {paths['report']}")
    idle = idle_reasons(json.loads(written))
    if idle:  # the outputs are written; say why they hold nothing useful
        print_idle_reasons(idle, console)
        raise typer.Exit(EXIT_NOTHING_TRADED)


def flag_overrides(
    strategy: list[str] | None,
    params: list[str] | None,
    data: Path | None,
    symbols: list[str] | None,
    start: str | None,
    end: str | None,
    out: Path | None,
) -> dict[str, Any]:
    """The flags as settings overrides; paths typed on the command line are taken from the
    current directory (paths in the config files are taken from the project root)."""
    overrides = strategy_overrides(strategy, params)  # one --strategy, or several
    catalog = data.resolve() if data is not None else None
    data_fields = {"catalog": catalog, "symbols": symbols or None, "start": start, "end": end}
    data_fields = {k: v for k, v in data_fields.items() if v is not None}
    if data is not None:  # --data names exactly where to look: no user catalog before it
        data_fields["user_catalog"] = None
    if data_fields:
        overrides["data"] = data_fields
    if out is not None:
        overrides["output"] = {"directory": out.resolve()}
    return overrides
