"""PacedFeed: one batch per bar time, waits of gap / speed, a bar bound and a stop flag.

The waits go through a fake sleep that only records them, so nothing here sleeps.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import BarBatch, MarketFeed
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.data.paced import SLEEP_SLICE_SECONDS, PacedFeed, StopFlag
from vibetrading_V2.data.replay import ReplayFeed

HOUR_NS = 3_600_000_000_000
T0 = pd.Timestamp("2024-01-01", tz="UTC").value


def _frame(hours: list[int], base: float) -> pd.DataFrame:
    index = pd.DatetimeIndex(
        pd.to_datetime([T0 + h * HOUR_NS for h in hours], unit="ns", utc=True), name="timestamp"
    )
    close = base + np.asarray(hours, dtype=np.float64)
    return pd.DataFrame(
        {"open": close, "high": close + 1, "low": close - 1, "close": close, "volume": close},
        index=index,
    )


def _replay(chunk_rows: int | None = None) -> ReplayFeed:
    """AAA at hours 0, 1, 2, 5; BBB at hours 1, 2, 3: five bar times, seven bars."""
    source = InMemoryBarSource({("AAA", "1h"): _frame([0, 1, 2, 5], 100.0),
                                ("BBB", "1h"): _frame([1, 2, 3], 200.0)})
    return ReplayFeed(source, ["AAA", "BBB"], "1h", chunk_rows=chunk_rows)


class FakeSleep:
    """Records each wait; optionally raises a stop flag after ``stop_after`` waits."""

    def __init__(self, stop: StopFlag | None = None, stop_after: int | None = None) -> None:
        self.waits: list[float] = []
        self._stop, self._stop_after = stop, stop_after

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self._stop is not None and len(self.waits) == self._stop_after:
            self._stop.request()


def _rows(batches: list[BarBatch]) -> list[list[tuple[str, int]]]:
    return [[(b.symbols[int(i)], (int(t) - T0) // HOUR_NS)
             for i, t in zip(b.symbol_index, b.ts_ns, strict=True)] for b in batches]


def test_paced_feed_is_a_market_feed() -> None:
    feed: MarketFeed = PacedFeed(_replay(), sleep=FakeSleep())
    assert len(list(feed.batches())) == 5


@pytest.mark.parametrize("chunk_rows", [None, 1, 2, 3])
def test_paced_feed_when_replayed_then_one_batch_per_bar_time_with_every_symbol_of_it(
    chunk_rows: int | None,
) -> None:
    batches = list(PacedFeed(_replay(chunk_rows), sleep=FakeSleep()).batches())

    assert _rows(batches) == [
        [("AAA", 0)], [("AAA", 1), ("BBB", 1)], [("AAA", 2), ("BBB", 2)], [("BBB", 3)],
        [("AAA", 5)],
    ]
    assert all(b.symbols == ("AAA", "BBB") for b in batches)
    assert [float(c) for c in batches[1].close] == [101.0, 201.0]


def test_paced_feed_when_speed_zero_then_it_never_sleeps() -> None:
    sleep = FakeSleep()
    list(PacedFeed(_replay(), speed=0, sleep=sleep).batches())
    assert sleep.waits == []


def test_paced_feed_when_speed_given_then_waits_gap_over_speed_between_bar_times() -> None:
    sleep = FakeSleep()
    feed = PacedFeed(_replay(), speed=3600 / 0.25, sleep=sleep)  # an hour of bars: 0.25 s

    list(feed.batches())

    # gaps of 1, 1, 1 and 2 hours; no wait before the first bar time
    assert math.isclose(sum(sleep.waits), 5 * 0.25)
    assert max(sleep.waits) <= SLEEP_SLICE_SECONDS


def test_paced_feed_when_max_bars_reached_then_stops_without_splitting_a_bar_time() -> None:
    feed = PacedFeed(_replay(), max_bars=4, sleep=FakeSleep())

    batches = list(feed.batches())

    assert _rows(batches) == [[("AAA", 0)], [("AAA", 1), ("BBB", 1)]]  # 5 bars would be 1 too many
    assert feed.bars_done == 3
    assert PacedFeed(_replay(), max_bars=5, sleep=FakeSleep()).total_bars is None  # not loaded


def test_paced_feed_when_history_loaded_then_total_bars_is_bounded_by_max_bars() -> None:
    feed = PacedFeed(_replay(), max_bars=5, sleep=FakeSleep())
    list(feed.batches())
    assert feed.total_bars == 5
    unbounded = PacedFeed(_replay(), sleep=FakeSleep())
    list(unbounded.batches())
    assert unbounded.total_bars == 7


def test_paced_feed_when_stop_requested_before_a_bar_then_iteration_ends() -> None:
    stop = StopFlag()
    feed = PacedFeed(_replay(), stop=stop, sleep=FakeSleep())
    seen = []
    for batch in feed.batches():
        seen.append(batch)
        stop.request()  # what the signal handler does while the engine works on a bar

    assert len(seen) == 1 and feed.bars_done == 1
    assert feed.last_ts_ns == T0


def test_paced_feed_when_stop_requested_while_waiting_then_ends_within_a_slice() -> None:
    stop = StopFlag()
    sleep = FakeSleep(stop, stop_after=2)
    feed = PacedFeed(_replay(), speed=3600 / 10.0, stop=stop, sleep=sleep)  # 10 s an hour

    batches = list(feed.batches())

    assert len(batches) == 1  # the second bar time is never handed out
    assert len(sleep.waits) == 2 and sum(sleep.waits) < 10.0


@pytest.mark.parametrize(
    ("speed", "max_bars", "field"),
    [(-1.0, None, "speed"), (math.nan, None, "speed"), (math.inf, None, "speed"),
     (0.0, 0, "max_bars"), (0.0, -3, "max_bars")],
)
def test_paced_feed_when_pace_invalid_then_config_error_names_the_field(
    speed: float, max_bars: int | None, field: str
) -> None:
    with pytest.raises(ConfigError) as info:
        PacedFeed(_replay(), speed=speed, max_bars=max_bars)
    assert info.value.field == field and info.value.hint
