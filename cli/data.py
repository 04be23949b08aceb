"""``python -m cli.data``: import bar files into the user catalog and list what the catalogs hold.

Imports go to ``data/user/`` (not tracked by git); the bundled ``data/curated/`` is only
read, and backtests search the user catalog first. Every import is validated like the
bundled files (bar invariants, and a bar spacing that matches ``--timeframe``). Bad input
stops with the validator's message and exit code 2, never with a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from vibetrading_V2.core.errors import DataValidationError, UserInputError
from vibetrading_V2.strategy.bundle import TIMEFRAMES

if TYPE_CHECKING:
    from vibetrading_V2.data.manifest import DatasetEntry

__all__ = ["app"]

USER_ERROR_EXIT = 2

app = typer.Typer(
    help="Market data: import CSV or parquet bars into the user catalog, list the catalogs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _fail(error: UserInputError) -> typer.Exit:
    typer.echo(f"error: {error}", err=True)
    return typer.Exit(USER_ERROR_EXIT)


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="CSV or parquet file of OHLCV bars")],
    symbol: Annotated[str, typer.Option("--symbol", help="symbol name, e.g. EURUSD")],
    timeframe: Annotated[
        str, typer.Option("--timeframe", help=f"bar size, one of {', '.join(TIMEFRAMES)}")
    ],
    catalog: Annotated[
        Path | None, typer.Option("--catalog", help="catalog directory to write "
                                  "(default: data.user_catalog, data/user)")
    ] = None,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="FIELD=NAME: read FIELD from the file's column NAME, "
                     "e.g. close=Last (repeatable)"),
    ] = None,
    adjusted: Annotated[
        bool, typer.Option("--adjusted", help="scale the prices by Adj Close / Close "
                           "(default: drop Adj Close)")
    ] = False,
    replace: Annotated[
        bool, typer.Option("--replace", help="overwrite the dataset if it exists")
    ] = False,
) -> None:
    """Validate FILE and store it in the catalog as SYMBOL at TIMEFRAME."""
    from vibetrading_V2.data import import_bars_file  # lazy: keeps --help fast
    from vibetrading_V2.data.headers import parse_column_mapping

    try:
        user, bundled = _default_catalogs()
        catalog = catalog if catalog is not None else user
        if catalog is None:
            raise DataValidationError(
                "data.user_catalog is off in the settings", field="--catalog",
                hint="pass --catalog DIR, or set data.user_catalog in config/base.yaml",
            )
        if timeframe not in TIMEFRAMES:
            raise DataValidationError(
                f"unknown timeframe {timeframe!r}",
                field="timeframe",
                hint=f"use one of {', '.join(TIMEFRAMES)}",
            )
        entry = import_bars_file(
            file, symbol=symbol, timeframe=timeframe, catalog_root=catalog, replace=replace,
            columns=parse_column_mapping(column or []), adjusted=adjusted,
        )
    except UserInputError as error:
        raise _fail(error) from None
    typer.echo(
        f"imported {entry.rows} bars of {entry.symbol} {entry.timeframe} "
        f"({entry.first_timestamp} .. {entry.last_timestamp}, {_session(entry)} session) "
        f"into {catalog / entry.path}"
    )
    shadowed = bundled / entry.path
    if user is not None and catalog.resolve() == user.resolve() and shadowed.is_file():
        typer.echo(f"note: backtests now use it instead of the bundled {shadowed}")


@app.command("list")
def list_(
    catalog: Annotated[
        list[Path] | None,
        typer.Option("--catalog", help="catalog directory (repeatable; default: the user "
                     "catalog, then the bundled one)"),
    ] = None,
) -> None:
    """Print every series: catalog, symbol, timeframe, session, first and last bar, bars."""
    from vibetrading_V2.data import ParquetCatalog  # lazy: keeps --help fast
    from vibetrading_V2.data.catalog import missing_directory

    rows: list[tuple[Path, DatasetEntry, str]] = []
    try:
        user, bundled = _default_catalogs()
        roots = catalog or [p for p in (user, bundled) if p is not None]
        for root in roots:
            if not root.is_dir():
                if catalog:
                    raise missing_directory(root)
                continue
            store = ParquetCatalog(root)
            for entry in store.entries():
                session = entry.session or store.session(entry.symbol, entry.timeframe).kind
                rows.append((root, entry, session))
    except UserInputError as error:
        raise _fail(error) from None
    _print_table(rows, roots)


def _print_table(rows: list[tuple[Path, DatasetEntry, str]], roots: list[Path]) -> None:
    console = Console(width=160)
    searched = ", ".join(map(str, roots))
    if not rows:
        console.print(f"{searched} holds no datasets")
        return
    table = Table(title=f"catalogs (searched in this order: {searched})")
    for name in ("catalog", "symbol", "timeframe", "session", "first bar", "last bar", "bars"):
        table.add_column(name, justify="right" if name == "bars" else "left")
    seen: set[tuple[str, str]] = set()
    shadowed: list[str] = []
    for root, e, session in rows:
        if e.key in seen:
            shadowed.append(f"{e.symbol} {e.timeframe} in {root}")
        seen.add(e.key)
        table.add_row(str(root), e.symbol, e.timeframe, session, e.first_timestamp or "-",
                      e.last_timestamp or "-", str(e.rows))
    console.print(table)
    for item in shadowed:
        console.print(f"not used by backtests (an earlier catalog has it): {item}")


def _default_catalogs() -> tuple[Path | None, Path]:
    """The user and bundled catalogs of the settings (relative to the project root)."""
    from cli.settings import load_settings

    data = load_settings("dev").data
    return data.user_catalog, data.catalog


def _session(entry: DatasetEntry) -> str:
    if entry.session == "exchange" and entry.bars_per_session:
        return f"exchange ({entry.bars_per_session} bars a day)"
    return entry.session or "unknown"


if __name__ == "__main__":
    app()
