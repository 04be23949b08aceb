"""The simulated clock: time moves only when the engine moves it."""

from __future__ import annotations

__all__ = ["SimulatedClock"]


class SimulatedClock:
    """Fills the ``Clock`` port in backtests; ``ts_ns`` is set by the engine bar by bar.

    Why it exists: backtests must read time only from the data, never from the machine,
    so two runs of the same inputs see the same clock.
    """

    __slots__ = ("ts_ns",)

    def __init__(self, ts_ns: int = 0) -> None:
        self.ts_ns = ts_ns

    def now_ns(self) -> int:
        return self.ts_ns
