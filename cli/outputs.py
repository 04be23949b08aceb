"""Checks of where a command will write, made before it runs: a mistake costs no backtest.

A directory the run will write into must be a directory (or not exist yet) and the nearest
existing folder above it must be writable; anything else is a ``ConfigError`` naming the
path, the flag or setting that chose it, and the fix.
"""

from __future__ import annotations

import os
from pathlib import Path

from vibetrading_V2.core.errors import ConfigError

__all__ = ["check_writable_dir", "write_failure"]


def check_writable_dir(path: Path, what: str) -> None:
    """Refuse ``path`` as an output directory unless it can be created and written.

    ``what`` names where the path came from, e.g. ``--out``.
    Nothing is created here.
    """
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"{what} names an existing file, not a directory",
            path=str(path),
            field=what,
            hint=f"give {what} a directory (new or existing), or move the file away",
        )
    existing = path
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(
            f"{what} cannot be created: {existing} is a file",
            path=str(path),
            field=what,
            hint=f"give {what} a path whose parent folders are directories",
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{what} is not writable (no write permission on {existing})",
            path=str(path),
            field=what,
            hint=f"give {what} a directory you can write to",
        )


def write_failure(exc: OSError, what: str) -> ConfigError:
    """A failed write (disk full, permissions changed mid-run) as a plain typed error."""
    reason = exc.strerror or str(exc)
    where = exc.filename if exc.filename is not None else None
    return ConfigError(
        f"cannot write the run's outputs: {reason}",
        path=None if where is None else str(where),
        field=what,
        hint=f"free disk space or fix the permissions, or give another {what}",
    )
