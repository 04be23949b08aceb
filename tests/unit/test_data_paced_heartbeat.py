"""PacedFeed heartbeats: an empty batch after each slice of waiting, none without waiting."""

from __future__ import annotations

from tests.unit.test_data_paced import FakeSleep, _replay
from vibetrading_V2.data.paced import SLEEP_SLICE_SECONDS, PacedFeed


def test_heartbeat_when_waiting_between_bars_then_one_empty_batch_per_slice() -> None:
    sleep = FakeSleep()
    feed = PacedFeed(_replay(), speed=3_600.0, sleep=sleep, heartbeat=True)  # 1 s a bar hour

    sizes = [len(batch) for batch in feed.batches()]

    assert [n for n in sizes if n] == [1, 2, 2, 1, 1]  # the bars are the same bars
    assert sizes.count(0) == len(sleep.waits)  # a beat after every slice slept
    assert max(sleep.waits) <= SLEEP_SLICE_SECONDS
    assert sizes[0] == 1 and sizes[1] == 0  # the first bar is not waited for


def test_heartbeat_when_not_asked_or_no_wait_then_no_empty_batch() -> None:
    quiet = PacedFeed(_replay(), speed=3_600.0, sleep=FakeSleep())
    fast = PacedFeed(_replay(), speed=0.0, sleep=FakeSleep(), heartbeat=True)
    assert all(len(b) for b in quiet.batches()) and all(len(b) for b in fast.batches())
