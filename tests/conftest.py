"""Session checks: refuse to test a stale compiled build of the hot modules.

``make native`` compiles the modules of ``native_modules.txt`` beside their sources; the
compiled file shadows the source on import. A source edited after the build would
otherwise go untested, so the run stops and says how to rebuild.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def listed_native_modules(root: Path = ROOT) -> list[str]:
    """The sources named in ``native_modules.txt`` (none if there is no such file)."""
    listing = root / "native_modules.txt"
    if not listing.is_file():
        return []
    lines = (line.strip() for line in listing.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def stale_native_modules(root: Path = ROOT) -> list[str]:
    """Listed sources that are newer than their compiled extension (none if not built)."""
    # the code of every compiled module lives in one shared library; each module's own
    # extension is a small loader that a rebuild may leave untouched
    shared = sorted((root / "src" / "vibetrading_V2").glob("native__mypyc.*.so"))
    stale = []
    for source in listed_native_modules(root):
        path = root / source
        built = sorted(path.parent.glob(f"{path.stem}.*.so"))
        if not built:
            continue
        built_at = max(p.stat().st_mtime for p in [*built, *shared])
        if path.stat().st_mtime > built_at:
            stale.append(source)
    return stale


def unlisted_native_modules(root: Path = ROOT) -> list[str]:
    """Compiled modules whose source is no longer listed (they would shadow it)."""
    listed = set(listed_native_modules(root))
    package = root / "src" / "vibetrading_V2"
    return sorted(
        str(path.relative_to(root))
        for path in package.rglob("*.so")
        if not path.name.startswith("native__mypyc")
        and str(path.parent.relative_to(root) / f"{path.name.split('.')[0]}.py") not in listed
    )


def recorded_fallback(root: Path = ROOT) -> str | None:
    """Why ``make native`` kept the plain-Python modules (``.venv/.native``), or None."""
    record = root / ".venv" / ".native"
    if not record.is_file():
        return None
    lines = record.read_text(encoding="utf-8").splitlines()
    if not lines or lines[0] != "plain-python":
        return None
    return lines[1] if len(lines) > 1 else "no reason recorded"


def check_required_build(root: Path = ROOT) -> str | None:
    """Under ``VIBETRADING_REQUIRE_NATIVE=1``: refuse the plain sources, unless ``make
    native`` recorded that this machine cannot compile them; then a warning to print."""
    from vibetrading_V2.ops.build import build_info

    if build_info() == "compiled":
        return None
    fallback = recorded_fallback(root)
    if fallback is None:
        raise pytest.UsageError(
            "VIBETRADING_REQUIRE_NATIVE=1 but the hot modules are the plain sources; "
            "run `make native`"
        )
    return f"testing the plain-Python modules: `make native` could not compile ({fallback})"


def pytest_configure(config: pytest.Config) -> None:
    # `make test` sets it: the compiled build, or the plain one where make recorded that
    # it cannot compile (not VT_: those name settings)
    if os.environ.get("VIBETRADING_REQUIRE_NATIVE") == "1":
        warning = check_required_build()
        if warning is not None:
            config.issue_config_time_warning(pytest.PytestConfigWarning(warning), stacklevel=2)
    unlisted = unlisted_native_modules()
    if unlisted:
        raise pytest.UsageError(
            f"compiled modules not in native_modules.txt: {', '.join(unlisted)}; run "
            "`make native` (it deletes old builds first)"
        )
    stale = stale_native_modules()
    if stale:
        raise pytest.UsageError(
            f"the compiled build is older than {', '.join(stale)}; run `make native` "
            "(or `find src -name '*.so' -delete` to test the plain sources)"
        )
