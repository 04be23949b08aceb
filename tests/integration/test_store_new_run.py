"""A run that starts from nothing gets a store of its own and refuses one that holds state."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.errors import EXIT_USER_INPUT, exit_code_for
from vibetrading_V2.core.errors import ForeignStateError, StateStoreError
from vibetrading_V2.core.types import Fill, Intent, Side
from vibetrading_V2.store.run_store import RUN_STORE_NAME, new_run_store, remove_store_files
from vibetrading_V2.store.sqlite import SqliteStateStore


def _fill(execution_id: str) -> Fill:
    return Fill(execution_id, "c1", "EURUSD", Side.BUY, 1.0, 1.1, 0.0, 1, "s1")


def _planted(path: Path, *, control: bool = False, fill: bool = False,
             intent: bool = False) -> Path:
    with SqliteStateStore(path) as store:
        if control:
            store.set_control("risk_snapshot:s1", "{}")
        if fill:
            store.record_fill(_fill("e1"))
        if intent:
            store.record_intent(1, "s1", Intent.long("EURUSD"))
    return path


@pytest.mark.parametrize("planted", ["control", "fill", "intent"])
def test_new_run_store_when_file_holds_state_then_refused_naming_file_and_fix(
    tmp_path: Path, planted: str
) -> None:
    path = _planted(tmp_path / "used.sqlite", **{planted: True})
    with pytest.raises(ForeignStateError) as info:
        SqliteStateStore(path, new_run=True).open()
    error = info.value
    assert error.path == str(path)
    assert error.field == "state.path"
    assert error.hint is not None and f"delete {path}" in error.hint
    assert "written by another run" in error.message


def test_foreign_state_error_when_raised_then_user_input_exit_code_and_store_error() -> None:
    error = ForeignStateError("x", path="p")
    assert isinstance(error, StateStoreError)
    assert exit_code_for(error) == EXIT_USER_INPUT


def test_new_run_store_when_refused_then_file_left_untouched(tmp_path: Path) -> None:
    path = _planted(tmp_path / "used.sqlite", fill=True)
    with pytest.raises(ForeignStateError):
        SqliteStateStore(path, new_run=True).open()
    with SqliteStateStore(path) as store:
        assert [f.execution_id for f in store.fills()] == ["e1"]


def test_new_run_store_when_empty_schema_exists_then_accepted(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    with SqliteStateStore(path):
        pass
    with SqliteStateStore(path, new_run=True) as store:
        assert store.record_fill(_fill("e1"))


def test_new_run_store_when_reopened_after_own_writes_then_not_refused(tmp_path: Path) -> None:
    store = SqliteStateStore(tmp_path / "s.sqlite", new_run=True)
    store.set_control("k", "v")
    store.close()
    store.open()
    assert store.get_control("k") == "v"
    store.close()


def test_run_store_when_path_unset_then_previous_runs_store_in_out_dir_replaced(
    tmp_path: Path,
) -> None:
    previous = _planted(tmp_path / RUN_STORE_NAME, fill=True, control=True)
    previous.with_name(RUN_STORE_NAME + "-wal").write_bytes(b"")
    store = new_run_store(tmp_path)
    try:
        assert store.path == previous
        assert store.fills() == [] and store.controls() == {}
    finally:
        store.close()


def test_run_store_when_path_set_then_never_deleted_and_refused(tmp_path: Path) -> None:
    path = _planted(tmp_path / "kept.sqlite", control=True)
    with pytest.raises(ForeignStateError):
        new_run_store(tmp_path / "out", path)
    assert path.is_file()


def test_remove_store_files_when_absent_then_nothing_happens(tmp_path: Path) -> None:
    remove_store_files(tmp_path / "none.sqlite")
    assert list(tmp_path.iterdir()) == []


def test_sqlite_store_when_parent_is_a_file_then_state_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(StateStoreError) as info:
        SqliteStateStore(blocker / RUN_STORE_NAME).open()
    assert "directory" in info.value.message
