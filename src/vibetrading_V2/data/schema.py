"""The curated bar schema: column names, the array bundle, names and paths in the catalog.

One place decides what a curated dataset looks like, so the validator, the writer, the
catalog and the replay feed cannot drift apart.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from vibetrading_V2.core.errors import DataValidationError

__all__ = [
    "BAR_COLUMNS",
    "PRICE_COLUMNS",
    "TIMESTAMP",
    "BarArrays",
    "check_symbol",
    "check_timeframe",
    "dataset_relpath",
    "format_ts",
    "timeframe_dirname",
    "timeframe_from_dirname",
    "timeframe_span_ns",
]

TIMESTAMP = "timestamp"
PRICE_COLUMNS: tuple[str, ...] = ("open", "high", "low", "close")
BAR_COLUMNS: tuple[str, ...] = (*PRICE_COLUMNS, "volume")

Int64Array = npt.NDArray[np.int64]
Float64Array = npt.NDArray[np.float64]

_SYMBOL = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,63}$")
_TIMEFRAME = re.compile(r"^([1-9][0-9]{0,3})([mhdwM])$")
# Directory names are lower-case and distinct for every unit, so "1m" (minute) and "1M"
# (month) never collide on a case-insensitive file system (macOS, Windows).
_UNIT_DIR = {"m": "min", "h": "h", "d": "d", "w": "w", "M": "mo"}
_DIR_UNIT = {suffix: unit for unit, suffix in _UNIT_DIR.items()}
_DIRNAME = re.compile(r"^([1-9][0-9]{0,3})(min|h|d|w|mo)$")


class BarArrays(NamedTuple):
    """OHLCV bars of one symbol as plain numpy columns, for code that needs no DataFrame.

    ``ts_ns`` is int64 nanoseconds since the epoch (UTC), the rest are float64.
    """

    ts_ns: Int64Array
    open: Float64Array
    high: Float64Array
    low: Float64Array
    close: Float64Array
    volume: Float64Array

    @property
    def rows(self) -> int:
        """The number of bars (``len()`` of the tuple is the number of columns)."""
        return int(self.ts_ns.shape[0])

    def rows_between(self, start: int, stop: int | None = None) -> BarArrays:
        """Rows ``start:stop`` as views of these arrays."""
        ts, o, h, lo, c, v = self
        return BarArrays(ts[start:stop], o[start:stop], h[start:stop], lo[start:stop],
                         c[start:stop], v[start:stop])

    @staticmethod
    def empty() -> BarArrays:
        """No bars."""
        return BarArrays(np.empty(0, np.int64), *(np.empty(0, np.float64) for _ in range(5)))


def check_symbol(symbol: str) -> str:
    """Return ``symbol`` if it is a safe, upper-case catalog name, else raise."""
    if not _SYMBOL.match(symbol):
        raise DataValidationError(
            f"invalid symbol {symbol!r}",
            field="symbol",
            hint="use upper-case letters, digits, '.', '_' or '-' (for example EURUSD)",
        )
    return symbol


def check_timeframe(timeframe: str) -> str:
    """Return ``timeframe`` if it is a bar-size code such as ``1h`` or ``1M``, else raise."""
    if not _TIMEFRAME.match(timeframe):
        raise DataValidationError(
            f"invalid timeframe {timeframe!r}",
            field="timeframe",
            hint="use a count and a unit: m (minute), h, d, w or M (month), for example 1h",
        )
    return timeframe


def timeframe_dirname(timeframe: str) -> str:
    """The directory that holds one timeframe's files (``1M`` -> ``1mo``, ``1m`` -> ``1min``)."""
    match = _TIMEFRAME.match(check_timeframe(timeframe))
    if match is None:  # pragma: no cover - check_timeframe raised already
        raise DataValidationError(f"invalid timeframe {timeframe!r}", field="timeframe")
    return match.group(1) + _UNIT_DIR[match.group(2)]


def timeframe_from_dirname(dirname: str) -> str | None:
    """The timeframe a catalog directory holds, or ``None`` if it is not a timeframe dir."""
    match = _DIRNAME.match(dirname)
    if match is None:
        return None
    return match.group(1) + _DIR_UNIT[match.group(2)]


def dataset_relpath(symbol: str, timeframe: str) -> str:
    """The dataset's path relative to the catalog root, with forward slashes."""
    return str(PurePosixPath(timeframe_dirname(timeframe)) / f"{check_symbol(symbol)}.parquet")


def format_ts(ts_ns: int) -> str:
    """ISO 8601 in UTC with a ``Z``; nanoseconds are shown only when there are any."""
    seconds, nanos = divmod(int(ts_ns), 1_000_000_000)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"{text}.{nanos:09d}Z" if nanos else f"{text}Z"


_NS_PER_UNIT = {"m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
_NS = 1_000_000_000


def timeframe_span_ns(timeframe: str) -> tuple[int, int]:
    """The shortest and longest regular step of one bar, in nanoseconds.

    Equal for every unit but the month, whose bars are 28 to 31 days apart.
    """
    match = _TIMEFRAME.match(check_timeframe(timeframe))
    if match is None:  # pragma: no cover - check_timeframe raised already
        raise DataValidationError(f"invalid timeframe {timeframe!r}", field="timeframe")
    count, unit = int(match.group(1)), match.group(2)
    if unit == "M":
        return count * 28 * 86_400 * _NS, count * 31 * 86_400 * _NS
    step = count * _NS_PER_UNIT[unit] * _NS
    return step, step
