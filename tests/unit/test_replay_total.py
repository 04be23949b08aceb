"""``ReplayFeed.total_bars``: unknown before the data is loaded, the bar count once it is
(the progress bar's total and ETA come from it)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.data.replay import ReplayFeed


def _frame(hours: int) -> pd.DataFrame:
    index = pd.date_range("2024-01-01", periods=hours, freq="h", tz="UTC", name="timestamp")
    close = np.arange(10.0, hours + 10.0)
    return pd.DataFrame({"open": close, "high": close + 1, "low": close - 1, "close": close,
                         "volume": close}, index=index)


def test_replay_total_bars_when_batches_started_then_the_row_count_of_every_symbol() -> None:
    source = InMemoryBarSource({("AAA", "1h"): _frame(7), ("BBB", "1h"): _frame(5)})
    feed = ReplayFeed(source, ["AAA", "BBB"], "1h", chunk_rows=4)
    assert feed.total_bars is None

    batches = feed.batches()
    first = next(batches)

    assert feed.total_bars == 12 and len(first) == 4
    assert sum(len(b) for b in batches) == 8
