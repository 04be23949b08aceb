"""``python -m cli.doctor --env ENV``: is this env ready to run? A pass/fail table.

Checks (``cli/doctor_checks.py``): the config loads, the strategies load, the venue's
credentials are set (never shown), the output, log and state directories are writable,
the state store passes ``PRAGMA integrity_check`` and has a schema version this build
reads, the newest bars are fresh for the timeframe (required for a live env; for a
backtest or paper replay only informational), the venue is reachable (skipped: no venue
adapter exists in this version) and the clock's skew (informational without a venue).

Nothing is written: the store is opened read-only and directories are not created.
Exit code 0 when every required check passes, 1 otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.containers import build_container
from cli.doctor_checks import (
    CheckResult,
    check_clock,
    check_config,
    check_credentials,
    check_data,
    check_directories,
    check_schema,
    check_store,
    check_strategies,
    check_venue,
    skipped,
)
from cli.errors import EXIT_INTERNAL, EXIT_OK
from cli.run_flags import ConfigDirFlag
from vibetrading_V2.ops.clock import WallClock

__all__ = ["app", "main", "run_checks"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False)

AFTER_CONFIG = ("strategies load", "credentials present", "directories writable",
                "store intact", "schema version", "data fresh", "venue reachable",
                "clock skew")
_STYLES = {"pass": "bold green", "fail": "bold red", "skip": "bold yellow", "info": "cyan"}


def run_checks(
    env: str, config_dir: Path | None, environ: Mapping[str, str], now_ns: int
) -> list[CheckResult]:
    """Every check of ``env``, in the table's order; ``now_ns`` is the wall clock's time."""
    config, settings = check_config(env, config_dir)
    if settings is None:
        return [config, *(skipped(name, "the config did not load") for name in AFTER_CONFIG)]
    container = build_container(settings)
    strategies = check_strategies(container)
    loaded = container if strategies.status == "pass" else None
    return [
        config,
        strategies,
        check_credentials(settings, environ),
        check_directories(settings),
        check_store(settings),
        check_schema(settings),
        check_data(settings, loaded, now_ns),
        check_venue(settings, container),
        check_clock(settings, now_ns),
    ]


def print_table(env: str, results: Sequence[CheckResult], console: Console) -> None:
    """The checks as a table, then one line saying whether the env is ready."""
    table = Table(title=f"doctor: env {env!r}")
    table.add_column("check", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for result in results:
        label = result.status.upper() + ("" if result.required else " (optional)")
        table.add_row(Text(result.name), Text(label, style=_STYLES[result.status]),
                      Text(result.detail))
    console.print(table)
    failed = [r.name for r in results if r.blocks and r.status == "fail"]
    unmade = [r.name for r in results if r.blocks and r.status == "skip"]
    if failed or unmade:
        parts = [f"failed: {', '.join(failed)}"] if failed else []
        parts += [f"could not be checked: {', '.join(unmade)}"] if unmade else []
        console.print(Text(f"not ready: {'; '.join(parts)}", style="bold red"))
    else:
        console.print(Text("every required check passes", style="bold green"))


@app.command()
def main(
    env: Annotated[str, typer.Option(help="config/<env>.yaml to layer on base.yaml")] = "dev",
    config_dir: ConfigDirFlag = None,
) -> None:
    """Check whether ENV is ready to run and print a pass/fail table."""
    results = run_checks(env, config_dir, os.environ, WallClock().now_ns())
    print_table(env, results, Console(highlight=False))
    raise typer.Exit(EXIT_INTERNAL if any(r.blocks for r in results) else EXIT_OK)


if __name__ == "__main__":
    app()
