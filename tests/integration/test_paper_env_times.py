"""Two times in a paper-kind run (wall clock): market times in the records, wall times beside.

The symptom: with ``--env paper`` one order in ``state.sqlite`` went ``in_flight`` (2017) ->
``new`` (2026) -> ``filled`` (2017), as the simulator stamped some states from the run's
clock and others from bar time. Now every market time is a bar time and every row's
``recorded_ns`` is the wall time it was written.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from vibetrading_V2.store.sqlite import SqliteStateStore

ROOT = Path(__file__).resolve().parents[2]
WINDOW = ["--symbols", "EURUSD", "--start", "2017-05-01", "--end", "2017-06-01"]
BAR_FIRST = 1_493_596_800_000_000_000  # 2017-05-01 UTC
BAR_LAST = 1_496_361_600_000_000_000  # 2017-06-02 UTC


@dataclass(frozen=True)
class PaperRun:
    out: Path
    wall_start: int
    wall_end: int


@pytest.fixture(scope="module")
def paper_run(tmp_path_factory: pytest.TempPathFactory) -> PaperRun:
    out = tmp_path_factory.mktemp("paper-times")
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    start = time.time_ns()
    done = subprocess.run(
        [sys.executable, "-m", "cli.backtest", "--env", "paper", "--out", str(out), *WINDOW],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr
    return PaperRun(out, start, time.time_ns())


def _bar_time(ns: int) -> bool:
    return BAR_FIRST <= ns <= BAR_LAST


def test_paper_run_when_orders_recorded_then_market_times_are_bar_times_never_the_wall(
    paper_run: PaperRun,
) -> None:
    with SqliteStateStore(paper_run.out / "state.sqlite") as store:
        history = store.order_history()
        fills = store.fills()
        intents = store.intents()
    assert fills and len(history) >= 3 * len(fills)
    assert all(_bar_time(o.updated_ns) and _bar_time(o.request.created_ns) for o in history)
    assert all(_bar_time(f.ts_ns) for f in fills)
    assert all(_bar_time(i.ts_ns) for i in intents)
    for order in {o.client_order_id for o in history}:
        states = [o.updated_ns for o in history if o.client_order_id == order]
        assert all(a <= b for a, b in pairwise(states)), (order, states)  # never back


def test_paper_run_when_rows_recorded_then_recorded_ns_are_wall_times_in_write_order(
    paper_run: PaperRun,
) -> None:
    with SqliteStateStore(paper_run.out / "state.sqlite") as store:
        tables = {t: store.recorded_ns(t) for t in ("intents", "order_history", "fills")}
    for table, recorded in tables.items():
        assert recorded, table
        assert all(paper_run.wall_start <= ns <= paper_run.wall_end for ns in recorded), table
        assert recorded == sorted(recorded), table
