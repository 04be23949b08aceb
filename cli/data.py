"""``python -m cli.data``: import bar files into the curated catalog and list what it holds.

The shipped files under ``data/curated/`` are produced by this command, so they pass the
same checks as any user's data. Bad input stops with the validator's message and exit
code 2, never with a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from vibetrading_V2.core.errors import DataValidationError, UserInputError
from vibetrading_V2.strategy.bundle import TIMEFRAMES

__all__ = ["app"]

USER_ERROR_EXIT = 2
DEFAULT_CATALOG = Path("data/curated")

app = typer.Typer(
    help="Curated market data: import CSV or parquet bars, list the catalog.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

CatalogOption = Annotated[
    Path, typer.Option("--catalog", help="catalog directory", show_default=True)
]


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
    catalog: CatalogOption = DEFAULT_CATALOG,
    replace: Annotated[
        bool, typer.Option("--replace", help="overwrite the dataset if it exists")
    ] = False,
) -> None:
    """Validate FILE and store it in the catalog as SYMBOL at TIMEFRAME."""
    from vibetrading_V2.data import import_bars_file  # lazy: keeps --help fast

    try:
        if timeframe not in TIMEFRAMES:
            raise DataValidationError(
                f"unknown timeframe {timeframe!r}",
                field="timeframe",
                hint=f"use one of {', '.join(TIMEFRAMES)}",
            )
        entry = import_bars_file(
            file, symbol=symbol, timeframe=timeframe, catalog_root=catalog, replace=replace
        )
    except UserInputError as error:
        raise _fail(error) from None
    typer.echo(
        f"imported {entry.rows} bars of {entry.symbol} {entry.timeframe} "
        f"({entry.first_timestamp} .. {entry.last_timestamp}) into {catalog / entry.path}"
    )


@app.command("list")
def list_(catalog: CatalogOption = DEFAULT_CATALOG) -> None:
    """Print the datasets in the catalog."""
    from vibetrading_V2.data import ParquetCatalog  # lazy: keeps --help fast

    try:
        entries = ParquetCatalog(catalog).entries()
    except UserInputError as error:
        raise _fail(error) from None
    console = Console(width=160)
    if not entries:
        console.print(f"catalog {catalog} holds no datasets")
        return
    table = Table(title=f"catalog {catalog}")
    for name in ("timeframe", "symbol", "rows", "first", "last", "path", "sha256"):
        table.add_column(name, justify="right" if name == "rows" else "left")
    for e in entries:
        table.add_row(
            e.timeframe,
            e.symbol,
            str(e.rows),
            e.first_timestamp or "-",
            e.last_timestamp or "-",
            e.path,
            e.sha256[:12],
        )
    console.print(table)


if __name__ == "__main__":
    app()
