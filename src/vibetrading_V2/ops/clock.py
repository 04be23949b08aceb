"""The wall clock: real time for paper and live runs."""

from __future__ import annotations

import time

__all__ = ["WallClock"]


class WallClock:
    """Fills the ``Clock`` port from the machine's UTC clock (paper and live only)."""

    def now_ns(self) -> int:
        return time.time_ns()
