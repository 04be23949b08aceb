"""Where each symbol's bars begin and end on a merged bar timeline, and times as text.

Open positions are valued at each symbol's last close, and buy-and-hold runs from each
symbol's first close to its last; both need the first and last row of every symbol
without a sort or a Python step per row.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["iso_utc", "symbol_bounds"]


def symbol_bounds(symbol_index: npt.ArrayLike, n_symbols: int) -> list[tuple[int, int] | None]:
    """For each symbol code, the ``(first, last)`` row of its bars, or ``None`` without any.

    One vectorised pass per symbol (a run has few symbols); a single symbol owns every row.
    """
    sym = np.asarray(symbol_index, dtype=np.int64)
    n = len(sym)
    if n_symbols == 1:
        return [(0, n - 1) if n else None]
    bounds: list[tuple[int, int] | None] = []
    for code in range(n_symbols):
        mine = sym == code
        first = int(np.argmax(mine))
        if not mine[first]:
            bounds.append(None)
            continue
        bounds.append((first, n - 1 - int(np.argmax(mine[::-1]))))
    return bounds


def iso_utc(ts_ns: int) -> str:
    """``ts_ns`` as ISO-8601 UTC text ending in ``Z``, in whole seconds when it is one."""
    stamp = np.datetime64(ts_ns, "ns")
    if ts_ns % 1_000_000_000 == 0:
        return str(np.datetime_as_string(stamp, unit="s", timezone="UTC"))
    return str(np.datetime_as_string(stamp, unit="ns", timezone="UTC"))
