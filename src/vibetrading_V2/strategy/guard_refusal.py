"""The guard's quiet refusal of bytecode-cache writes (kept apart: compiled modules cannot
define subclasses of built-in exceptions, and the guard is compiled)."""

from __future__ import annotations

__all__ = ["BytecodeCacheRefused"]


class BytecodeCacheRefused(PermissionError):
    """Raised for ``__pycache__`` writes so the import system quietly skips caching."""
