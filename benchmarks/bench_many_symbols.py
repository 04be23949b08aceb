"""Benchmark: many symbols through the full pipeline, against one symbol in the same process.

``--symbols`` N symbols, each ``--bars-per-symbol`` M synthetic 1-minute bars (the GBM of
``bench_sma_cross``, one seed per symbol, all on the same minutes), written one symbol at a
time into a catalog in a temporary directory and freed, then run through the real container
reading that catalog (as ``cli.backtest --data DIR`` does: above ``data.one_batch_rows``
bars the replay streams it in batches of ``data.chunk_rows``, the settings' defaults unless
``--one-batch-rows``, ``--chunk-rows`` or ``--one-batch``) with
``benchmarks/strategies/sma_many_bench.py`` (the SMA(10)/SMA(30) crossover on every symbol).
In the same process, taking turns with the N-symbol run, every symbol runs alone through the
same strategy (N runs, the same bars in all): the per-bar cost of the N-symbol run is given
as a ratio to theirs, both sides timed over the same bars for about as long. A turn brackets
the N-symbol run: the first half of the symbols alone before it, the second half after it, so
a machine that speeds up or slows down over the turn weighs on both sides alike; each turn's
ratio is kept, and their median. The first symbol alone, the fastest of a few short runs, gives
a second ratio (a short run can fall in a quiet second that a long one cannot).
Prints and writes as JSON to ``benchmarks/results/``: engine seconds (the event loop, then
building the results), bars/s, the per-bar ratios (also in CPU seconds, which a busy machine
disturbs less), and peak RSS of
the N-symbol run (the kernel's high-water mark, reset just before the run: the interpreter
and the container are part of it, the bars on disk are not). ``--full-command`` also runs
``python -m cli.backtest`` on the catalog in a child process and reports its wall time and
peak RSS, outputs included. Measures only; nothing is asserted. The last case of ``make
bench`` (about 5 minutes at the default size, 40 x 525,600, five turns: a single turn
on a shared machine ranges over +-20 %, the median of five much less); ``make bench-many``
runs it alone."""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_sma_cross import SEED, synthetic_bars
from benchmarks.full_command import run_full_command, write_catalog
from benchmarks.harness import (
    bench_container,
    cpu_split,
    current_rss_mb,
    first_touch_us_per_page,
    read_peak_rss_mb,
    reset_peak_rss,
    results_of,
    turn_ratios,
    write_figures,
)
from cli.containers import Container
from cli.settings import AppSettings
from vibetrading_V2.ops.build import build_info

HERE = Path(__file__).resolve().parent
STRATEGY = HERE / "strategies" / "sma_many_bench.py"
CASH_PER_SYMBOL = 1_000_000.0


def symbol_name(i: int) -> str:
    return f"S{i:03d}"


def write_many(root: Path, n_symbols: int, bars: int) -> Path:
    """N independent GBM paths (seed + i) on the same one-minute timestamps, written to
    the catalog at ``root`` one symbol at a time (only one is ever in memory)."""
    for i in range(n_symbols):
        frame = synthetic_bars(bars, seed=SEED + i)
        write_catalog(frame, root, symbol_name(i))
        del frame
    return root


def many_container(catalog: Path, symbols: list[str], out_dir: Path,
                   data: dict[str, Any] | None = None,
                   params: dict[str, Any] | None = None) -> tuple[AppSettings, Container]:
    """A fresh container running ``STRATEGY`` (with ``params``) on ``symbols`` of the
    catalog, ``data`` layered on the data settings."""
    return bench_container(
        None, out_dir,
        strategy={"name": str(STRATEGY), "params": params or {}},
        data={"catalog": str(catalog), "user_catalog": None, "symbols": symbols,
              **(data or {})},
        # fees of ~10,000 round trips a year per symbol must not drain the account (a drained
        # account has every later order vetoed, and vetoes are cheaper than trades)
        execution={"initial_cash": CASH_PER_SYMBOL * len(symbols)},
    )


