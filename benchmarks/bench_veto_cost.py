"""Benchmark: what one vetoed intent costs against one accepted intent, in the same process.

Runs ``benchmarks/strategies/flip_bench.py`` over ``--bars`` synthetic 1-minute bars (the
SMA benchmark's series) through the real container three ways:

* ``steady``: the same intent on every bar, so the pipeline is entered once: the loop and
  ``on_bar`` alone;
* ``accepted``: a new intent on every bar (1 unit, 2 units, ...), each one sized, passed by
  the risk gate, sent, filled on the next bar and booked;
* ``vetoed``: the same intents, each refused by the risk gate (``min_notional`` set beyond
  reach): sized, checked, recorded as a veto, counted.

The cost of an intent is ``(run - steady) / intents``; the figure to compare across
machines is the ratio ``vetoed / accepted``. Each way is timed best of ``--repeat`` (3),
taking turns; prints the figures and writes them as JSON to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import gc
import platform
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_sma_cross import synthetic_bars
from benchmarks.harness import bench_container, results_of, write_figures
from vibetrading_V2.data.memory import InMemoryBarSource

HERE = Path(__file__).resolve().parent
WAYS: dict[str, dict[str, Any]] = {
    "steady": {"flip": 0, "min_notional": 0.0},
    "accepted": {"flip": 1, "min_notional": 0.0},
    "vetoed": {"flip": 1, "min_notional": 1e15},
}


def run_way(source: InMemoryBarSource, out_dir: Path, way: dict[str, Any]) -> tuple[float, Any]:
    """One run of the whole pipeline; its seconds (engine and results) and its summary."""
    settings, container = bench_container(
        source, out_dir,
        strategy={"name": str(HERE / "strategies" / "flip_bench.py"),
                  "params": {"flip": way["flip"]}},
        policies={"risk": {"min_notional": way["min_notional"]}},
    )
    engine = container.engine()
    feed = container.feed()
    gc.collect()
    started = time.perf_counter()
    results = results_of(engine.run(feed), settings, container)
    seconds = time.perf_counter() - started
    container.logger().close()
    return seconds, results.summary


def _vetoes(summary: dict[str, Any]) -> int:
    """Vetoes of a summary, in the layout of this code base or of the one before it."""
    value = summary.get("n_vetoes", summary.get("vetoes", 0))
    return int(value["total"] if isinstance(value, dict) else value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bars", type=int, default=200_000)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    source = InMemoryBarSource({("GBM", "1m"): synthetic_bars(args.bars)})
    best: dict[str, float] = {}
    summaries: dict[str, Any] = {}
    for _ in range(args.repeat):
        for name, way in WAYS.items():
            seconds, summaries[name] = run_way(source, args.out / f"veto_{name}", way)
            best[name] = min(seconds, best.get(name, seconds))
    intents = args.bars - 1  # every bar after the first brings a new intent
    accepted_us = (best["accepted"] - best["steady"]) / intents * 1e6
    vetoed_us = (best["vetoed"] - best["steady"]) / intents * 1e6
    figures = {
        "bars": args.bars,
        "seconds": {k: round(v, 4) for k, v in best.items()},
        "orders_accepted_run": summaries["accepted"]["n_orders"],
        "vetoes_vetoed_run": _vetoes(summaries["vetoed"]),
        "accepted_us_per_intent": round(accepted_us, 3),
        "vetoed_us_per_intent": round(vetoed_us, 3),
        "ratio_vetoed_to_accepted": round(vetoed_us / accepted_us, 3),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    write_figures(args.out, f"veto_cost_{args.bars}.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
