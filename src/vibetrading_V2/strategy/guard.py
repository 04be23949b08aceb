"""The runtime guard: strategy callbacks may compute, never touch files, network or processes.

The load-time sandbox sees what a file imports; it cannot see ``pd.read_csv(path)`` or
``np.save`` inside ``on_bar``. :class:`RuntimeGuard` closes that gap with a CPython audit
hook (``sys.addaudithook``): while ``guard.active`` is true, on the thread that armed it,
file writes, reads outside the Python installation, directory listings outside it, network,
process creation, ``ctypes`` and environment changes raise
:class:`~vibetrading_V2.core.errors.SandboxViolationError`.

Audit hooks can be neither removed nor listed, so the module installs **one** hook per
process, when the first guard is built, and shares it: the hook asks every live guard in
turn (:func:`installed_hook_count` says how many hooks this module installed: one). Each
engine still keeps a guard of its own, with its own ``active`` flag, arming thread and
violation count, so two engines in one process never arm or disarm each other. The hook
holds guards weakly, so a dropped engine's guard stops being asked once it is collected,
and building many engines (tests, sweeps) piles up neither hooks nor guards. Toggling is a
plain attribute write; the hook reads that attribute first, so an idle guard costs one
attribute check per audit event.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import threading
import weakref
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import ParamSpec, TypeVar

from mypy_extensions import mypyc_attr

from vibetrading_V2.core.errors import SandboxViolationError
from vibetrading_V2.strategy.guard_refusal import BytecodeCacheRefused

__all__ = ["RuntimeGuard", "default_readable_roots", "installed_hook_count", "live_guard_count"]

P = ParamSpec("P")
R = TypeVar("R")

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_TRUNC

# exact audit event names -> what kind of I/O they are
_REFUSED_EVENTS: dict[str, str] = {
    "os.remove": "file deletion",
    "os.rmdir": "file deletion",
    "os.rename": "file rename",
    "os.mkdir": "directory creation",
    "os.chmod": "file permission change",
    "os.chown": "file ownership change",
    "os.link": "link creation",
    "os.symlink": "link creation",
    "os.truncate": "file write",
    "os.utime": "file write",
    "os.chdir": "working directory change",
    "os.chflags": "file flags change",
    "os.setxattr": "file write",
    "os.removexattr": "file write",
    "os.putenv": "environment change",
    "os.unsetenv": "environment change",
    "os.system": "process creation",
    "os.exec": "process creation",
    "os.posix_spawn": "process creation",
    "os.spawn": "process creation",
    "os.fork": "process creation",
    "os.forkpty": "process creation",
    "os.kill": "signalling a process",
    "os.killpg": "signalling a process",
    "os.startfile": "process creation",
    "subprocess.Popen": "process creation",
    "pty.spawn": "process creation",
    "_thread.start_new_thread": "thread creation",
    "urllib.Request": "network access",
    "webbrowser.open": "process creation",
    "mmap.__new__": "memory-mapped file",
    "sqlite3.connect": "database access",
    "builtins.input": "terminal input",
    "builtins.breakpoint": "debugger",
    "gc.get_objects": "object-graph introspection",
    "gc.get_referrers": "object-graph introspection",
    "gc.get_referents": "object-graph introspection",
    "sys._current_frames": "frame introspection",
    "glob.glob": "directory listing",
    "glob.glob/2": "directory listing",
    "pathlib.Path.glob": "directory listing",
    "pathlib.Path.rglob": "directory listing",
}

# audit event prefixes -> what kind of I/O they are
_REFUSED_PREFIXES: dict[str, str] = {
    "socket.": "network access",
    "http.client.": "network access",
    "ftplib.": "network access",
    "smtplib.": "network access",
    "imaplib.": "network access",
    "poplib.": "network access",
    "nntplib.": "network access",
    "telnetlib.": "network access",
    "ssl.": "network access",
    "ctypes.": "raw C access",
    "shutil.": "file-system change",
    "tempfile.": "temporary file creation",
    "winreg.": "registry access",
}
_PREFIXES = tuple(_REFUSED_PREFIXES)


def default_readable_roots() -> tuple[str, ...]:
    """Directories a guarded callback may read: interpreter, site-packages, tz and CPU info.

    Lazy imports inside numpy and pandas read modules from these; nothing else is readable.
    """
    roots: list[str] = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    paths = sysconfig.get_paths()
    roots.extend(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib"))
    roots.extend(zoneinfo.TZPATH)
    # CPU counts and quotas, which pandas and thread pools read to size themselves
    roots.extend(("/sys/fs/cgroup", "/sys/devices/system/cpu"))
    # the framework's own package (an editable install lives outside site-packages)
    roots.append(str(Path(__file__).resolve().parents[1]))
    return _normalise(roots)


def _is_import_path(target: object) -> bool:
    """True for a directory on ``sys.path``: the import system lists those to find modules.

    Only the entry itself is allowed (not what lies below it), so a lazy import inside a
    library works while the strategy still cannot browse the disk.
    """
    if not isinstance(target, (str, bytes, os.PathLike)):
        return False
    try:
        wanted = os.path.realpath(os.fsdecode(target))
        return any(os.path.realpath(entry or ".") == wanted for entry in sys.path)
    except (OSError, TypeError, ValueError):
        return False


def _normalise(roots: Iterable[str]) -> tuple[str, ...]:
    out = {os.path.join(os.path.realpath(root), "") for root in roots if root}
    return tuple(sorted(out))


@mypyc_attr(native_class=False)
class _Handle:
    """What the process hook holds of a guard, weakly: a compiled class has no weak refs."""

    def __init__(self, guard: RuntimeGuard) -> None:
        self.guard = guard  # a cycle with guard._handle: both go when the engine drops them


_HOOK_LOCK = threading.Lock()
_hooks_installed = 0
_served: tuple[weakref.ref[_Handle], ...] = ()


def _dispatch(event: str, args: tuple[object, ...]) -> None:
    """The process's one audit hook: every live guard that is armed checks the event."""
    for ref in _served:
        handle = ref()
        if handle is not None:
            guard: RuntimeGuard = handle.guard
            if guard.active:
                guard._audit(event, args)


