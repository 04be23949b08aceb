"""Benchmark: SMA(10)/SMA(30) crossover over synthetic 1-minute bars, full pipeline.

Generates ``--bars`` bars of a geometric Brownian motion (fixed seed, prices rounded to 4
decimals), runs ``benchmarks/strategies/sma_bench.py`` through the real container
(registry, sandbox, policies, risk gate, simulator, ledger, results) and, in the same
process, a plain-Python loop that keeps two running SMAs and checks the cross: the floor.
They take ``--repeat`` (5) turns, the engine with a fresh container each time; after each
engine run its outputs (CSVs, summary, report) are written and timed too, then the floor
runs ``--floor-stretch`` (3) times back to back, about as long as one engine run, and its
mean there is the turn's floor. The fastest engine run over the fastest turn's floor is the
ratio (``ratio_to_floor``); each turn's own and their median are kept too. (Against the
single fastest floor run, ``ratio_to_fastest_floor_run``, the ratio leans high on a busy
machine: a 0.16 s loop finds a quiet spell that a 0.45 s run does not.) Then the whole
command, ``python -m cli.backtest``, runs on the same bars in a child process
(``--full-runs``, see ``benchmarks.full_command``). Prints engine seconds, bars/s, the
ratio to the floor, peak RSS (of one engine run), the outputs' time as a ratio to the
engine's and the whole command's time and peak RSS, and writes them as JSON to
``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.full_command import run_full_command, write_catalog
from benchmarks.harness import (
    bench_container,
    cpu_split,
    read_peak_rss_mb,
    reset_peak_rss,
    results_of,
    turn_ratios,
    write_figures,
)
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.ops.build import build_info
from vibetrading_V2.ops.report import write_backtest_outputs
from vibetrading_V2.runner.results import BacktestResults

HERE = Path(__file__).resolve().parent
SEED = 20_240_101


def synthetic_bars(n: int, seed: int = SEED) -> pd.DataFrame:
    """GBM 1-minute bars, prices rounded to 4 decimals, OHLC consistent after rounding."""
    rng = np.random.default_rng(seed)
    sigma = 0.20 / np.sqrt(365 * 24 * 60)
    log_returns = rng.normal(0.0, sigma, n)
    close = np.round(100.0 * np.exp(np.cumsum(log_returns)), 4)
    open_ = np.round(np.concatenate(([100.0], close[:-1])), 4)
    wiggle = np.abs(rng.normal(0.0, sigma, (2, n)))
    high = np.round(np.maximum(open_, close) * (1.0 + wiggle[0]), 4)
    low = np.round(np.minimum(open_, close) * (1.0 - wiggle[1]), 4)
    high = np.maximum(high, np.maximum(open_, close))
    low = np.minimum(low, np.minimum(open_, close))
    volume = rng.integers(1, 1_000, n).astype(np.float64)
    index = pd.date_range("2020-01-01", periods=n, freq="1min", tz="UTC", name="timestamp")
    return pd.DataFrame(
        {"open": open_, "high": high, "low": low, "close": close, "volume": volume}, index=index
    )


def floor_loop(closes: list[float], fast: int = 10, slow: int = 30) -> int:
    """The reference: two running SMAs and a cross check in plain Python; returns #crosses."""
    sum_fast = sum_slow = 0.0
    above = False
    crosses = 0
    for i, price in enumerate(closes):
        sum_fast += price
        sum_slow += price
        if i >= fast:
            sum_fast -= closes[i - fast]
        if i >= slow:
            sum_slow -= closes[i - slow]
        if i >= slow - 1:
            now_above = sum_fast / fast > sum_slow / slow
            if now_above != above:
                crosses += 1
                above = now_above
    return crosses


def run_engine(
    source: InMemoryBarSource, out_dir: Path
) -> tuple[float, float, BacktestResults]:
    """Wall and CPU seconds of one engine run and its results (a fresh container)."""
    settings, container = bench_container(
        source, out_dir, strategy={"name": str(HERE / "strategies" / "sma_bench.py")}
    )
    engine = container.engine()
    feed = container.feed()
    started, cpu = time.perf_counter(), time.process_time()
    results = results_of(engine.run(feed), settings, container)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    container.logger().close()
    return seconds, cpu, results


def write_outputs(results: BacktestResults, out_dir: Path) -> tuple[float, float]:
    """Wall and CPU seconds to write the run's outputs, as the backtest command does."""
    started, cpu = time.perf_counter(), time.process_time()
    write_backtest_outputs(
        out_dir, trades=results.trade_table(), orders=results.order_table(),
        equity=results.equity,
        summary=results.summary, prices=results.prices, title="sma_bench benchmark",
    )
    return time.perf_counter() - started, time.process_time() - cpu


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bars", type=int, default=1_000_000)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--repeat", type=int, default=5,
                        help="turns of an engine run (a fresh container each) and the "
                        "floor's stretch; the fastest of each counts")
    parser.add_argument("--floor-stretch", type=int, default=3,
                        help="floor runs back to back in a turn, their mean the turn's floor "
                        "(3: about as long as one engine run)")
    parser.add_argument("--full-runs", type=int, default=1,
                        help="runs of the whole backtest command in a child process "
                        "(0: none); the fastest counts")
    return parser.parse_args(argv)


def floor_stretch(close: np.ndarray, runs: int) -> tuple[int, list[float]]:
    """The floor run ``runs`` times back to back: its crosses and each run's seconds."""
    times: list[float] = []
    crosses = 0
    for _ in range(runs):
        closes = close.tolist()
        started = time.perf_counter()
        crosses = floor_loop(closes)
        times.append(time.perf_counter() - started)
        del closes
    return crosses, times


