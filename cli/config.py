"""``python -m cli.config show --env ENV``: the merged settings and where each value came from.

Every setting is shown with its value after layering and its source: ``default`` (the
settings model), ``config/base.yaml``, ``config/<env>.yaml`` or the ``VT_*`` environment
variable that set it. Paths are shown resolved against the project root, as a run uses
them. Exit codes: 0 ok, 2 a configuration error (printed without a traceback).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cli.errors import exit_code_for
from cli.settings import CONFIG_DIR_VARIABLE, ENV_PREFIX, find_config_dir, load_settings
from vibetrading_V2.core.errors import VibeTradingError

__all__ = ["app", "setting_sources"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False,
                  no_args_is_help=True)


@app.callback()
def _group() -> None:
    """Inspect the layered configuration."""


@app.command("show")
def show(
    env: Annotated[str, typer.Option(help="config/<env>.yaml to layer on base.yaml")] = "dev",
    config_dir: Annotated[Path | None, typer.Option(help="the config/ directory")] = None,
) -> None:
    """Print every setting of ENV with its value and the layer that set it."""
    out, err = Console(highlight=False), Console(stderr=True, highlight=False)
    try:
        directory = find_config_dir(config_dir)
        settings = load_settings(env, directory)
    except VibeTradingError as exc:
        err.print(Text(f"error: {type(exc).__name__}", style="bold red"))
        err.print(Text(str(exc)))
        raise typer.Exit(exit_code_for(exc)) from None
    values = dict(_leaves(settings.model_dump(mode="json")))
    sources = setting_sources(env, directory, os.environ)
    table = Table(title=f"settings of env {env!r} (config: {directory})")
    table.add_column("setting", no_wrap=True)
    table.add_column("value", overflow="fold")
    table.add_column("source", no_wrap=True)
    for key, value in values.items():
        table.add_row(Text(key), Text(_text(value)), Text(sources.get(key, "default")))
    out.print(table)
    out.print(Text(f"project root (relative paths): {settings.project_root}"))


def setting_sources(
    env: str, config_dir: Path, environ: Mapping[str, str]
) -> dict[str, str]:
    """Dotted setting name -> the last layer that set it (settings not listed: default)."""
    sources: dict[str, str] = {"env": "--env"}
    for name in ("base", env):
        file = config_dir / f"{name}.yaml"
        data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else None
        label = f"{config_dir.name}/{file.name}"
        for key, _ in _leaves(data if isinstance(data, dict) else {}):
            sources[key] = label
    for variable in sorted(environ):
        upper = variable.upper()
        if not upper.startswith(ENV_PREFIX) or upper == CONFIG_DIR_VARIABLE:
            continue
        key = ".".join(variable[len(ENV_PREFIX):].lower().split("__"))
        for known in list(sources):  # a variable replaces what the files set below it
            if known.startswith(key + "."):
                del sources[known]
        sources[key] = f"env var {variable}"
    return sources


def _leaves(data: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            yield from _leaves(value, name + ".")
        else:
            yield name, value


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "[]"
    return str(value)


if __name__ == "__main__":
    app()
