"""The flags ``cli.backtest`` and ``cli.paper`` share, declared once.

Each is an ``Annotated`` type a command's parameter takes; the default stays in the
command's signature (``cli.paper`` defaults ``--env`` to ``paper``, ``cli.backtest`` to ``dev``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = [
    "ConfigDirFlag",
    "DataFlag",
    "DryRunFlag",
    "EndFlag",
    "EnvFlag",
    "JsonFlag",
    "OutFlag",
    "ParamFlag",
    "StartFlag",
    "StrategyFlag",
    "SymbolsFlag",
]

EnvFlag = Annotated[str, typer.Option(help="config/<env>.yaml to layer on base.yaml")]
StrategyFlag = Annotated[list[str] | None, typer.Option(
    help="strategy name or path; repeat it to run several on one account"
)]
ParamFlag = Annotated[list[str] | None, typer.Option(
    help="override a strategy parameter, NAME=VALUE (repeatable), e.g. --param fast=20; "
    "with several strategies STRATEGY.NAME=VALUE, e.g. --param my_strategy_a.fast=20"
)]
DataFlag = Annotated[Path | None, typer.Option(
    help="a catalog folder (looked in alone) or one .csv/.parquet bar file"
)]
SymbolsFlag = Annotated[list[str] | None, typer.Option(help="symbols (default: universe)")]
StartFlag = Annotated[str | None, typer.Option(
    help="first bar time included, ISO 8601, UTC (a naive time is UTC)"
)]
EndFlag = Annotated[str | None, typer.Option(
    help="last bar time included, ISO 8601, UTC; a date alone (2012-12-31) includes "
    "that whole day"
)]
OutFlag = Annotated[Path | None, typer.Option(help="output directory")]
ConfigDirFlag = Annotated[Path | None, typer.Option(
    help="the config/ directory (default: $VT_CONFIG_DIR, ./config, then the project's)"
)]
JsonFlag = Annotated[bool, typer.Option(
    "--json", help="print summary.json to stdout instead of the summary table"
)]
DryRunFlag = Annotated[bool, typer.Option(
    "--dry-run", help="shadow mode: record the orders the run would send (orders.csv, the "
    "state store, order_not_sent in the log) and send none (sets safety.dry_run)"
)]
