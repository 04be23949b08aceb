"""The submit-rate throttle: at most N orders in any one second of the run's clock."""

from __future__ import annotations

from collections import deque
from typing import Final

from vibetrading_V2.core.types import NS_PER_SECOND

__all__ = ["SubmitThrottle"]

_WINDOW_NS: Final = NS_PER_SECOND


class SubmitThrottle:
    """Admits an order when fewer than ``limit`` were admitted in the second before it.

    Why it exists: a strategy caught in a loop must not flood a venue (which would ban the
    key, and with it the exits); the excess is denied with a reason instead of sent. The
    window slides: the times of the last ``limit`` admitted orders are kept.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._sent: deque[int] = deque()

    def admit(self, now_ns: int) -> bool:
        """Count one order at ``now_ns`` if the window has room; ``False`` if it has none."""
        sent = self._sent
        while sent and now_ns - sent[0] >= _WINDOW_NS:
            sent.popleft()
        if len(sent) >= self.limit:
            return False
        sent.append(now_ns)
        return True
