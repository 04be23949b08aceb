"""Benchmark: many symbols through the full pipeline, against one symbol in the same process.

``--symbols`` N symbols, each ``--bars-per-symbol`` M synthetic 1-minute bars (the GBM of
``bench_sma_cross``, one seed per symbol, all on the same minutes), run through the real
container with ``benchmarks/strategies/sma_many_bench.py`` (the SMA(10)/SMA(30) crossover
on every symbol). In the same process the first symbol alone runs through the same
strategy: the per-bar cost of the N-symbol run is given as a ratio to it. Prints and writes
as JSON to ``benchmarks/results/``: engine seconds (the event loop, then building the
results), bars/s, the per-bar ratio, and peak RSS of the N-symbol run (the kernel's
high-water mark, reset after the bars were generated, so the input is part of it: its size
is reported too). The per-bar ratio is also given in CPU seconds, which a busy machine
disturbs less. Measures only; nothing is asserted. Not part of ``make bench``: the
default size (40 x 525,600) holds ~1 GB of input bars alone.
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

import pandas as pd

from benchmarks.bench_sma_cross import SEED, synthetic_bars
from benchmarks.harness import (
    bench_container,
    current_rss_mb,
    read_peak_rss_mb,
    reset_peak_rss,
    results_of,
    write_figures,
)
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.ops.build import build_info

HERE = Path(__file__).resolve().parent
STRATEGY = HERE / "strategies" / "sma_many_bench.py"
CASH_PER_SYMBOL = 1_000_000.0


def symbol_name(i: int) -> str:
    return f"S{i:03d}"


def many_frames(n_symbols: int, bars: int) -> dict[tuple[str, str], pd.DataFrame]:
    """N independent GBM paths (seed + i) on the same one-minute timestamps."""
    return {(symbol_name(i), "1m"): synthetic_bars(bars, seed=SEED + i) for i in range(n_symbols)}


def run_once(source: InMemoryBarSource, symbols: list[str], out_dir: Path) -> dict[str, Any]:
    """One engine run (fresh container) and its results: seconds of each stage, peak RSS
    after the loop and after the results (the mark reset just before), trades."""
    settings, container = bench_container(
        source, out_dir,
        strategy={"name": str(STRATEGY)},
        data={"symbols": symbols},
        # fees of ~10,000 round trips a year per symbol must not drain the account (a drained
        # account has every later order vetoed, and vetoes are cheaper than trades)
        execution={"initial_cash": CASH_PER_SYMBOL * len(symbols)},
    )
    engine = container.engine()
    feed = container.feed()
    gc.collect()
    rss_before = current_rss_mb()
    reset_peak_rss()
    started, cpu_started = time.perf_counter(), time.process_time()
    run = engine.run(feed)
    loop_seconds = time.perf_counter() - started
    loop_peak = read_peak_rss_mb()
    results = results_of(run, settings, container)
    seconds = time.perf_counter() - started
    figures = {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu_started,
        "loop_seconds": loop_seconds,
        "results_seconds": seconds - loop_seconds,
        "rss_before_mb": rss_before,
        "loop_peak_rss_mb": loop_peak,
        "peak_rss_mb": read_peak_rss_mb(),
        "n_trades": results.summary["n_trades"],
        "n_vetoes": results.summary["n_vetoes"],
    }
    container.logger().close()
    return figures


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--symbols", type=int, default=40)
    parser.add_argument("--bars-per-symbol", type=int, default=525_600)
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each (many, then one symbol, taking turns); the fastest "
                        "counts, peak RSS is the first many-symbol run's")
    parser.add_argument("--one-symbol-repeat", type=int, default=3,
                        help="runs of the one-symbol reference after each many-symbol run "
                        "(short, so noisier: the fastest counts)")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    return parser.parse_args(argv)


def _measure(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    symbols = [symbol_name(i) for i in range(args.symbols)]
    source = InMemoryBarSource(many_frames(args.symbols, args.bars_per_symbol))
    many: list[dict[str, Any]] = []
    one: list[dict[str, Any]] = []
    for _ in range(args.repeat):
        many.append(run_once(source, symbols, scratch / "many"))  # the first: a clean peak
        one.extend(run_once(source, symbols[:1], scratch / "one")
                   for _ in range(args.one_symbol_repeat))
    best_many = min(many, key=lambda f: f["seconds"])
    best_one = min(one, key=lambda f: f["seconds"])
    total_bars = args.symbols * args.bars_per_symbol
    many_us = best_many["seconds"] / total_bars * 1e6
    one_us = best_one["seconds"] / args.bars_per_symbol * 1e6
    # CPU seconds too: on a shared machine the wall time also counts the waits for a core
    many_cpu_us = min(f["cpu_seconds"] for f in many) / total_bars * 1e6
    one_cpu_us = min(f["cpu_seconds"] for f in one) / args.bars_per_symbol * 1e6
    first = many[0]
    return {
        "engine_seconds": round(best_many["seconds"], 3),
        "engine_runs_seconds": [round(f["seconds"], 3) for f in many],
        "loop_seconds": round(best_many["loop_seconds"], 3),
        "results_seconds": round(best_many["results_seconds"], 3),
        "bars_per_second": round(total_bars / best_many["seconds"]),
        "us_per_bar": round(many_us, 3),
        "one_symbol_engine_seconds": round(best_one["seconds"], 3),
        "one_symbol_runs_seconds": [round(f["seconds"], 3) for f in one],
        "one_symbol_us_per_bar": round(one_us, 3),
        "per_bar_ratio_to_one_symbol": round(many_us / one_us, 2),
        "cpu_us_per_bar": round(many_cpu_us, 3),
        "one_symbol_cpu_us_per_bar": round(one_cpu_us, 3),
        "per_bar_cpu_ratio_to_one_symbol": round(many_cpu_us / one_cpu_us, 2),
        "rss_before_run_mb": round(first["rss_before_mb"], 1),
        "loop_peak_rss_mb": round(first["loop_peak_rss_mb"], 1),
        "peak_rss_mb": round(first["peak_rss_mb"], 1),
        "peak_rss_over_start_mb": round(first["peak_rss_mb"] - first["rss_before_mb"], 1),
        "one_symbol_peak_rss_mb": round(one[0]["peak_rss_mb"], 1),
        "n_trades": best_many["n_trades"],
        "one_symbol_n_trades": best_one["n_trades"],
        "n_vetoes": best_many["n_vetoes"] + best_one["n_vetoes"],
    }


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    figures: dict[str, Any] = {
        "symbols": args.symbols,
        "bars_per_symbol": args.bars_per_symbol,
        "bars": args.symbols * args.bars_per_symbol,
    }
    with tempfile.TemporaryDirectory(prefix="vt-bench-many-") as directory:
        figures |= _measure(args, Path(directory))
    figures |= {
        "build": build_info(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    write_figures(args.out, f"many_symbols_{args.symbols}x{args.bars_per_symbol}.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
