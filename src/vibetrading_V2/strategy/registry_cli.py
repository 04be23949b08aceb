"""``python -m vibetrading_V2.strategy.registry``: check strategy files without running them.

Kept apart from the registry so loading a strategy never imports typer or rich. Exit codes:
0 when every file is valid, 2 when any is not (a user error, shown without a traceback).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from vibetrading_V2.core.errors import UserInputError, VibeTradingError
from vibetrading_V2.strategy.registry import ValidationResult, load_bundle, validate_directory

__all__ = ["run"]

EXIT_OK = 0
EXIT_INVALID = 2

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def _validate(
    validate_all: Annotated[
        bool, typer.Option("--validate-all", help="check every strategy file in --dir")
    ] = False,
    directory: Annotated[
        Path, typer.Option("--dir", help="directory holding the strategy files")
    ] = Path("strategies"),
    validate: Annotated[
        Path | None, typer.Option("--validate", help="check one strategy file")
    ] = None,
) -> None:
    """Load strategy files through the sandbox and validators; report what is wrong."""
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    if validate_all == (validate is not None):
        err.print("give exactly one of --validate-all or --validate PATH", markup=False)
        raise typer.Exit(EXIT_INVALID)
    try:
        if validate is not None:
            loaded = load_bundle(validate)
            out.print(Text(f"OK  {loaded.strategy_id}  {loaded.path}"))
            return
        results = validate_directory(directory)
    except UserInputError as exc:
        err.print(Text(f"error: {exc}"))
        raise typer.Exit(EXIT_INVALID) from None
    if not results:
        err.print(Text(f"error: {directory}: no strategy files (*.py) found"))
        raise typer.Exit(EXIT_INVALID)
    out.print(_table(results))
    failures = [r for r in results if r.error is not None]
    for result in failures:
        out.print(Text(f"\n{type(result.error).__name__}: {result.error}"))
    if failures:
        raise typer.Exit(EXIT_INVALID)


def _table(results: Sequence[ValidationResult]) -> Table:
    table = Table(title="strategies")
    for column in ("file", "status", "strategy", "error"):
        table.add_column(column)
    for result in results:
        strategy = result.loaded.strategy_id if result.loaded is not None else "-"
        error = type(result.error).__name__ if result.error is not None else ""
        status = Text("OK", style="green") if result.ok else Text("FAIL", style="bold red")
        table.add_row(Text(result.path.name), status, Text(strategy), Text(error))
    return table


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command with ``argv`` (default: ``sys.argv[1:]``) and return its exit code."""
    try:
        app(args=list(argv) if argv is not None else None, prog_name="registry")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_INVALID)
    except VibeTradingError as exc:  # not a user error: still no traceback on screen
        Console(stderr=True).print(Text(f"error: {exc}"))
        return 1
    return EXIT_OK
