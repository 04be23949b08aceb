"""``python -m cli.live --env prod``: the live loop against a real venue.

Before anything starts (nothing is written, no store is opened) it checks, in order: the
settings load (a bad ``VT_*`` variable is named), the env is a live one (``kind: live``)
with a real ``execution.venue``, every credential the venue needs is set in the
environment (all missing variables named at once; see ``cli/credentials.py``), the run's
directories are writable, the strategies load, and the venue's adapter exists.

The Bybit and IBKR adapters come in the next version: until then the command stops at
that last check, exit code 2, saying so. It never pretends to trade. Exit codes are those
of ``cli.backtest``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import NoReturn, Protocol

import typer
from rich.console import Console

from cli.containers import build_container
from cli.credentials import read_credentials
from cli.errors import print_error
from cli.preflight import check_live_env, check_run_directories
from cli.run_common import flag_overrides
from cli.run_flags import (
    ConfigDirFlag,
    DryRunFlag,
    EnvFlag,
    OutFlag,
    ParamFlag,
    StrategyFlag,
    SymbolsFlag,
)
from cli.settings import AppSettings, load_settings
from vibetrading_V2.core.errors import ConfigError, VibeTradingError

__all__ = ["LiveParts", "app", "main", "start_live"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False)


class LiveParts(Protocol):
    """What the start of a live run asks of the container: its strategies and its venue."""

    def strategy_label(self) -> object: ...

    def execution(self) -> object: ...


def start_live(
    settings: AppSettings,
    environ: Mapping[str, str],
    build: Callable[[AppSettings], LiveParts] = build_container,
) -> NoReturn:
    """Check everything a live run needs, then refuse: this version has no live loop.

    ``build`` makes the container (a test passes one whose venue adapter is a fake).
    """
    check_live_env(settings)
    read_credentials(settings.execution.venue, environ)  # the adapter will take these
    check_run_directories(settings)
    container = build(settings)
    container.strategy_label()  # loads and builds every strategy: their errors come first
    container.execution()  # the venue adapter: refused while none exists
    raise ConfigError(
        f"the live loop is not available in this version (env {settings.env!r}, venue "
        f"{settings.execution.venue!r})",
        field="kind",
        hint="trade on the simulator with cli.paper until the live loop arrives",
    )


@app.command()
def main(
    env: EnvFlag = "prod",
    strategy: StrategyFlag = None,
    param: ParamFlag = None,
    symbols: SymbolsFlag = None,
    out: OutFlag = None,
    config_dir: ConfigDirFlag = None,
    dry_run: DryRunFlag = False,
) -> None:
    """Trade the strategy live on the env's venue (refused until its adapter exists)."""
    console = Console(stderr=True)
    console.print(f"live ({env}): checking the config, credentials, directories, strategies "
                  "and the venue adapter before anything starts", markup=False, highlight=False)
    try:
        overrides = flag_overrides(strategy, param, None, symbols, None, None, out)
        if dry_run:  # the same checks; the adapter then gets a shadow gateway in front
            overrides["safety"] = {"dry_run": True}
        settings = load_settings(env, config_dir, **overrides)
        start_live(settings, os.environ)
    except VibeTradingError as exc:
        raise typer.Exit(print_error(exc, console)) from None


if __name__ == "__main__":
    app()
