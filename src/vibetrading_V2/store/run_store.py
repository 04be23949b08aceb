"""The durable store of one run that starts from nothing: every backtest.

A backtest never reads state another run left behind. Unless ``state.path`` names a file,
its SQLite store is ``<out dir>/state.sqlite``, beside the run's other outputs: a new run
into the same out dir replaces it, as it replaces ``trades.csv``. A file named by
``state.path`` is never deleted; it must be new or empty, or the run refuses it
(``ForeignStateError``). A resumable paper or live session keeps its state in a file of its
own (``session_store``): reopened, it continues the session it holds.
"""

from __future__ import annotations

import time
from pathlib import Path

from vibetrading_V2.core.ports import Clock
from vibetrading_V2.store.crash_points import CrashingStore, armed
from vibetrading_V2.store.sqlite import SqliteStateStore

__all__ = [
    "RUN_STORE_NAME",
    "new_run_store",
    "remove_store_files",
    "run_store",
    "session_store",
]

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
    id_seed: str | None = None,
) -> SqliteStateStore:
    """The opened SQLite store of a run that starts from nothing, checked empty.

    Opened here, so a foreign store is refused before the run starts rather than at its
    first order. ``clock`` stamps each row's ``recorded_ns``; ``run_id``, ``account`` and
    ``venue`` name the run and whose rows it writes; ``id_seed`` its client id prefix.
    """
    if path is None:
        target = Path(out_dir) / RUN_STORE_NAME
        remove_store_files(target)  # the previous run's, in this out dir
    else:
        target = Path(path)
    return SqliteStateStore(
        target, new_run=True, clock=clock, run_id=run_id, account=account, venue=venue,
        id_seed=id_seed,
    ).open()


def session_store(
    path: Path | str,
    clock: Clock | None = None,
    *,
    run_id: str | None = None,
    account: str = "account",
    venue: str = "simulator",
    strategy_ids: tuple[str, ...] | None = None,
    adopt: bool = False,
    new_session: bool = False,
    id_seed: str | None = None,
) -> SqliteStateStore:
    """The opened store of a resumable paper or live session at ``path``.

    A store holding another account's or strategy set's rows is refused unless ``adopt``.
    ``new_session``: the session the file holds is ended first: the file (and its
    companions) is renamed aside to ``<name>.ended-<wall ns>``, never deleted.
    """
    target = Path(path)
    if new_session and target.is_file():
        stamp = time.time_ns()
        for suffix in ("", *_SIDE_FILES):
            old = target.with_name(target.name + suffix)
            if old.is_file():
                old.rename(target.with_name(f"{target.name}.ended-{stamp}{suffix}"))
    crash = armed()  # the crash test's kill hook (``crash_points``), never armed otherwise
    kind = SqliteStateStore if crash is None else CrashingStore
    store = kind(
        target, clock=clock, run_id=run_id, account=account, venue=venue,
        strategy_ids=strategy_ids, adopt=adopt, id_seed=id_seed,
    )  # fmt: skip
    if isinstance(store, CrashingStore):
        store.crash = crash
    return store.open()


def run_store(
    session: bool,
    out_dir: Path | str,
    path: Path | str | None = None,
    clock: Clock | None = None,
    *,
    run_id: str | None = None,
    account: str = "account",
    venue: str = "simulator",
    strategy_ids: tuple[str, ...] | None = None,
    adopt: bool = False,
    new_session: bool = False,
    id_seed: str | None = None,
) -> SqliteStateStore:
    """The SQLite store of a run: with ``session`` and a ``path`` (a paper or live session),
    ``session_store``; else a new store checked empty (``new_run_store``)."""
    if not session or path is None:
        return new_run_store(out_dir, path, clock, run_id=run_id, account=account, venue=venue,
                             id_seed=id_seed)
    return session_store(
        path, clock, run_id=run_id, account=account, venue=venue, strategy_ids=strategy_ids,
        adopt=adopt, new_session=new_session, id_seed=id_seed,
    )  # fmt: skip
