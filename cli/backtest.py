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

from pathlib import Path

import typer
from rich.console import Console

from cli.run_common import flag_overrides, run_and_write, run_command
from cli.run_flags import (
    ConfigDirFlag,
    DataFlag,
    EndFlag,
    EnvFlag,
    JsonFlag,
    OutFlag,
    ParamFlag,
    StartFlag,
    StrategyFlag,
    SymbolsFlag,
)
from cli.settings import AppSettings, load_settings

__all__ = ["app", "main", "run_backtest"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False)


def run_backtest(
    settings: AppSettings, console: Console | None = None, out: Console | None = None
) -> dict[str, Path]:
    """Check the outputs, build the container, run, write; return the output paths.

    ``console`` (stderr) gets the progress bar, ``out`` (stdout) the summary table;
    ``out=None`` prints no table. The run itself is ``cli.run_common.run_and_write``,
    shared with ``cli.paper``.
    """
    return run_and_write(settings, console, out)


@app.command()
def main(
    env: EnvFlag = "dev",
    strategy: StrategyFlag = None,
    param: ParamFlag = None,
    data: DataFlag = None,
    symbols: SymbolsFlag = None,
    start: StartFlag = None,
    end: EndFlag = None,
    out: OutFlag = None,
    config_dir: ConfigDirFlag = None,
    json_out: JsonFlag = False,
) -> None:
    """Backtest the strategy and write trades, orders, equity, summary and an HTML report."""
    run_command(
        lambda: load_settings(env, config_dir, **flag_overrides(
            strategy, param, data, symbols, start, end, out)),
        run_backtest,
        json_out=json_out,
    )


if __name__ == "__main__":
    app()
