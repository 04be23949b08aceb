"""A credential value that never shows itself: printed, formatted or logged it reads ``***``.

Venue adapters take their API keys as :class:`Secret` and call :meth:`Secret.reveal` only
where a request is signed, so a key handed around as a plain ``str`` cannot end up in a
traceback, an f-string, a log line or a pickled state file by accident.
"""

from __future__ import annotations

import hmac
from typing import NoReturn

__all__ = ["MASK", "Secret"]

MASK = "***"


class Secret:
    """Holds one credential; everything but :meth:`reveal` shows ``***``.

    Why it exists: the value must be asked for by name at the one place that needs it.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The value itself: call it only where a venue request is signed."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    __hash__ = None  # type: ignore[assignment]  # equal secrets are compared, not keyed

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret is never pickled or copied: it must not reach a file")
