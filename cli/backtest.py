"""``python -m cli.backtest --env dev``: backtest the strategy on curated data, write a report.

A few flags override the YAML (strategy, params, data, symbols, time range, output
directory); everything else lives in ``config/``. Where the run will write is checked before
it starts. Typed errors become a plain message and exit code 2 (user input) or 1 (anything
else of ours); no traceback for user mistakes. The grouped summary goes to stdout (or
``summary.json`` itself with ``--json``); progress and errors go to stderr. A run that
traded nothing useful (strategy disabled, every intent vetoed, no bars) still writes its
outputs, says why, and exits with code 3.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cli.containers import build_container
from cli.errors import EXIT_NOTHING_TRADED, exit_code_for
from cli.outputs import check_writable_dir, write_failure
from cli.settings import AppSettings, load_settings
from cli.strategy_flags import strategy_overrides
from vibetrading_V2.core.errors import VibeTradingError
from vibetrading_V2.ops.build import build_info
from vibetrading_V2.ops.console import RunProgress, print_summary_table
from vibetrading_V2.ops.console_diagnostics import print_diagnostics, print_idle_reasons
from vibetrading_V2.ops.report import write_backtest_outputs
from vibetrading_V2.runner.diagnostics import idle_reasons
from vibetrading_V2.runner.results import build_results

__all__ = ["app", "main", "run_backtest"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False)


def check_outputs(settings: AppSettings) -> None:
    """Refuse an output directory that cannot be written, before anything runs."""
    check_writable_dir(settings.output.directory, "--out")


def run_backtest(
    settings: AppSettings, console: Console | None = None, out: Console | None = None
) -> dict[str, Path]:
    """Check the outputs, build the container, run, write; return the output paths.

    ``console`` (stderr) gets the progress bar, ``out`` (stdout) the summary table;
    ``out=None`` prints no table.
    """
    console = console or Console(stderr=True)
    check_outputs(settings)
    container = build_container(settings)
    try:
        engine = container.engine()
        feed = container.feed()
        with RunProgress(console, lambda: getattr(feed, "total_bars", None)) as progress:
            run = engine.run(feed, progress=progress.advance)
        results = build_results(
            run, container.ledger(), container.execution(),
            initial_cash=settings.execution.initial_cash,
            periods_per_year=container.periods_per_year(),
        )
        label = container.strategy_label()
        summary: dict[str, Any] = {
            **results.summary,
            "strategy_id": label,
            "config_hash": settings.config_hash(),
            "env": settings.env,
            "build": build_info(),
            "timeframe": container.timeframe(),
            "annualisation": container.annualisation().to_dict(),
        }
        try:
            paths = write_backtest_outputs(
                settings.output.directory,
                trades=results.trades,
                orders=results.orders,
                equity=results.equity,
                summary=summary,
                prices=results.prices,
                title=f"{label} — backtest ({settings.env})",
                strategy_equity=results.strategy_equity,
            )
        except OSError as exc:
            raise write_failure(exc, "--out") from None
    finally:
        container.state_store().close()
        container.logger().close()
    if out is not None:
        print_summary_table(summary, console=out)
    print_diagnostics(summary, console)  # veto and resize tables, errors, warnings
    return paths


@app.command()
def main(
    env: Annotated[str, typer.Option(help="config/<env>.yaml to layer on base.yaml")] = "dev",
    strategy: Annotated[list[str] | None, typer.Option(
        help="strategy name or path; repeat it to run several on one account"
    )] = None,
    param: Annotated[list[str] | None, typer.Option(
        help="override a strategy parameter, NAME=VALUE (repeatable), e.g. --param fast=20; "
        "with several strategies STRATEGY.NAME=VALUE, e.g. --param my_strategy_a.fast=20"
    )] = None,
    data: Annotated[Path | None, typer.Option(
        help="a catalog folder (looked in alone) or one .csv/.parquet bar file"
    )] = None,
    symbols: Annotated[list[str] | None, typer.Option(help="symbols (default: universe)")] = None,
    start: Annotated[str | None, typer.Option(
        help="first bar time included, ISO 8601, UTC (a naive time is UTC)"
    )] = None,
    end: Annotated[str | None, typer.Option(
        help="last bar time included, ISO 8601, UTC; a date alone (2012-12-31) includes "
        "that whole day"
    )] = None,
    out: Annotated[Path | None, typer.Option(help="output directory")] = None,
    config_dir: Annotated[Path | None, typer.Option(
        help="the config/ directory (default: $VT_CONFIG_DIR, ./config, then the project's)"
    )] = None,
    json_out: Annotated[bool, typer.Option(
        "--json", help="print summary.json to stdout instead of the summary table"
    )] = False,
) -> None:
    """Backtest the strategy and write trades, orders, equity, summary and an HTML report."""
    console = Console(stderr=True)
    try:
        overrides = _overrides(strategy, param, data, symbols, start, end, out)
        settings = load_settings(env, config_dir, **overrides)
        table = None if json_out else Console(highlight=False)
        paths = run_backtest(settings, console, table)
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


def _overrides(
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
    overrides = strategy_overrides(strategy, params)
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


if __name__ == "__main__":
    app()
