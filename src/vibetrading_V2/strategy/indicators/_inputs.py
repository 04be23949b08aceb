"""Input checks shared by every indicator: window sizes, numeric series, one shared index.

Every refusal is an :class:`~vibetrading_V2.core.errors.IndicatorInputError` naming the
argument, so a wrong lookback stops the author at ``features()`` instead of yielding NaN.
Leading NaNs are allowed (an indicator of an indicator starts after its warm-up); a NaN or
infinity after the first number is refused, because TA-Lib's running sums would carry it
into every later value.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from vibetrading_V2.core.errors import IndicatorInputError
from vibetrading_V2.strategy.indicators._engine import FloatArray

__all__ = ["MAX_WINDOW", "as_float_array", "check_window", "same_index"]

MAX_WINDOW = 100_000  # TA-Lib's own upper bound on a period


def check_window(n: object, name: str = "n", *, minimum: int = 1) -> int:
    """``n`` as an int in ``[minimum, MAX_WINDOW]``; bools, floats and strings are refused."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise IndicatorInputError(
            f"{name} must be an integer number of bars, got {n!r}",
            field=name,
            hint=f"pass an int >= {minimum}",
        )
    value = int(n)
    if not minimum <= value <= MAX_WINDOW:
        raise IndicatorInputError(
            f"{name} must be between {minimum} and {MAX_WINDOW} bars, got {value}",
            field=name,
            hint=f"pass an int >= {minimum}",
        )
    return value


def as_float_array(series: object, name: str = "series") -> FloatArray:
    """The values of a numeric ``pd.Series`` as a contiguous float64 array (a copy).

    Refuses anything but a Series, a non-numeric or boolean dtype, and a NaN or infinity
    after the first finite value.
    """
    if not isinstance(series, pd.Series):
        raise IndicatorInputError(
            f"{name} must be a pandas Series, got {type(series).__name__}",
            field=name,
            hint="pass one column of the frame, e.g. frame['close']",
        )
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
        raise IndicatorInputError(
            f"{name} must hold numbers, got dtype {dtype}",
            field=name,
            hint="convert the column with pd.to_numeric first",
        )
    values = np.ascontiguousarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
    finite = np.isfinite(values)
    if not finite.all():
        first = int(np.argmax(finite)) if finite.any() else len(values)
        bad = np.flatnonzero(~finite[first:])
        if bad.size:
            at = first + int(bad[0])
            raise IndicatorInputError(
                f"{name} has {float(values[at])!r} at row {at}, after its first number",
                field=name,
                hint="only leading NaNs (a warm-up) are accepted; fill or drop the gap first",
            )
    return values


def same_index(first: pd.Series, *others: tuple[str, pd.Series]) -> None:
    """Refuse series that do not share ``first``'s index (same labels, same order)."""
    for name, other in others:
        if not other.index.equals(first.index):
            raise IndicatorInputError(
                f"{name} does not share the index of the first series",
                field=name,
                hint="pass columns of the same frame",
            )
