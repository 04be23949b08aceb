"""Build script: the package as plain Python, and on request its hot modules compiled.

``pip install -e .`` installs plain Python (pyproject.toml holds the metadata). With
``VIBETRADING_NATIVE_BUILD=1`` the modules in ``native_modules.txt`` are compiled to C
extensions with mypyc, in place beside their sources (``make native`` does it after the
install, when numpy and the other typed dependencies mypyc checks against are present).
The compiled and the plain modules are the same source, so behaviour is the same; the
compiled ones are several times faster on the per-bar and per-order paths.
"""

from __future__ import annotations

import os
from pathlib import Path

from setuptools import Extension, setup

HERE = Path(__file__).resolve().parent


def native_modules() -> list[str]:
    """Source paths (relative to the project root) of the modules to compile."""
    listing = HERE / "native_modules.txt"
    lines = listing.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def ext_modules() -> list[Extension]:
    # (not a VT_ variable: those are settings, and the settings refuse unknown ones)
    if os.environ.get("VIBETRADING_NATIVE_BUILD") != "1":
        return []
    from mypyc.build import mypycify

    return list(
        mypycify(native_modules(), opt_level="3", group_name="vibetrading_V2.native")
    )


setup(ext_modules=ext_modules())
