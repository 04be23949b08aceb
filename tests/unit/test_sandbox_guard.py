"""The runtime guard: armed, it refuses file, network and process I/O on its own thread.

Every refused operation is stopped by the audit hook before it happens; the paths used
do not exist, so nothing on disk is touched even if a check regressed.
"""

from __future__ import annotations

import importlib
import os
import socket
import sys
import threading
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from strategies.my_strategy_a import get_bundle
from vibetrading_V2.core.errors import SandboxViolationError
from vibetrading_V2.strategy.guard import RuntimeGuard, default_readable_roots

MISSING = "/nonexistent-vibetrading-dir/file.csv"


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _write(path: str) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("x")


def test_guard_when_inactive_then_io_behaves_normally(guard: RuntimeGuard) -> None:
    with pytest.raises(FileNotFoundError):
        _read(MISSING)


@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: _read(MISSING), r"reading file '/nonexistent"),
        (lambda: _write(MISSING), r"writing file '/nonexistent"),
        (lambda: os.open(MISSING, os.O_RDONLY), r"reading file"),
        (lambda: os.remove(MISSING), r"file deletion"),
        (lambda: os.mkdir(MISSING), r"directory creation"),
        (lambda: os.rename(MISSING, MISSING + ".2"), r"file rename"),
        (lambda: os.listdir("/nonexistent-vibetrading-dir"), r"directory listing"),
        (lambda: os.system("true"), r"process creation \(audit event 'os.system'\)"),
        (lambda: os.putenv("VT_GUARD_TEST", "1"), r"environment change"),
        (lambda: socket.socket(), r"network access \(audit event 'socket.__new__'\)"),
        (lambda: socket.getaddrinfo("127.0.0.1", 9), r"network access"),
        (lambda: np.save(MISSING, np.zeros(1)), r"writing file"),
        (lambda: pd.read_csv(__file__), r"reading file .*test_sandbox_guard\.py"),
    ],
    ids=[
        "open-read",
        "open-write",
        "os.open",
        "remove",
        "mkdir",
        "rename",
        "listdir",
        "system",
        "putenv",
        "socket",
        "getaddrinfo",
        "np.save",
        "read_csv",
    ],
)
def test_guard_when_armed_and_io_attempted_then_sandbox_violation(
    guard: RuntimeGuard, call: object, pattern: str
) -> None:
    assert callable(call)
    with pytest.raises(SandboxViolationError, match=pattern) as caught:
        guard.run(call)
    assert caught.value.hint is not None
    assert guard.last_violation is caught.value
    assert not guard.active


def test_guard_when_subprocess_started_then_refused_before_spawn(guard: RuntimeGuard) -> None:
    import subprocess

    with pytest.raises(SandboxViolationError, match=r"subprocess\.Popen"):
        guard.run(subprocess.run, ["true"], check=False)


def test_guard_when_strategy_swallows_violation_then_it_is_still_recorded(
    guard: RuntimeGuard,
) -> None:
    def sneaky() -> str:
        try:
            return _read(MISSING)
        except SandboxViolationError:
            return "swallowed"

    before = guard.violation_count
    assert guard.run(sneaky) == "swallowed"
    assert guard.violation_count == before + 1


def test_guard_when_toggled_as_plain_attribute_then_arms_and_disarms(guard: RuntimeGuard) -> None:
    guard.bind_to_current_thread()
    guard.active = True
    try:
        with pytest.raises(SandboxViolationError):
            _read(MISSING)
    finally:
        guard.active = False
    with pytest.raises(FileNotFoundError):
        _read(MISSING)


def test_guard_when_nested_then_outer_span_stays_armed(guard: RuntimeGuard) -> None:
    with guard:
        with guard:
            assert guard.active
        assert guard.active
    assert not guard.active


def test_guard_when_paused_inside_guarded_span_then_io_allowed(guard: RuntimeGuard) -> None:
    with guard:
        with guard.paused(), pytest.raises(FileNotFoundError):
            _read(MISSING)
        assert guard.active
    assert not guard.active


def test_guard_when_other_thread_does_io_then_not_affected(guard: RuntimeGuard) -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            _read(MISSING)
        except BaseException as exc:
            errors.append(exc)

    with guard:
        thread = threading.Thread(target=worker)
        thread.start()
        thread.join()
    assert [type(e) for e in errors] == [FileNotFoundError]


def test_guard_when_library_imports_lazily_then_reads_of_the_installation_allowed(
    guard: RuntimeGuard,
) -> None:
    sys.modules.pop("colorsys", None)
    module = guard.run(importlib.import_module, "colorsys")
    assert module.__name__ == "colorsys"


def test_guard_when_bytecode_cache_written_then_quietly_refused_not_recorded(
    guard: RuntimeGuard,
) -> None:
    target = "/nonexistent-vibetrading-dir/__pycache__/m.cpython-311.pyc.123"
    before = guard.violation_count
    with pytest.raises(PermissionError):
        guard.run(_write, target)
    assert guard.violation_count == before


def test_guard_when_shipped_strategy_computes_then_no_violation(guard: RuntimeGuard) -> None:
    strategy = get_bundle().create()
    index = pd.date_range("2024-01-01", periods=300, freq="h", tz="UTC")
    close = pd.Series(np.linspace(1.0, 2.0, 300) + np.sin(np.arange(300)), index=index)
    frame = pd.DataFrame({"open": close, "high": close, "low": close, "close": close})
    frame["volume"] = 1.0
    before = guard.violation_count
    features = guard.run(strategy.features, frame)
    assert features is not None

    class Bar:
        symbol, ts_ns, index, position = "EURUSD", 0, 0, 0.0
        open = high = low = close = volume = 1.0

        def __getitem__(self, name: str) -> float:
            return float(features[name].iloc[-1])

    intent = guard.run(strategy.on_bar, Bar())
    assert intent is not None
    assert guard.violation_count == before


def test_default_readable_roots_when_computed_then_include_prefix_and_exclude_root() -> None:
    roots = default_readable_roots()
    assert any(sys.prefix.startswith(root.rstrip(os.sep)) for root in roots)
    assert os.sep not in roots
    assert all(root.endswith(os.sep) for root in roots)
