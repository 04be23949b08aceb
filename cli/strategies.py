"""``python -m cli.strategies``: list the strategy files, or start a new one from a template.

``list`` loads every file of the strategies directory through the sandbox and validators
and shows one row each (name, version, universe, timeframe, params with ranges, valid or
not); ``new NAME`` writes ``strategies/NAME.py``, a commented template that validates, and
never overwrites a file. Exit codes: 0 ok, 2 a user error (printed without a traceback).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.errors import exit_code_for
from cli.settings import load_settings
from cli.strategy_template import render_template
from vibetrading_V2.core.errors import ConfigError, VibeTradingError
from vibetrading_V2.strategy.bundle import Param
from vibetrading_V2.strategy.registry import ValidationResult, load_bundle, validate_directory

__all__ = ["app", "params_text"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False,
                  no_args_is_help=True)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

EnvOption = Annotated[str, typer.Option(help="config/<env>.yaml naming the strategies dir")]
DirOption = Annotated[Path | None, typer.Option(
    "--dir", help="strategies directory (default: strategy.directory of the config)"
)]
ConfigDirOption = Annotated[Path | None, typer.Option(help="the config/ directory")]


@app.command("list")
def list_strategies(
    env: EnvOption = "dev", directory: DirOption = None, config_dir: ConfigDirOption = None
) -> None:
    """One row per strategy file: name, version, universe, timeframe, params, valid or not."""
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    try:
        folder = _directory(env, directory, config_dir)
        results = validate_directory(folder)
    except VibeTradingError as exc:
        _fail(err, exc)
    if not results:
        err.print(Text(f"no strategy files (*.py) in {folder}; "
                       "create one with `python -m cli.strategies new NAME`"))
        return
    out.print(strategies_table(results, title=f"strategies in {folder}"))
    for result in results:
        if result.error is not None:
            out.print(Text(f"\n{result.path.name}: {type(result.error).__name__}: "
                           f"{result.error}"))


@app.command("new")
def new_strategy(
    name: Annotated[str, typer.Argument(help="strategy name: lower_case, a Python identifier")],
    env: EnvOption = "dev",
    directory: DirOption = None,
    config_dir: ConfigDirOption = None,
) -> None:
    """Write strategies/NAME.py, a commented template that validates (never overwrites)."""
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    try:
        path = _directory(env, directory, config_dir) / f"{_checked_name(name)}.py"
        if path.exists():
            raise ConfigError(f"{path} already exists", path=str(path), field="NAME",
                              hint="pick another name, or edit the existing file")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x", encoding="utf-8", newline="\n") as file:
                file.write(render_template(name))
        except OSError as exc:
            raise ConfigError(f"cannot write {path}: {exc.strerror or exc}", path=str(path),
                              hint="pick a directory you can write to (--dir)") from None
        loaded = load_bundle(path)
    except VibeTradingError as exc:
        _fail(err, exc)
    out.print(Text(f"created {path} ({loaded.strategy_id}, valid)"))
    out.print(Text(f"backtest it: python -m cli.backtest --strategy {name}"))


def _fail(err: Console, exc: VibeTradingError) -> NoReturn:
    err.print(Text(f"error: {type(exc).__name__}", style="bold red"))
    err.print(Text(str(exc)))
    raise typer.Exit(exit_code_for(exc))


def _directory(env: str, directory: Path | None, config_dir: Path | None) -> Path:
    if directory is not None:
        return directory.resolve()
    return load_settings(env, config_dir).strategy.directory


def _checked_name(name: str) -> str:
    if not _NAME.match(name) or keyword.iskeyword(name) or name == "__init__":
        raise ConfigError(
            f"strategy name {name!r} is not a lower-case Python identifier",
            field="NAME",
            hint="use letters, digits and underscores, starting with a letter, "
            "e.g. breakout_eurusd",
        )
    return name


def params_text(params: Mapping[str, Param]) -> str:
    """``fast=10 [2, 200]``, one parameter a line: the default and what it may take."""
    lines = []
    for name, param in params.items():
        if param.choices is not None:
            allowed = " {" + ", ".join(map(str, param.choices)) + "}"
        elif param.low is not None or param.high is not None:
            low = "-inf" if param.low is None else f"{param.low:g}"
            high = "inf" if param.high is None else f"{param.high:g}"
            allowed = f" [{low}, {high}]"
        else:
            allowed = ""
        default = ",".join(param.default) if isinstance(param.default, tuple) else \
            repr(param.default)
        lines.append(f"{name}={default}{allowed}")
    return "\n".join(lines) or "-"


def strategies_table(results: Sequence[ValidationResult], *, title: str) -> Table:
    """A rich table of ``results``, one row per file (an invalid one shows its file name)."""
    table = Table(title=title, show_lines=True)
    for column in ("name", "version", "universe", "timeframe"):
        table.add_column(column, overflow="fold")
    table.add_column("params", min_width=12, overflow="fold")
    table.add_column("status", overflow="fold")
    for result in results:
        if result.loaded is None:
            error = type(result.error).__name__ if result.error is not None else "?"
            status = Text(f"INVALID: {error}", style="bold red")
            table.add_row(Text(result.path.name), "-", "-", "-", "-", status)
            continue
        meta = result.loaded.bundle.meta
        table.add_row(Text(meta.name), Text(meta.version), Text(", ".join(meta.symbols)),
                      Text(meta.bar_timeframe), Text(params_text(meta.declared_params())),
                      Text("valid", style="green"))
    return table


if __name__ == "__main__":
    app()
