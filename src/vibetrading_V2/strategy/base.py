"""The strategy interface a user implements: two hooks and intents as the only output.

``features(frame)`` (optional) computes vectorised, causal columns once over the whole
history in a backtest and over the rolling window in live, so both see the same numbers.
``on_bar(bar)`` reads one bar (prices, features, current position) and returns an
:class:`~vibetrading_V2.core.types.Intent`, a list of them, or ``None`` to keep the last
one. Returning the very same intent object again is the cheap way to say "no change".
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from vibetrading_V2.core.ports import BarPrices
from vibetrading_V2.core.types import Fill, Intent

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["BarView", "Strategy", "StrategyOutput"]

StrategyOutput = Intent | Sequence[Intent] | None


class BarView(BarPrices, Protocol):
    """A read-only view of the current bar of one symbol, as ``on_bar`` sees it.

    The engine reuses one view object per symbol and moves it forward; keep the values you
    need, not the view. Beside the bar's prices: its row in the symbol's history, the
    strategy's position, ``bar["name"]``, a feature column (or a raw field) at this bar, and
    ``bar.prev("name", bars=1)``, its value ``bars`` bars back (NaN before the first bar).
    """

    @property
    def index(self) -> int: ...

    @property
    def position(self) -> float: ...

    def __getitem__(self, name: str) -> float: ...

    def prev(self, name: str, bars: int = 1) -> float:
        """``name`` ``bars`` bars back: NaN before the symbol's first bar; a ``StrategyError``
        for a negative count (no look-ahead) or past the history a live run keeps."""
        ...


class Strategy(ABC):
    """Base class of user strategies: declares warm-up, computes features, emits intents.

    A strategy never places orders and never does I/O; the engine turns its intents into
    orders through the sizing policy and the risk gate. Bars seen during the first
    ``warmup_bars`` bars of a symbol reach ``on_bar`` but their intents are ignored.
    """

    warmup_bars: int = 0

    def features(self, frame: pd.DataFrame) -> pd.DataFrame | None:
        """Return extra columns computed from ``frame`` (causal: row t uses rows <= t only).

        ``frame`` holds ``open, high, low, close, volume`` of one symbol indexed by UTC
        time. Return a frame of new columns with the same index, or ``None``.
        """
        return None

    @abstractmethod
    def on_bar(self, bar: BarView) -> StrategyOutput:
        """Look at one bar and return the wanted target (or ``None`` for no change)."""

    def on_fill(self, fill: Fill) -> None:  # noqa: B027 - optional hook, empty on purpose
        """Called after one of this strategy's orders filled; optional."""
