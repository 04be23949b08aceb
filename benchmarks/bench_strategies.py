"""Benchmark: five SMA crossovers on one account against one, over the same 1-minute bars.

Five copies of ``benchmarks/strategies/sma_bench.py`` (each with its own meta name,
``sma_pair_1`` ... ``sma_pair_5``, so that each has its own strategy id) with five
(fast, slow) pairs run together on one account through the real container: one feed,
simulator, ledger and risk gate, a slot (pipeline, sizer, breaker) per strategy. In the
same process, taking turns, the one-strategy run of ``bench_sma_cross`` (SMA 10/30) on the
same bars (event loop and results, each run with a fresh container). Each turn runs the
one-strategy case five times in a row, then the five-strategy case once. The figure to
compare (issue 11's target: <= 5x) is ``ratio_to_five_ones``: the five-strategy run against
five one-strategy runs back to back, as long a stretch of the machine as its own, the
fastest turn of each (``..._by_turn``: each turn's own, and their median).
``ratio_to_one`` sets the fastest five-strategy run against the fastest of five times as
many single ones, which leans high: the least of many noisy short runs falls lower than
the least of a few long ones.
Both start with 1,000,000 of cash: five strategies' fees on 1M bars (~126,000 at 10 bps)
would drain the default 100,000, and a drained account's intents are refused, which is
cheaper than trading; the run reports ``five_n_vetoes``, 0.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_sma_cross import synthetic_bars
from benchmarks.harness import (
    bench_container,
    read_peak_rss_mb,
    reset_peak_rss,
    results_of,
    turn_ratios,
    write_figures,
)
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.ops.build import build_info

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "strategies" / "sma_bench.py"
PAIRS = ((10, 30), (5, 20), (20, 60), (15, 45), (30, 90))
CASH = {"execution": {"initial_cash": 1_000_000.0}}


def write_pairs(
    directory: Path, pairs: tuple[tuple[int, int], ...] = PAIRS
) -> list[dict[str, Any]]:
    """One strategy file per pair (``sma_pair_<k>.py``); their ``strategies:`` entries."""
    directory.mkdir(parents=True, exist_ok=True)
    source = TEMPLATE.read_text(encoding="utf-8")
    entries = []
    for k, (fast, slow) in enumerate(pairs, start=1):
        path = directory / f"sma_pair_{k}.py"
        path.write_text(source.replace('name="sma_bench"', f'name="sma_pair_{k}"'),
                        encoding="utf-8")
        entries.append({"name": str(path), "params": {"fast": fast, "slow": slow}})
    return entries


def run_once(
    source: InMemoryBarSource, out_dir: Path, **settings: Any
) -> tuple[float, dict[str, Any]]:
    """Seconds of one run (event loop and results, a fresh container) and its summary."""
    loaded, container = bench_container(source, out_dir, **settings)
    engine, feed = container.engine(), container.feed()
    started = time.perf_counter()
    results = results_of(engine.run(feed), loaded, container)
    seconds = time.perf_counter() - started
    container.logger().close()
    return seconds, results.summary


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--repeat", type=int, default=3,
                        help="turns (five one-strategy runs, then one five-strategy run); "
                        "the fastest of each counts")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    source = InMemoryBarSource({("GBM", "1m"): synthetic_bars(args.bars)})
    with tempfile.TemporaryDirectory(prefix="vt-bench-5-") as directory:
        scratch = Path(directory)
        five = {"strategies": write_pairs(scratch / "strategies"), **CASH}
        one = {"strategy": {"name": str(TEMPLATE)}, **CASH}
        runs = _take_turns(source, scratch, one, five, args.repeat)
    figures = {"bars": args.bars, "strategies": len(PAIRS), **_figures(runs),
               "build": build_info(), "python": platform.python_version(),
               "machine": platform.machine()}
    write_figures(args.out, f"strategies_{args.bars}.json", figures)
    return 0


def _take_turns(source: InMemoryBarSource, scratch: Path, one: dict[str, Any],
                five: dict[str, Any], repeat: int) -> dict[str, Any]:
    """``repeat`` turns of five one-strategy runs, then one five-strategy run."""
    one_times: list[list[float]] = []
    five_times: list[float] = []
    summaries: dict[str, dict[str, Any]] = {}
    peak_mb = 0.0
    for run in range(repeat):
        turn = []
        for _ in range(len(PAIRS)):
            gc.collect()
            seconds, summaries["one"] = run_once(source, scratch / "one", **one)
            turn.append(seconds)
        one_times.append(turn)
        gc.collect()
        if run == 0:
            reset_peak_rss()
        seconds, summaries["five"] = run_once(source, scratch / "five", **five)
        five_times.append(seconds)
        if run == 0:
            peak_mb = read_peak_rss_mb()
    return {"one": one_times, "five": five_times, "summaries": summaries, "peak_mb": peak_mb}


def _figures(runs: dict[str, Any]) -> dict[str, Any]:
    one_times: list[list[float]] = runs["one"]
    five_times: list[float] = runs["five"]
    summaries: dict[str, dict[str, Any]] = runs["summaries"]
    fastest_one = min(min(turn) for turn in one_times)
    turn_sums = [sum(turn) for turn in one_times]  # each turn's five one-strategy runs
    five_ones = min(turn_sums)
    by_turn = [5 * five / ones for five, ones in zip(five_times, turn_sums, strict=True)]
    rows = summaries["five"].get("strategies", [])
    return {
        "one_seconds": round(fastest_one, 4),
        "five_seconds": round(min(five_times), 4),
        "one_runs_seconds": [round(t, 4) for turn in one_times for t in turn],
        "five_runs_seconds": [round(t, 4) for t in five_times],
        "ratio_to_one": round(min(five_times) / fastest_one, 2),
        "five_ones_seconds": round(five_ones, 4),
        "ratio_to_five_ones": round(5 * min(five_times) / five_ones, 2),
        **turn_ratios("ratio_to_five_ones", by_turn),
        "five_peak_rss_mb": round(runs["peak_mb"], 1),
        "one_n_trades": summaries["one"]["n_trades"],
        "five_n_trades": summaries["five"]["n_trades"],
        "five_n_vetoes": summaries["five"]["n_vetoes"],
        "five_trades_per_strategy": {r["strategy_id"]: r["n_trades"] for r in rows},
    }

if __name__ == "__main__":
    sys.exit(main())
