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

    The first rows are looked for in a prefix that doubles until every symbol is found
    (a merged timeline usually shows every symbol early), the last rows likewise from the
    end; a single symbol owns every row.
    """
    sym = np.asarray(symbol_index, dtype=np.int64)
    n = len(sym)
    if n_symbols == 1:
        return [(0, n - 1) if n else None]
    firsts = _first_rows(sym, n_symbols)
    lasts = _first_rows(sym[::-1], n_symbols)
    return [
        None if first < 0 else (first, n - 1 - last)
        for first, last in zip(firsts.tolist(), lasts.tolist(), strict=True)
    ]


def _first_rows(sym: npt.NDArray[np.int64], n_symbols: int) -> npt.NDArray[np.int64]:
    """The first row of each code in ``sym`` (-1 where it never occurs)."""
    first = np.full(n_symbols, -1, dtype=np.int64)
    start, width = 0, 4096
    while start < len(sym) and bool((first < 0).any()):
        chunk = sym[start : start + width]
        codes, at = np.unique(chunk, return_index=True)
        new = first[codes] < 0
        first[codes[new]] = at[new] + start
        start, width = start + width, 2 * width
    return first


def iso_utc(ts_ns: int) -> str:
    """``ts_ns`` as ISO-8601 UTC text ending in ``Z``, in whole seconds when it is one."""
    stamp = np.datetime64(ts_ns, "ns")
    if ts_ns % 1_000_000_000 == 0:
        return str(np.datetime_as_string(stamp, unit="s", timezone="UTC"))
    return str(np.datetime_as_string(stamp, unit="ns", timezone="UTC"))
