"""``python -m cli.control kill|pause|resume|enable|status --env ENV``: durable controls.

The controls live in the env's SQLite state store (``state.path``), so they outlive the
process that reads them and a run that starts later sees them too. ``kill`` sets the
kill switch (the run cancels every open order and halts), ``pause`` stops new orders,
``resume`` clears both. Each control is written with the wall-clock time, the OS user and
``--reason``. ``enable STRATEGY_ID`` re-enables a strategy its circuit breaker disabled
(it stays disabled across restarts until then). ``status`` prints the current controls, the
disabled strategies, the last run that opened the store and the last reconciliation
discrepancies with their resolutions. An env whose state is in
memory or in a new store per run is refused (exit 2): no run would ever read a control
written there. Exit codes are those of ``cli.backtest``.
"""

from __future__ import annotations

import getpass
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from cli.errors import exit_code_for
from cli.settings import AppSettings, load_settings
from vibetrading_V2.core.errors import ConfigError, VibeTradingError
from vibetrading_V2.runner.rebuild import DISABLED_PREFIX
from vibetrading_V2.runner.safety import ACCOUNT_ID
from vibetrading_V2.store.operator_controls import ControlRecord, RunRecord
from vibetrading_V2.store.sqlite import SqliteStateStore

__all__ = ["app", "control_store_path", "operator_name"]

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False)
LAST_DISCREPANCIES = 10  # ``status`` lists the newest reconciliation discrepancies

EnvOption = Annotated[str, typer.Option(help="config/<env>.yaml to layer on base.yaml")]
ReasonOption = Annotated[str, typer.Option(help="why, kept with the control")]
ConfigDirOption = Annotated[Path | None, typer.Option(
    help="the config/ directory (default: $VT_CONFIG_DIR, ./config, then the project's)"
)]


def control_store_path(settings: AppSettings) -> Path:
    """The env's durable SQLite file; ``ConfigError`` when the env has none."""
    state = settings.state
    fix = (
        f"set state.backend: sqlite and state.path: FILE in config/{settings.env}.yaml "
        "(or VT_STATE__BACKEND=sqlite and VT_STATE__PATH=FILE), the same file the run uses"
    )
    if state.backend != "sqlite":
        raise ConfigError(
            f"env {settings.env!r} keeps its state in memory: a control written there "
            "would be gone before any run could read it",
            field="state.backend",
            hint=fix,
        )
    if state.path is None:
        raise ConfigError(
            f"env {settings.env!r} keeps a new state store per run in its output directory "
            "(state.path is unset): no run would read a control written there",
            field="state.path",
            hint=fix,
        )
    return state.path


def operator_name() -> str:
    """The OS user running the command (its uid when the system has no name for it)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return f"uid {os.getuid()}"


def _open(settings: AppSettings) -> SqliteStateStore:
    # a tool, not a run: no run id, so it is not listed among the store's runs
    return SqliteStateStore(
        control_store_path(settings), account=ACCOUNT_ID, venue=settings.execution.venue
    ).open()


def _when(wall_ns: int) -> str:
    return datetime.fromtimestamp(wall_ns / 1e9, UTC).isoformat(timespec="seconds")


def _control_line(control: ControlRecord) -> str:
    state = "ON" if control.active else "off"
    return (f"  {control.name:<6} {state:<3}  {control.action} by {control.who} at "
            f"{_when(control.wall_ns)}: {control.reason or '(no reason given)'}")


def _run_line(run: RunRecord | None) -> str:
    if run is None:
        return "last run: none has opened this store"
    adopted = f" (adopted {run.adopted_from})" if run.adopted_from else ""
    return (f"last run: {run.run_id} for {run.account}@{run.venue}, opened "
            f"{_when(run.opened_wall_ns)}{adopted}")


def _disabled(store: SqliteStateStore) -> dict[str, str]:
    """Each disabled strategy's id and the reason its breaker gave."""
    return {key.removeprefix(DISABLED_PREFIX): reason
            for key, reason in store.controls().items()
            if key.startswith(DISABLED_PREFIX) and reason}


def _print_status(store: SqliteStateStore) -> None:
    typer.echo(f"state store: {store.path}")
    controls = store.operator_controls()
    typer.echo("controls:" if controls else "controls: none set")
    for control in controls:
        typer.echo(_control_line(control))
    disabled = _disabled(store)
    typer.echo("disabled strategies:" if disabled else "disabled strategies: none")
    for strategy_id, why in sorted(disabled.items()):
        typer.echo(f"  {strategy_id}: {why}")
    typer.echo(_run_line(store.last_run()))
    found = store.discrepancies(last=LAST_DISCREPANCIES)
    typer.echo(f"last {len(found)} reconciliation discrepancies:" if found
               else "reconciliation discrepancies: none recorded")
    for item in found:
        blocks = " (blocks trading)" if item.blocks else ""
        typer.echo(f"  {item.kind} {item.subject}{blocks}: {item.resolution}")


def _command(env: str, config_dir: Path | None, act: Callable[[SqliteStateStore], None]) -> None:
    """Load the settings, open the store, act; typed errors become exit codes."""
    console = Console(stderr=True)
    try:
        with _open(load_settings(env, config_dir)) as store:
            act(store)
    except VibeTradingError as exc:
        console.print(f"[bold red]error:[/] {type(exc).__name__}", highlight=False)
        console.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(exit_code_for(exc)) from None


def _set(action: str, env: str, reason: str, config_dir: Path | None) -> None:
    def act(store: SqliteStateStore) -> None:
        store.set_operator_control(action, reason=reason, who=operator_name(),
                                   wall_ns=time.time_ns())
        _print_status(store)

    _command(env, config_dir, act)


@app.command()
def kill(env: EnvOption = "dev", reason: ReasonOption = "",
         config_dir: ConfigDirOption = None) -> None:
    """Set the kill switch: the run cancels every open order and halts."""
    _set("kill", env, reason, config_dir)


@app.command()
def pause(env: EnvOption = "dev", reason: ReasonOption = "",
          config_dir: ConfigDirOption = None) -> None:
    """Pause: the run sends no new orders until resumed."""
    _set("pause", env, reason, config_dir)


@app.command()
def resume(env: EnvOption = "dev", reason: ReasonOption = "",
           config_dir: ConfigDirOption = None) -> None:
    """Clear the kill switch and the pause."""
    _set("resume", env, reason, config_dir)


@app.command()
def enable(
    strategy_id: Annotated[str, typer.Argument(help="a strategy id `status` lists as disabled")],
    env: EnvOption = "dev", reason: ReasonOption = "", config_dir: ConfigDirOption = None,
) -> None:
    """Re-enable a strategy its circuit breaker disabled: the next run starts it again."""
    def act(store: SqliteStateStore) -> None:
        disabled = _disabled(store)
        if strategy_id not in disabled:
            listed = ", ".join(sorted(disabled)) or "none"
            raise ConfigError(
                f"strategy {strategy_id!r} is not disabled in {store.path}",
                field="strategy_id", hint=f"disabled strategies: {listed} (see `status`)",
            )
        store.set_control(DISABLED_PREFIX + strategy_id, "")
        typer.echo(f"enabled {strategy_id} (disabled because: {disabled[strategy_id]}) by "
                   f"{operator_name()} at {_when(time.time_ns())}: "
                   f"{reason or '(no reason given)'}")
        _print_status(store)

    _command(env, config_dir, act)


@app.command()
def status(env: EnvOption = "dev", config_dir: ConfigDirOption = None) -> None:
    """Print the current controls and the last run that opened the store."""
    _command(env, config_dir, _print_status)


if __name__ == "__main__":
    app()