def run_once(catalog: Path, symbols: list[str], out_dir: Path,
             data: dict[str, Any]) -> dict[str, Any]:
    """One engine run (fresh container) and its results: seconds of each stage, peak RSS
    after the loop and after the results (the mark reset just before), trades."""
    settings, container = many_container(catalog, symbols, out_dir, data)
    engine = container.engine()
    feed = container.feed()
    gc.collect()
    rss_before = current_rss_mb()
    reset_peak_rss()
    started = time.perf_counter()
    user, system, faults = cpu_split()
    run = engine.run(feed)
    loop_seconds = time.perf_counter() - started
    loop_peak = read_peak_rss_mb()
    results = results_of(run, settings, container)
    seconds = time.perf_counter() - started
    user_after, system_after, faults_after = cpu_split()
    figures = {
        "seconds": seconds,
        "cpu_seconds": (user_after - user) + (system_after - system),
        "user_seconds": user_after - user,
        "system_seconds": system_after - system,
        "minor_faults": faults_after - faults,
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


_SUMMED = ("seconds", "cpu_seconds", "user_seconds", "system_seconds", "minor_faults",
           "n_trades", "n_vetoes")


def each_alone(catalog: Path, symbols: list[str], out_dir: Path,
               data: dict[str, Any]) -> dict[str, Any]:
    """Every symbol run alone, one after the other: the sums of their seconds and trades."""
    runs = [run_once(catalog, [symbol], out_dir, data) for symbol in symbols]
    return {key: sum(f[key] for f in runs) for key in _SUMMED}


def bracketed_turn(catalog: Path, symbols: list[str], scratch: Path, data: dict[str, Any],
                   alone: bool) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """One turn: the first half of ``symbols`` alone, the N-symbol run, the second half
    alone (``alone`` false: the N-symbol run only). Returns the run and the sums alone."""
    half = len(symbols) // 2
    before = each_alone(catalog, symbols[:half], scratch / "alone", data) if alone else None
    many = run_once(catalog, symbols, scratch / "many", data)
    if before is None:
        return many, None
    after = each_alone(catalog, symbols[half:], scratch / "alone", data)
    return many, {key: before[key] + after[key] for key in _SUMMED}


def feed_only(catalog: Path, symbols: list[str], out_dir: Path,
              data: dict[str, Any]) -> dict[str, Any]:
    """The replay feed alone (each batch dropped once yielded): its peak RSS above its
    start, seconds, and the number and largest size of its batches."""
    _, container = many_container(catalog, symbols, out_dir, data)
    feed = container.feed()
    gc.collect()
    rss_before = current_rss_mb()
    reset_peak_rss()
    started = time.process_time()
    sizes = [len(batch) for batch in feed.batches()]
    figures = {
        "feed_cpu_seconds": round(time.process_time() - started, 3),
        "feed_peak_rss_over_start_mb": round(read_peak_rss_mb() - rss_before, 1),
        "feed_batches": len(sizes),
        "feed_largest_batch_rows": max(sizes, default=0),
    }
    container.logger().close()
    return figures


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--symbols", type=int, default=40)
    parser.add_argument("--bars-per-symbol", type=int, default=525_600)
    parser.add_argument("--repeat", type=int, default=5,
                        help="turns (half the symbols alone, the many-symbol run, the other half "
                        "alone, then the first symbol alone); the fastest counts, peak RSS is "
                        "the first many-symbol run's")
    parser.add_argument("--one-symbol-repeat", type=int, default=3,
                        help="runs of the first symbol alone at the end of each turn "
                        "(short, so noisier: the fastest counts)")
    parser.add_argument("--no-each-alone", action="store_true",
                        help="skip the reference of every symbol run alone (about as long "
                        "as the many-symbol run)")
    parser.add_argument("--chunk-rows", type=int, default=None,
                        help="data.chunk_rows of the runs (default: the settings' default)")
    parser.add_argument("--one-batch-rows", type=int, default=None,
                        help="data.one_batch_rows of the runs: runs of at most this many bars "
                        "are one batch (default: the settings' default; 0: always stream)")
    parser.add_argument("--one-batch", action="store_true",
                        help="data.chunk_rows: null, the whole history in one batch")
    parser.add_argument("--full-command", action="store_true",
                        help="also run `python -m cli.backtest` on the catalog in a child")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    return parser.parse_args(argv)


def _data_settings(args: argparse.Namespace) -> dict[str, Any]:
    if args.one_batch:
        return {"chunk_rows": None}
    given = {"chunk_rows": args.chunk_rows, "one_batch_rows": args.one_batch_rows}
    return {key: value for key, value in given.items() if value is not None}


def _full_command(args: argparse.Namespace, catalog: Path, scratch: Path) -> dict[str, Any]:
    """``cli.backtest`` on the catalog in a child: its wall seconds and peak RSS."""
    symbols = [symbol_name(i) for i in range(args.symbols)]
    env = {"VT_EXECUTION__INITIAL_CASH": str(CASH_PER_SYMBOL * len(symbols)),
           "VT_DATA__USER_CATALOG": "null"}
    for key, value in _data_settings(args).items():
        env[f"VT_DATA__{key.upper()}"] = "null" if value is None else str(value)
    figures = run_full_command(catalog, scratch / "full", strategy=STRATEGY, symbols=symbols,
                               env=env)
    return {f"full_command_{key}": value for key, value in figures.items()}


def _measure(args: argparse.Namespace, scratch: Path) -> dict[str, Any]:
    symbols = [symbol_name(i) for i in range(args.symbols)]
    catalog = write_many(scratch / "catalog", args.symbols, args.bars_per_symbol)
    data = _data_settings(args)
    fresh_us, again_us = first_touch_us_per_page()
    many: list[dict[str, Any]] = []
    one: list[dict[str, Any]] = []
    alone: list[dict[str, Any]] = []
    for _ in range(args.repeat):
        run, sums = bracketed_turn(catalog, symbols, scratch, data, not args.no_each_alone)
        many.append(run)  # the peak reported is the first run's
        if sums is not None:
            alone.append(sums)
        one.extend(run_once(catalog, symbols[:1], scratch / "one", data)
                   for _ in range(args.one_symbol_repeat))
    # last: what the feed alone leaves allocated (arrow's pool keeps some) is not the run's
    feed = feed_only(catalog, symbols, scratch / "feed", data)
    total_bars = args.symbols * args.bars_per_symbol
    machine = {"first_touch_us_per_page": round(fresh_us, 2),
               "touch_again_us_per_page": round(again_us, 2)}
    return (machine | _many_figures(many, total_bars) | _alone_figures(many, alone, total_bars)
            | _first_symbol_figures(many, one, total_bars, args.bars_per_symbol) | feed)


def _us_per_bar(runs: list[dict[str, Any]], key: str, bars: int) -> float:
    """The fastest of ``runs`` by ``key`` (seconds or CPU seconds), per bar in µs."""
    return float(min(f[key] for f in runs)) / bars * 1e6


def _many_figures(many: list[dict[str, Any]], total_bars: int) -> dict[str, Any]:
    best = min(many, key=lambda f: f["seconds"])
    first = many[0]
    return {
        "engine_seconds": round(best["seconds"], 3),
        "engine_runs_seconds": [round(f["seconds"], 3) for f in many],
        "loop_seconds": round(best["loop_seconds"], 3),
        "results_seconds": round(best["results_seconds"], 3),
        "bars_per_second": round(total_bars / best["seconds"]),
        "us_per_bar": round(_us_per_bar(many, "seconds", total_bars), 3),
        "cpu_us_per_bar": round(_us_per_bar(many, "cpu_seconds", total_bars), 3),
        "user_us_per_bar": round(_us_per_bar(many, "user_seconds", total_bars), 3),
        "system_us_per_bar": round(_us_per_bar(many, "system_seconds", total_bars), 3),
        "minor_faults": min(f["minor_faults"] for f in many),
        "rss_before_run_mb": round(first["rss_before_mb"], 1),
        "loop_peak_rss_mb": round(first["loop_peak_rss_mb"], 1),
        "peak_rss_mb": round(first["peak_rss_mb"], 1),
        "peak_rss_over_start_mb": round(first["peak_rss_mb"] - first["rss_before_mb"], 1),
        "n_trades": best["n_trades"],
        "n_vetoes": best["n_vetoes"],
    }


def _alone_figures(many: list[dict[str, Any]], alone: list[dict[str, Any]],
                   total_bars: int) -> dict[str, Any]:
    """The N-symbol run against every symbol run alone: the ratio of the fastest of each
    side, and each turn's own ratio (the run and the N runs alone around it, half before
    and half after) with their median."""
    if not alone:
        return {}
    many_us, alone_us = (_us_per_bar(many, "seconds", total_bars),
                         _us_per_bar(alone, "seconds", total_bars))
    many_cpu, alone_cpu = (_us_per_bar(many, "cpu_seconds", total_bars),
                           _us_per_bar(alone, "cpu_seconds", total_bars))
    by_turn = [m["cpu_seconds"] / a["cpu_seconds"] for m, a in zip(many, alone, strict=True)]
    return {
        "each_alone_seconds": [round(f["seconds"], 3) for f in alone],
        "each_alone_us_per_bar": round(alone_us, 3),
        "each_alone_cpu_us_per_bar": round(alone_cpu, 3),
        "per_bar_ratio_to_each_alone": round(many_us / alone_us, 2),
        "per_bar_cpu_ratio_to_each_alone": round(many_cpu / alone_cpu, 2),
        **turn_ratios("per_bar_cpu_ratio_to_each_alone", by_turn),
        "each_alone_user_us_per_bar": round(_us_per_bar(alone, "user_seconds", total_bars), 3),
        "each_alone_system_us_per_bar": round(
            _us_per_bar(alone, "system_seconds", total_bars), 3),
        "each_alone_minor_faults": min(f["minor_faults"] for f in alone),
        "per_bar_user_ratio_to_each_alone": round(
            _us_per_bar(many, "user_seconds", total_bars)
            / _us_per_bar(alone, "user_seconds", total_bars), 2),
        "each_alone_n_trades": alone[0]["n_trades"],
        "each_alone_n_vetoes": alone[0]["n_vetoes"],
    }


def _first_symbol_figures(many: list[dict[str, Any]], one: list[dict[str, Any]],
                          total_bars: int, bars: int) -> dict[str, Any]:
    """The N-symbol run against the fastest run of the first symbol alone."""
    if not one:
        return {}
    many_us, one_us = _us_per_bar(many, "seconds", total_bars), _us_per_bar(one, "seconds", bars)
    many_cpu = _us_per_bar(many, "cpu_seconds", total_bars)
    one_cpu = _us_per_bar(one, "cpu_seconds", bars)
    best_one = min(one, key=lambda f: f["seconds"])
    return {
        "one_symbol_engine_seconds": round(best_one["seconds"], 3),
        "one_symbol_runs_seconds": [round(f["seconds"], 3) for f in one],
        "one_symbol_us_per_bar": round(one_us, 3),
        "per_bar_ratio_to_one_symbol": round(many_us / one_us, 2),
        "one_symbol_cpu_us_per_bar": round(one_cpu, 3),
        "per_bar_cpu_ratio_to_one_symbol": round(many_cpu / one_cpu, 2),
        "one_symbol_peak_rss_mb": round(one[0]["peak_rss_mb"], 1),
        "one_symbol_n_trades": best_one["n_trades"],
    }


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    figures: dict[str, Any] = {
        "symbols": args.symbols,
        "bars_per_symbol": args.bars_per_symbol,
        "bars": args.symbols * args.bars_per_symbol,
        "chunk_rows": _data_settings(args).get("chunk_rows", "default"),
    }
    with tempfile.TemporaryDirectory(prefix="vt-bench-many-") as directory:
        figures |= _measure(args, Path(directory))
        if args.full_command:
            figures |= _full_command(args, Path(directory) / "catalog", Path(directory))
    figures |= {
        "build": build_info(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    write_figures(args.out, f"many_symbols_{args.symbols}x{args.bars_per_symbol}.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
