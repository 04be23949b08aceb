"""The durable store of one run that starts from nothing: every backtest.

A backtest never reads state another run left behind. Unless ``state.path`` names a file,
its SQLite store is ``<out dir>/state.sqlite``, beside the run's other outputs: a new run
into the same out dir replaces it, as it replaces ``trades.csv``. A file named by
``state.path`` is never deleted; it must be new or empty, or the run refuses it
(``ForeignStateError``). A resumable paper or live session keeps its state in a file of its
own and does not come through here.
"""

from __future__ import annotations

from pathlib import Path

from vibetrading_V2.core.ports import Clock
from vibetrading_V2.store.sqlite import SqliteStateStore

__all__ = ["RUN_STORE_NAME", "new_run_store", "remove_store_files"]

RUN_STORE_NAME = "state.sqlite"
_SIDE_FILES = ("-wal", "-shm", "-journal")  # SQLite's companions of a database file


def remove_store_files(path: Path) -> None:
    """Delete a SQLite file and its companion files, where they exist as plain files."""
    for candidate in (path, *(path.with_name(path.name + s) for s in _SIDE_FILES)):
        if candidate.is_file():
            candidate.unlink()


def new_run_store(
    out_dir: Path | str,
    path: Path | str | None = None,
    clock: Clock | None = None,
    *,
    run_id: str | None = None,
    account: str = "account",
    venue: str = "simulator",
) -> SqliteStateStore:
    """The opened SQLite store of a run that starts from nothing, checked empty.

    Opened here, so a foreign store is refused before the run starts rather than at its
    first order. ``clock`` stamps each row's ``recorded_ns``; ``run_id``, ``account`` and
    ``venue`` name the run and whose rows it writes.
    """
    if path is None:
        target = Path(out_dir) / RUN_STORE_NAME
        remove_store_files(target)  # the previous run's, in this out dir
    else:
        target = Path(path)
    return SqliteStateStore(
        target, new_run=True, clock=clock, run_id=run_id, account=account, venue=venue
    ).open()
