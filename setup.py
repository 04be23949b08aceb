"""Build script: the package as plain Python, and on request its hot modules compiled.

``pip install -e .`` installs plain Python (pyproject.toml holds the metadata). With
``VIBETRADING_NATIVE_BUILD=1`` the modules in ``native_modules.txt`` are compiled to C
extensions with mypyc, in place beside their sources (``make native`` does it after the
install, when numpy and the other typed dependencies mypyc checks against are present).
The compiled and the plain modules are the same source, so behaviour is the same; the
compiled ones are several times faster on the per-bar and per-order paths.

The native build says what it is doing at each stage. A machine that cannot compile C (no
compiler, no Python headers, or a failing C build) keeps the plain modules: one warning
line says how much slower they are, and the outcome ("compiled" or "plain-python" and why)
is written to the file named by ``VIBETRADING_NATIVE_RECORD`` (``make`` uses
``.venv/.native``). A mypyc error is not a machine's limit but a bug in a listed module,
and fails the build.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.errors import CCompilerError, ExecError, PlatformError

HERE = Path(__file__).resolve().parent
# (not VT_ variables: those are settings, and the settings refuse unknown ones)
BUILD_VAR = "VIBETRADING_NATIVE_BUILD"
RECORD_VAR = "VIBETRADING_NATIVE_RECORD"
# `make bench` (1M bars, SMA cross, best of 5), plain sources against the compiled build;
# the figures are in README "The compiled build"
PLAIN_SLOWDOWN = "about 4x"


def say(message: str) -> None:
    print(f"native build: {message}", flush=True)


def native_modules() -> list[str]:
    """Source paths (relative to the project root) of the modules to compile."""
    listing = HERE / "native_modules.txt"
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def record(build: str, detail: str) -> None:
    """Write the outcome where ``make``, pytest and the user can read it."""
    target = os.environ.get(RECORD_VAR)
    if target:
        Path(target).write_text(f"{build}\n{detail}\n", encoding="utf-8")


def fall_back(problem: str) -> None:
    """Keep the plain-Python modules: no compiled file may shadow a source."""
    for built in (HERE / "src").rglob("*.so"):
        built.unlink()
    print(
        f"warning: {problem}; using the plain-Python modules: the backtest loop runs "
        f"{PLAIN_SLOWDOWN} slower (install gcc and the Python headers, then "
        "`rm .venv/.native && make native`)",
        file=sys.stderr,
        flush=True,
    )
    record("plain-python", problem)


def compiler_command() -> list[str]:
    """The C compiler setuptools will call: ``$CC`` or the one Python was built with."""
    return shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")


def compiler_problem() -> str | None:
    """Why this machine cannot build a C extension (a probe that includes Python.h), or None."""
    cc = compiler_command()
    if not cc or shutil.which(cc[0]) is None:
        return f"no C compiler ({cc[0] if cc else 'CC is empty'} not found)"
    with tempfile.TemporaryDirectory() as scratch:
        probe = Path(scratch) / "probe.c"
        probe.write_text("#include <Python.h>\nint vt_probe(void) { return 0; }\n")
        paths = sysconfig.get_paths()
        includes = [f"-I{paths[key]}" for key in ("include", "platinclude")]
        command = [*cc, "-c", str(probe), "-o", str(probe.with_suffix(".o")), *includes]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"the C compiler {cc[0]} cannot run ({exc})"
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return f"{cc[0]} cannot compile a Python extension ({lines[0] if lines else 'failed'})"
    return None


class NativeBuildExt(build_ext):
    """``build_ext`` that reports each extension and falls back when the C build fails."""

    _done = 0  # extensions started so far

    def run(self) -> None:
        if not self.extensions:
            return
        say(f"compiling the C code with {compiler_command()[0]}: the shared library of all "
            f"the code (the long step, about a minute), then {len(self.extensions) - 1} small "
            "module loaders...")
        started = time.perf_counter()
        try:
            super().run()
        except (CCompilerError, ExecError, PlatformError) as exc:
            fall_back(f"the C build failed ({exc})")
            return
        seconds = time.perf_counter() - started
        say(f"compiled {len(self.extensions)} extensions in {seconds:.0f} s")
        record("compiled", f"{len(native_modules())} modules compiled with mypyc")

    def build_extension(self, ext: Extension) -> None:
        self._done += 1
        say(f"[{self._done}/{len(self.extensions)}] {ext.name}")
        with heartbeat(f"still compiling {ext.name}"):
            super().build_extension(ext)


@contextmanager
def heartbeat(doing: str, every: float = 20.0) -> Iterator[None]:
    """Say ``doing`` with the seconds spent, every ``every`` s, until the block ends."""
    stop, started = threading.Event(), time.perf_counter()

    def beat() -> None:
        while not stop.wait(every):
            say(f"... {doing} ({time.perf_counter() - started:.0f} s)")

    thread = threading.Thread(target=beat, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def ext_modules() -> list[Extension]:
    if os.environ.get(BUILD_VAR) != "1":
        return []
    problem = compiler_problem()
    if problem is not None:
        fall_back(problem)
        return []
    from mypyc.build import mypycify

    modules = native_modules()
    say(f"type-checking {len(modules)} hot modules and translating them to C with mypyc "
        "(about half a minute)...")
    started = time.perf_counter()
    extensions = mypycify(modules, opt_level="3", group_name="vibetrading_V2.native")
    say(f"translated in {time.perf_counter() - started:.0f} s")
    # the shared library holds the code of every module: start the long compile first
    return sorted(extensions, key=lambda ext: not ext.name.endswith("__mypyc"))


setup(ext_modules=ext_modules(), cmdclass={"build_ext": NativeBuildExt})
