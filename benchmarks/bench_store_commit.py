"""Benchmark: what one event costs the durable SQLite store, four commits or one.

An event here is what a fill brings: the fill, its order's new state, the position and the
risk snapshot. Recorded as before (each call its own commit, four fsyncs with
``synchronous=FULL``) and in one transaction (``with store.transaction():``, one
fsync). Also timed: a single commit alone (the floor) and ``controls_changed_since`` (the
per-event poll of the operator controls). Files go to ``--dir`` (default: a temporary
directory on the system's disk, as a paper run's would); each figure is the median (and
the mean, which the fsync stalls dominate) over ``--events`` events, the best of
``--repeat`` turns the ways take. Prints the figures and writes them as JSON to
``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.harness import write_figures
from vibetrading_V2.core.types import Fill, Order, OrderRequest, OrderStatus, Position, Side
from vibetrading_V2.store.sqlite import SqliteStateStore

HERE = Path(__file__).resolve().parent


def _event(store: SqliteStateStore, i: int) -> None:
    request = OrderRequest(f"c{i}", "ETH", Side.BUY, 2.0, strategy_id="s1")
    store.record_fill(Fill(f"e{i}", f"c{i}", "ETH", Side.BUY, 2.0, 2000.0, 0.5, i, "s1"))
    store.record_order(Order(request, OrderStatus.FILLED, filled_quantity=2.0,
                             average_price=2000.0))
    store.record_position(Position("ETH", 2.0 * (i + 1), 2000.0))
    store.set_control("risk_snapshot:account", f'{{"peak": {i}}}')


def _figures(times: list[float]) -> tuple[float, float]:
    return statistics.median(times) * 1e3, statistics.fmean(times) * 1e3


def _per_event_ms(
    path: Path, events: int, *, grouped: bool, start: int
) -> tuple[float, float]:
    times = []
    with SqliteStateStore(path) as store:
        for i in range(start, start + events):
            t0 = time.perf_counter()
            if grouped:
                with store.transaction():
                    _event(store, i)
            else:
                _event(store, i)
            times.append(time.perf_counter() - t0)
    return _figures(times)


def _single_commit_ms(path: Path, events: int) -> tuple[float, float]:
    times = []
    with SqliteStateStore(path) as store:
        for i in range(events):
            t0 = time.perf_counter()
            store.set_control("k", str(i))
            times.append(time.perf_counter() - t0)
    return _figures(times)


def _poll_us(path: Path, polls: int) -> float:
    with SqliteStateStore(path) as store:
        t0 = time.perf_counter()
        for _ in range(polls):
            store.controls_changed_since(0)
        return (time.perf_counter() - t0) / polls * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        root = Path(scratch)
        runs: dict[str, list[tuple[float, float]]] = {"four_commits": [], "one_transaction": [],
                                        "single_commit": []}
        for turn in range(args.repeat):
            start = turn * args.events
            runs["four_commits"].append(_per_event_ms(
                root / "three.sqlite", args.events, grouped=False, start=start))
            runs["one_transaction"].append(_per_event_ms(
                root / "one.sqlite", args.events, grouped=True, start=start))
            runs["single_commit"].append(_single_commit_ms(root / "single.sqlite", args.events))
        figures: dict[str, float | int] = {}
        for name, values in runs.items():
            figures[f"{name}_median_ms"] = round(min(v[0] for v in values), 3)
            figures[f"{name}_mean_ms"] = round(min(v[1] for v in values), 3)
        figures["controls_poll_us"] = round(_poll_us(root / "single.sqlite", 20_000), 2)
        figures["events"] = args.events
    write_figures(args.out, "store_commit.json", figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
