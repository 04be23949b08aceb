"""An in-process ``MetricsSink``: counters, gauges and timing summaries with tags.

Backtests and tests need metrics they can read back, with no server and no global
registry. A series is a metric name plus its tags; its key renders as ``name`` or
``name{a=1,b=x}`` with tags sorted by name, so snapshots are deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["InMemoryMetrics", "TimingStats", "series_key"]


def series_key(name: str, tags: Mapping[str, str] | None = None) -> str:
    """The canonical key of one series: ``name`` or ``name{k1=v1,k2=v2}`` (tags sorted)."""
    if not name:
        raise ValueError("metric name must not be empty")
    if not tags:
        return name
    inner = ",".join(f"{k}={tags[k]}" for k in sorted(tags))
    return f"{name}{{{inner}}}"


@dataclass(slots=True)
class TimingStats:
    """Running summary of one timing series (all values in milliseconds)."""

    count: int = 0
    total_ms: float = 0.0
    min_ms: float = 0.0
    max_ms: float = 0.0
    last_ms: float = 0.0

    def add(self, value_ms: float) -> None:
        if self.count == 0:
            self.min_ms = self.max_ms = value_ms
        else:
            self.min_ms = min(self.min_ms, value_ms)
            self.max_ms = max(self.max_ms, value_ms)
        self.count += 1
        self.total_ms += value_ms
        self.last_ms = value_ms

    def as_dict(self) -> dict[str, float]:
        mean = self.total_ms / self.count if self.count else 0.0
        return {
            "count": self.count,
            "last_ms": self.last_ms,
            "max_ms": self.max_ms,
            "mean_ms": mean,
            "min_ms": self.min_ms,
            "total_ms": self.total_ms,
        }


class InMemoryMetrics:
    """``MetricsSink`` that keeps every series in memory and hands out sorted snapshots.

    Timings keep a running summary (count, total, min, max, last), not every sample, so a
    long backtest does not grow memory per bar. A counter only goes up: a negative
    increment is a programming error and raises ``ValueError``. Series keys are rendered
    once per (name, tags as given) and then looked up, because the order pipeline counts
    on every intent, order and fill.
    """

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}
        self._gauges: dict[str, float] = {}
        self._timings: dict[str, TimingStats] = {}
        self._keys: dict[object, str] = {}

    def _key(self, name: str, tags: Mapping[str, str] | None) -> str:
        """``series_key(name, tags)``, memoised on the name and the tag items as given."""
        memo: object = (name, tuple(tags.items())) if tags else name
        try:
            key = self._keys.get(memo)
        except TypeError:  # an unhashable tag value: render it every time
            return series_key(name, tags)
        if key is None:
            key = self._keys[memo] = series_key(name, tags)
        return key

    def incr(self, name: str, value: int = 1, tags: Mapping[str, str] | None = None) -> None:
        if value < 0:
            raise ValueError(f"counter {name!r} cannot be decremented (value={value})")
        memo: object = (name, tuple(tags.items())) if tags else name  # _key, inlined
        try:
            key = self._keys.get(memo)
        except TypeError:
            key = series_key(name, tags)
        if key is None:
            key = self._keys[memo] = series_key(name, tags)
        self._counters[key] = self._counters.get(key, 0) + value

    def gauge(self, name: str, value: float, tags: Mapping[str, str] | None = None) -> None:
        self._gauges[self._key(name, tags)] = float(value)

    def timing_ms(self, name: str, value: float, tags: Mapping[str, str] | None = None) -> None:
        key = self._key(name, tags)
        stats = self._timings.get(key)
        if stats is None:
            stats = self._timings[key] = TimingStats()
        stats.add(float(value))

    def counter(self, name: str, tags: Mapping[str, str] | None = None) -> int:
        """Current value of a counter series (0 if never incremented)."""
        return self._counters.get(series_key(name, tags), 0)

    def gauge_value(self, name: str, tags: Mapping[str, str] | None = None) -> float | None:
        """Last value of a gauge series, or ``None`` if never set."""
        return self._gauges.get(series_key(name, tags))

    def timing(self, name: str, tags: Mapping[str, str] | None = None) -> TimingStats | None:
        """Summary of a timing series, or ``None`` if never recorded."""
        return self._timings.get(series_key(name, tags))

    def snapshot(self) -> dict[str, dict[str, object]]:
        """All series as plain data: ``{"counters": .., "gauges": .., "timings": ..}``.

        Keys at every level are sorted; the result is a fresh copy the caller may keep.
        """
        return {
            "counters": {k: self._counters[k] for k in sorted(self._counters)},
            "gauges": {k: self._gauges[k] for k in sorted(self._gauges)},
            "timings": {k: self._timings[k].as_dict() for k in sorted(self._timings)},
        }

    def reset(self) -> None:
        """Forget every series."""
        self._counters.clear()
        self._gauges.clear()
        self._timings.clear()
