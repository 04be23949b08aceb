"""Turn a mask of offending rows into one ``DataValidationError`` that says where and how many.

Every data check reports the same way: the file, the first offending row (and its file line
when the caller knows it), what is wrong there, how many rows are affected and how to fix it.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import DataValidationError

__all__ = ["first_row", "row_error"]


def first_row(mask: npt.NDArray[np.bool_]) -> tuple[int, int] | None:
    """``(index of the first True, number of Trues)`` or ``None`` when the mask is all False."""
    if not mask.any():
        return None
    rows = np.flatnonzero(mask)
    return int(rows[0]), int(rows.size)


def row_error(
    problem: str,
    row: int,
    count: int,
    *,
    at: str,
    source: str,
    field: str | None,
    hint: str,
    first_line: int | None = None,
) -> DataValidationError:
    """Build the error for ``count`` bad rows whose first is ``row`` (0-based data row).

    ``at`` describes the row (its timestamp and the offending values). ``first_line`` is the
    file line of data row 0 (2 for a CSV with a header), so the error can point at the line.
    """
    noun = "row" if count == 1 else "rows"
    message = f"{problem} at row {row} ({at}); {count} offending {noun} in total"
    line = None if first_line is None else first_line + row
    return DataValidationError(message, path=source, line=line, field=field, hint=hint)
