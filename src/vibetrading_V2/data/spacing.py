"""Check that the bars' spacing agrees with their declared timeframe.

Daily bars stored as ``1h`` give a Sharpe ratio inflated by ``sqrt(24)`` and a strategy that
thinks in hours; nothing downstream can notice. So the gaps between consecutive bars are
measured and a clear contradiction is refused:

* **finer than declared**: more than a quarter of the gaps, or the most common gap, are
  shorter than one bar (``1h`` bars declared ``1d``, daily bars declared ``1w``);
* **coarser than declared**: the most common gap is longer than one bar and fewer than a
  fifth of the gaps match it (daily bars declared ``1h``).

Longer gaps alone are allowed, because markets close: weekends, holidays and nights leave
gaps of many bars while most gaps still match the timeframe. A gap "matches" within an
eighth of a bar (a daylight-saving shift of a daily bar stamped in local time), and a month
is any step of 28 to 31 days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.schema import Int64Array, timeframe_span_ns

__all__ = [
    "Spacing",
    "SpacingMeter",
    "check_spacing",
    "describe_gap",
    "measure_spacing",
    "refuse_mismatch",
    "timeframe_for_gap",
]

_MIN_GAPS = 2  # one gap says nothing: two bars may straddle a night or a weekend
_SLACK = 8  # a gap within 1/8 of a bar matches it
_SECOND = 1_000_000_000
_UNITS = (("d", 86_400), ("h", 3_600), ("m", 60))


@dataclass(frozen=True, slots=True)
class Spacing:
    """What the gaps between consecutive bars look like against the declared timeframe."""

    timeframe: str
    gaps: int
    typical_ns: int  # the most common positive gap (0 without gaps)
    matching: int  # gaps of one bar, within the slack
    shorter: int  # gaps shorter than one bar

    @property
    def mismatch(self) -> bool:
        """True when the bars clearly are not ``timeframe`` bars."""
        if self.gaps < _MIN_GAPS:
            return False
        low, high = _bounds(self.timeframe)
        if self.shorter * 4 > self.gaps or self.typical_ns < low:
            return True
        return self.typical_ns > high and self.matching * 5 < self.gaps

    def describe(self) -> str:
        """One sentence with the measurement, for error messages."""
        return (
            f"the bars are {describe_gap(self.typical_ns)} apart (the most common gap), "
            f"but the declared timeframe is {self.timeframe}: {self.shorter:,} of "
            f"{self.gaps:,} gaps are shorter than {self.timeframe} and {self.matching:,} "
            f"match it"
        )

    def suggestion(self) -> str | None:
        """The timeframe the measured spacing suggests, if it is a plain one."""
        return timeframe_for_gap(self.typical_ns)


def measure_spacing(ts_ns: Int64Array, timeframe: str) -> Spacing:
    """Measure the gaps of sorted ``ts_ns`` against one bar of ``timeframe``."""
    meter = SpacingMeter(timeframe)
    meter.add(ts_ns)
    return meter.spacing()


class SpacingMeter:
    """The spacing of a series measured piece by piece, equal to measuring it whole.

    Why it exists: a streamed file is checked without holding its timestamps; the gaps
    across piece boundaries count too. Gaps of exactly one bar are only counted, other
    gap lengths kept in a small histogram (the most common gap needs it).
    """

    def __init__(self, timeframe: str) -> None:
        self.timeframe = timeframe
        self._low, self._high = _bounds(timeframe)
        step, longest = timeframe_span_ns(timeframe)
        self._step = step if step == longest else None  # months: no single bar length
        self._last: int | None = None
        self._gaps = self._matching = self._shorter = self._exact = 0
        self._values = np.empty(0, dtype=np.int64)  # positive gaps other than one bar
        self._counts = np.empty(0, dtype=np.int64)

    def add(self, ts_ns: Int64Array) -> None:
        """Measure the next timestamps of the series."""
        if ts_ns.size == 0:
            return
        gaps = np.diff(ts_ns) if self._last is None else np.diff(ts_ns, prepend=self._last)
        self._last = int(ts_ns[-1])
        self._gaps += int(gaps.size)
        self._matching += int(np.count_nonzero((gaps >= self._low) & (gaps <= self._high)))
        self._shorter += int(np.count_nonzero(gaps < self._low))
        other = gaps > 0
        if self._step is not None:
            exact = gaps == self._step
            self._exact += int(np.count_nonzero(exact))
            other &= ~exact
        if other.any():
            values, counts = np.unique(gaps[other], return_counts=True)
            self._merge(values, counts)

    def spacing(self) -> Spacing:
        """The spacing of every timestamp added so far."""
        n = self._gaps
        if self._step is not None and self._exact * 2 > n:
            typical = self._step  # a majority at exactly one bar
        else:
            values, counts = self._values, self._counts
            if self._exact:
                values, counts = _merged(values, counts, np.array([self._step], np.int64),
                                         np.array([self._exact], np.int64))
            typical = int(values[int(np.argmax(counts))]) if values.size else 0
        return Spacing(self.timeframe, n, typical, self._matching, self._shorter)

    def _merge(self, values: Int64Array, counts: Int64Array) -> None:
        self._values, self._counts = _merged(self._values, self._counts, values, counts)


def _merged(values: Int64Array, counts: Int64Array, more_values: Int64Array,
            more_counts: Int64Array) -> tuple[Int64Array, Int64Array]:
    """Two histograms of gap lengths as one, sorted by length."""
    joined, where = np.unique(np.concatenate((values, more_values)), return_inverse=True)
    total = np.bincount(where, weights=np.concatenate((counts, more_counts)))
    return joined, total.astype(np.int64)


def check_spacing(ts_ns: Int64Array, timeframe: str, *, source: str, fix: str) -> Spacing:
    """Measure the spacing and raise ``DataValidationError`` on a clear mismatch.

    ``fix`` is the hint; ``{suggested}`` in it is replaced by the measured timeframe (or
    "the bars' timeframe" when the spacing is not a plain one).
    """
    return refuse_mismatch(measure_spacing(ts_ns, timeframe), source=source, fix=fix)


def refuse_mismatch(spacing: Spacing, *, source: str, fix: str) -> Spacing:
    """Raise :func:`check_spacing`'s error when ``spacing`` contradicts its timeframe."""
    if spacing.mismatch:
        suggested = spacing.suggestion() or "the bars' timeframe"
        raise DataValidationError(
            spacing.describe(),
            path=source,
            field="timeframe",
            hint=fix.replace("{suggested}", suggested),
        )
    return spacing