def ratio_figures(engine_times: list[float], floor_times: list[list[float]]) -> dict[str, Any]:
    """The engine's fastest run against the fastest turn's floor (a stretch's mean), each
    turn's ratio and their median, and the ratio to the single fastest floor run."""
    turn_floors = [sum(stretch) / len(stretch) for stretch in floor_times]
    by_turn = [engine / floor for engine, floor in zip(engine_times, turn_floors, strict=True)]
    engine_seconds, floor_seconds = min(engine_times), min(turn_floors)
    fastest_floor_run = min(min(stretch) for stretch in floor_times)
    return {
        "engine_seconds": round(engine_seconds, 4),
        "engine_runs_seconds": [round(t, 4) for t in engine_times],
        "floor_runs_seconds": [[round(t, 4) for t in stretch] for stretch in floor_times],
        "floor_seconds": round(floor_seconds, 4),
        "ratio_to_floor": round(engine_seconds / floor_seconds, 2),
        **turn_ratios("ratio_to_floor", by_turn),
        "fastest_floor_run_seconds": round(fastest_floor_run, 4),
        "ratio_to_fastest_floor_run": round(engine_seconds / fastest_floor_run, 2),
    }


def _engine_figures(
    source: InMemoryBarSource, close: np.ndarray, repeat: int, floor_runs: int, scratch: Path
) -> dict[str, Any]:
    """Engine, outputs and floor runs, taking turns so that a slow spell of the machine
    meets all three; the fastest of each counts."""
    floor_times: list[list[float]] = []
    engine_times: list[float] = []
    engine_faults: list[int] = []
    engine_system: list[float] = []
    output_times: list[float] = []
    cpu_times: dict[str, list[float]] = {"engine": [], "outputs": []}
    peak_rss_mb = outputs_peak_mb = 0.0
    crosses = 0
    summary: dict[str, Any] = {}
    for run in range(repeat):
        gc.collect()
        if run == 0:  # measure one engine run, before any floor input was built
            reset_peak_rss()
        _, system, faults = cpu_split()
        seconds, cpu, results = run_engine(source, scratch / "run")
        _, system_after, faults_after = cpu_split()
        engine_faults.append(faults_after - faults)
        engine_system.append(round(system_after - system, 3))
        engine_times.append(seconds)
        cpu_times["engine"].append(cpu)
        if run == 0:
            peak_rss_mb = read_peak_rss_mb()
        seconds, cpu = write_outputs(results, scratch / "outputs")
        output_times.append(seconds)
        cpu_times["outputs"].append(cpu)
        if run == 0:
            outputs_peak_mb = read_peak_rss_mb()
        summary = results.summary
        del results
        crosses, stretch = floor_stretch(close, floor_runs)
        floor_times.append(stretch)
    return {
        **ratio_figures(engine_times, floor_times),
        # memory the machine hands over for the first time costs system CPU (page faults):
        # a first run pays for every page it grows by, a later one reuses freed pages
        "engine_runs_system_seconds": engine_system,
        "engine_runs_minor_faults": engine_faults,
        "bars_per_second": round(len(close) / min(engine_times)),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "outputs_seconds": round(min(output_times), 4),
        "outputs_runs_seconds": [round(t, 4) for t in output_times],
        "outputs_to_engine": round(min(output_times) / min(engine_times), 2),
        # CPU seconds: a busy shared machine stretches wall time, less so CPU time
        "outputs_cpu_to_engine_cpu": round(min(cpu_times["outputs"]) / min(cpu_times["engine"]),
                                           2),
        "outputs_peak_rss_mb": round(outputs_peak_mb, 1),
        "floor_crosses": crosses,
        "n_trades": summary["n_trades"],
        "final_equity": summary["final_equity"],
    }


def _full_figures(catalog: Path, out_dir: Path, runs: int, engine_seconds: float,
                  floor_seconds: float) -> dict[str, Any]:
    """The whole command, fastest of ``runs``, as ratios to the in-process engine run."""
    best: dict[str, Any] = {}
    peaks = []
    for _ in range(runs):
        figures = run_full_command(catalog, out_dir)
        peaks.append(figures["peak_rss_mb"])
        if not best or figures["seconds"] < best["seconds"]:
            best = figures
    return {
        "full_command_seconds": round(best["seconds"], 3),
        "full_command_to_engine": round(best["seconds"] / engine_seconds, 2),
        "full_command_to_floor": round(best["seconds"] / floor_seconds, 1),
        "full_command_engine_seconds": round(best["engine_seconds"], 4),
        "full_command_peak_rss_mb": round(max(peaks), 1),
        "full_command_output_mb": best["output_mb"],
    }


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    frame = synthetic_bars(args.bars)
    close = frame["close"].to_numpy().copy()  # the floor's input, made a list per floor run
    with tempfile.TemporaryDirectory(prefix="vt-bench-") as directory:
        scratch = Path(directory)
        catalog = write_catalog(frame, scratch / "catalog") if args.full_runs > 0 else None
        source = InMemoryBarSource({("GBM", "1m"): frame})
        del frame  # the source holds its own validated copy
        figures = {"bars": args.bars, **_engine_figures(source, close, args.repeat,
                                                             args.floor_stretch, scratch)}
        figures["process_peak_rss_mb"] = round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1
        )
        del source
        if catalog is not None:
            figures |= _full_figures(catalog, scratch / "full", args.full_runs,
                                     figures["engine_seconds"], figures["floor_seconds"])
    figures |= {
        "build": build_info(),  # "compiled", or "plain-python" where make could not compile
        "python": platform.python_version(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
    }
    write_figures(args.out, f"sma_cross_{args.bars}.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
