"""Which build of the hot modules this process runs: compiled with mypyc or plain Python.

``make native`` compiles the modules of ``native_modules.txt`` all together, and a failed
or impossible build leaves none of them compiled, so one of them tells for all.
"""

from __future__ import annotations

from importlib.machinery import EXTENSION_SUFFIXES
from typing import Literal

from vibetrading_V2.core import types

__all__ = ["Build", "build_info"]

Build = Literal["compiled", "plain-python"]


def build_info() -> Build:
    """``"compiled"`` when the hot modules load as C extensions, else ``"plain-python"``."""
    origin = types.__file__ or ""
    return "compiled" if origin.endswith(tuple(EXTENSION_SUFFIXES)) else "plain-python"