def describe_gap(ns: int) -> str:
    """A gap in words: ``1 day``, ``7 days``, ``1 h``, ``30 min``, ``2.5 h``."""
    seconds = ns / _SECOND
    if seconds >= 86_400:
        days = seconds / 86_400
        return f"{days:g} day" if days == 1 else f"{days:.4g} days"
    if seconds >= 3_600:
        return f"{seconds / 3_600:.4g} h"
    if seconds >= 60:
        return f"{seconds / 60:.4g} min"
    return f"{seconds:.4g} s"


def timeframe_for_gap(ns: int) -> str | None:
    """The timeframe code whose bars are ``ns`` apart (``86400e9`` -> ``1d``), if any."""
    if ns <= 0 or ns % _SECOND:
        return None
    seconds = ns // _SECOND
    days = seconds / 86_400
    if 28 <= days <= 31:
        return "1M"
    if seconds % 604_800 == 0 and seconds // 604_800 < 10_000:
        return f"{seconds // 604_800}w"
    for unit, size in _UNITS:
        if seconds % size == 0 and seconds // size < 10_000:
            return f"{seconds // size}{unit}"
    return None


def _bounds(timeframe: str) -> tuple[int, int]:
    """The range of gaps that match one bar, slack included."""
    low, high = timeframe_span_ns(timeframe)
    slack = low // _SLACK
    return low - slack, high + slack
