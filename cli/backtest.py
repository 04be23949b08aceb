"""``python -m cli.backtest --env dev``: backtest the strategy on curated data, write a report.

A few flags override the YAML (strategy, data, symbols, time range, output directory);
everything else lives in ``config/``. Typed errors become a plain message and exit code 2
(user input) or 1 (anything else of ours); no traceback for user mistakes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from cli.containers import build_container
from cli.errors import exit_code_for
from cli.settings import AppSettings, load_settings
from vibetrading_V2.core.errors import VibeTradingError
from vibetrading_V2.ops.console import print_summary_table
from vibetrading_V2.ops.report import write_backtest_outputs
from vibetrading_V2.runner.results import build_results

__all__ = ["app", "main", "run_backtest"]

app = typer.Typer(add_completion=False, help=__doc__)


def run_backtest(settings: AppSettings, console: Console | None = None) -> dict[str, Path]:
    """Build the container from ``settings``, run, write the outputs; return their paths."""
    console = console or Console(stderr=True)
    container = build_container(settings)
    try:
        engine = container.engine()
        feed = container.feed()
        with Progress(
            TextColumn("[bold]backtest"), BarColumn(), TextColumn("{task.completed:,} bars"),
            TimeElapsedColumn(), console=console, transient=True,
        ) as progress:
            task = progress.add_task("bars", total=None)
            run = engine.run(feed, progress=lambda n: progress.advance(task, n))
        results = build_results(
            run, container.ledger(), container.execution(),
            initial_cash=settings.execution.initial_cash,
            periods_per_year=container.periods_per_year(),
        )
        loaded = container.loaded_strategy()
        summary: dict[str, Any] = {
            **results.summary,
            "strategy_id": loaded.strategy_id,
            "config_hash": settings.config_hash(),
            "env": settings.env,
            "timeframe": loaded.bundle.meta.timeframe,
            "annualisation": container.annualisation().to_dict(),
        }
        paths = write_backtest_outputs(
            settings.output.directory,
            trades=results.trades,
            orders=results.orders,
            equity=results.equity,
            summary=summary,
            prices=results.prices,
            title=f"{loaded.strategy_id} — backtest ({settings.env})",
        )
    finally:
        container.state_store().close()
        container.logger().close()
    print_summary_table(summary, console=console)
    return paths


@app.command()
def main(
    env: Annotated[str, typer.Option(help="config/<env>.yaml to layer on base.yaml")] = "dev",
    strategy: Annotated[str | None, typer.Option(help="strategy name or path")] = None,
    data: Annotated[Path | None, typer.Option(help="curated catalog directory")] = None,
    symbols: Annotated[list[str] | None, typer.Option(help="symbols (default: universe)")] = None,
    start: Annotated[str | None, typer.Option(help="first bar time, ISO 8601, UTC")] = None,
    end: Annotated[str | None, typer.Option(help="last bar time, ISO 8601, UTC")] = None,
    out: Annotated[Path | None, typer.Option(help="output directory")] = None,
) -> None:
    """Backtest the strategy and write trades, orders, equity, summary and an HTML report."""
    console = Console(stderr=True)
    try:
        overrides = _overrides(strategy, data, symbols, start, end, out)
        settings = load_settings(env, **overrides)
        paths = run_backtest(settings, console)
    except VibeTradingError as exc:
        console.print(f"[bold red]error:[/] {type(exc).__name__}", highlight=False)
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(exit_code_for(exc)) from None
    typer.echo(f"report: {paths['report']}")


def _overrides(
    strategy: str | None,
    data: Path | None,
    symbols: list[str] | None,
    start: str | None,
    end: str | None,
    out: Path | None,
) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if strategy is not None:
        overrides["strategy"] = {"name": strategy}
    data_fields = {"catalog": data, "symbols": symbols or None, "start": start, "end": end}
    data_fields = {k: v for k, v in data_fields.items() if v is not None}
    if data is not None:  # --data names exactly where to look: no user catalog before it
        data_fields["user_catalog"] = None
    if data_fields:
        overrides["data"] = data_fields
    if out is not None:
        overrides["output"] = {"directory": out}
    return overrides


if __name__ == "__main__":
    app()
