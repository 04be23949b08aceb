"""How a merged batch's rows are laid out: whether the symbols take turns.

A feed that merges symbols on the same times hands rows in turns: every time's rows are
the same symbols in the same order, one row each. Then each symbol's rows are a strided
view of the batch (no search, no copy); the histories, the kept candles and the equity
curve each ask this once per batch.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["turn_places"]


def turn_places(codes: npt.NDArray[Any], width: int) -> dict[int, int]:
    """Each code's place in a block when every block of ``width`` rows holds the same codes
    in the same order, each once (the symbols taking turns): code ``c``'s rows are then
    ``places[c]``, ``places[c] + width``, ...; else an empty dictionary."""
    n = len(codes)
    if width < 1 or n == 0 or n % width:
        return {}
    first: list[int] = codes[:width].tolist()
    if len(set(first)) != width:
        return {}
    if not bool(np.all(codes.reshape(-1, width) == codes[:width])):
        return {}
    return {code: place for place, code in enumerate(first)}