def _serve(handle: _Handle) -> None:
    """Add a guard to those the hook asks (dropping collected ones); install it once."""
    global _hooks_installed, _served
    with _HOOK_LOCK:
        live = tuple(ref for ref in _served if ref() is not None)
        _served = (*live, weakref.ref(handle))  # a new tuple: the hook iterates without a lock
        if _hooks_installed == 0:
            sys.addaudithook(_dispatch)
            _hooks_installed += 1


def installed_hook_count() -> int:
    """How many audit hooks this module installed in the process: 1 once a guard exists."""
    return _hooks_installed


def live_guard_count() -> int:
    """How many guards the process hook still asks (collected ones no longer count)."""
    return sum(1 for ref in _served if ref() is not None)


class RuntimeGuard:
    """Refuses file, network and process I/O while ``active`` is true on the arming thread.

    Why it exists: the engine runs user callbacks ~a million times per backtest and must
    stop a strategy from reading files or calling out without paying per call. Arm it with
    ``guard.active = True`` / ``False`` around a call (cheapest), ``with guard:`` or
    ``guard.run(fn, *args)``. Other threads (a venue's socket reader, the logger) and other
    guards (another engine's, armed or not) are never affected. Every refusal is also
    counted in ``violation_count`` (the latest kept in ``last_violation``) so a strategy
    that catches the error is still found out.
    """

    def __init__(self, *, readable_roots: Iterable[str] | None = None) -> None:
        self.active = False
        self.thread_id = threading.get_ident()
        self.violation_count = 0
        self.last_violation: SandboxViolationError | None = None
        self._depth = 0
        roots = default_readable_roots() if readable_roots is None else readable_roots
        self._readable = _normalise(roots)
        self._handle = _Handle(self)
        _serve(self._handle)

    def bind_to_current_thread(self) -> None:
        """Make the calling thread the one whose callbacks are guarded."""
        self.thread_id = threading.get_ident()

    def run(self, fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
        """Call ``fn`` with the guard armed on this thread, and disarm it afterwards."""
        with self:
            return fn(*args, **kwargs)

    def __enter__(self) -> RuntimeGuard:
        self.thread_id = threading.get_ident()
        self._depth += 1
        self.active = True
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._depth -= 1
        self.active = self._depth > 0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Temporarily lift the guard (for the engine's own I/O inside a guarded span)."""
        was = self.active
        self.active = False
        try:
            yield
        finally:
            self.active = was

    def _audit(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active:
            return
        if threading.get_ident() != self.thread_id:
            return
        self.active = False  # the checks below must not re-enter the hook
        try:
            problem = self._problem(event, args)
        finally:
            self.active = True
        if problem is not None:
            error = SandboxViolationError(
                f"strategy code attempted {problem} (audit event {event!r})",
                hint="strategies only compute: data arrives through features(frame) and "
                "on_bar(bar), orders leave as intents; remove the I/O",
            )
            self.violation_count += 1
            self.last_violation = error
            raise error

    def _problem(self, event: str, args: tuple[object, ...]) -> str | None:
        kind = _REFUSED_EVENTS.get(event)
        if kind is not None:
            return kind
        if event.startswith(_PREFIXES):
            return next(v for k, v in _REFUSED_PREFIXES.items() if event.startswith(k))
        if event == "open":
            return self._open_problem(args)
        if event in ("os.listdir", "os.scandir"):
            target = args[0] if args and args[0] is not None else "."
            if self._readable_path(target) or _is_import_path(target):
                return None
            return f"directory listing of {target!r}"
        return None

    def _open_problem(self, args: tuple[object, ...]) -> str | None:
        path, mode, flags = (*args, None, None, None)[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS != 0
        )
        if writing:
            text = _as_text(path)
            if text is not None and "__pycache__" in text and ".pyc" in text:
                raise BytecodeCacheRefused(f"bytecode cache write refused: {text}")
            return f"writing file {path!r}"
        if self._readable_path(path):
            return None
        return f"reading file {path!r}"

    def _readable_path(self, path: object) -> bool:
        text = _as_text(path)
        if text is None:
            return False
        real = os.path.realpath(text)
        return any(real.startswith(root) or real + os.sep == root for root in self._readable)


def _as_text(path: object) -> str | None:
    """The path as text, or ``None`` for file descriptors and other non-path objects."""
    if isinstance(path, (int, bool)) or path is None:
        return None
    try:
        fs = os.fspath(path)  # type: ignore[call-overload]
    except TypeError:
        return None
    return os.fsdecode(fs)
