"""What ``cli.live`` checks before it starts and ``cli.doctor`` reports: the env's facts.

Where a run writes (outputs, its log, its state store), whether an env is a live one with
a real venue, and which store file a run of the env would open. Nothing here creates,
opens or writes anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cli.outputs import check_writable_dir
from cli.settings import AppSettings
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.store.run_store import RUN_STORE_NAME

__all__ = [
    "RunDirectory",
    "check_live_env",
    "check_run_directories",
    "run_directories",
    "store_file",
]

SIMULATOR = "simulator"


@dataclass(frozen=True)
class RunDirectory:
    """A directory a run writes into, what it holds and the setting that chose it."""

    path: Path
    holds: tuple[str, ...]
    setting: str


def run_directories(settings: AppSettings) -> list[RunDirectory]:
    """The output directory (outputs and the run's log) and the state file's directory."""
    out = settings.output.directory
    holds = ["outputs", "log"]
    directories = []
    state = store_file(settings)
    if state is not None and state.parent == out:
        holds.append("state")
    elif state is not None:
        directories.append(RunDirectory(state.parent, ("state",), "state.path"))
    return [RunDirectory(out, tuple(holds), "output.directory"), *directories]


def check_run_directories(settings: AppSettings) -> None:
    """Refuse a run directory that cannot be created or written (``ConfigError``)."""
    for directory in run_directories(settings):
        check_writable_dir(directory.path, directory.setting)


def store_file(settings: AppSettings) -> Path | None:
    """The SQLite file a run of this env opens; ``None`` when its state is in memory.

    Without ``state.path`` each run keeps a new store in its output directory: the file
    there is the last run's.
    """
    if settings.state.backend != "sqlite":
        return None
    if settings.state.path is not None:
        return settings.state.path
    return settings.output.directory / RUN_STORE_NAME


def check_live_env(settings: AppSettings) -> None:
    """A live run needs an env of ``kind: live`` whose execution is a real venue."""
    if settings.kind != "live":
        raise ConfigError(
            f"env {settings.env!r} is a {settings.kind} env, not a live one",
            field="kind",
            hint="run cli.live with an env whose YAML says kind: live (e.g. --env prod); "
            f"a {settings.kind} env runs with cli.{_command_of(settings.kind)}",
        )
    if settings.execution.venue == SIMULATOR:
        raise ConfigError(
            f"env {settings.env!r} is a live env but its execution.venue is the simulator",
            field="execution.venue",
            hint="set execution.venue to bybit or ibkr for live trading, or use cli.paper "
            "to trade on the simulator",
        )


def _command_of(kind: str) -> str:
    return "paper" if kind == "paper" else "backtest"
