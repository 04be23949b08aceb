"""The whole backtest command on the benchmark's bars, as a user runs it.

``bench_sma_cross`` times the engine inside one process; this part writes the same bars
into a catalog of their own and runs ``python -m cli.backtest`` on them in a child
process, so that the figures include what the engine figure leaves out: start-up, loading
the catalog, and writing every output (the CSVs, ``summary.json`` and the report). The
child's wall time and peak resident memory are measured by a small parent of its own
(the kernel's ``ru_maxrss``); its engine time comes from the ``summary.json`` it wrote.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vibetrading_V2.data.schema import BarArrays
from vibetrading_V2.data.writer import CatalogWriter

__all__ = ["run_full_command", "write_catalog"]

ROOT = Path(__file__).resolve().parent.parent
SYMBOL, TIMEFRAME = "GBM", "1m"


def write_catalog(frame: pd.DataFrame, root: Path, symbol: str = SYMBOL) -> Path:
    """``frame`` (the benchmark's bars) as ``symbol``'s 1-minute dataset in the catalog at
    ``root`` (made if missing, its manifest kept up to date)."""
    index = pd.DatetimeIndex(frame.index).as_unit("ns")
    bars = BarArrays(
        np.asarray(index.asi8, dtype=np.int64),
        *(frame[c].to_numpy(dtype=np.float64) for c in ("open", "high", "low", "close",
                                                          "volume")),
    )
    CatalogWriter(root).write(bars, symbol, TIMEFRAME, replace=True)
    return root


# Runs the command and prints its wall seconds, exit code and peak RSS (KiB). A process
# forked from the benchmark would inherit the benchmark's own high-water mark (Linux
# carries it over fork and exec), so the command is started from this small one instead.
_TIMER = """
import resource, subprocess, sys, time
started = time.perf_counter()
code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
seconds = time.perf_counter() - started
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(seconds, code, used.ru_maxrss, used.ru_utime + used.ru_stime)
"""


def run_full_command(
    catalog: Path,
    out_dir: Path,
    *,
    strategy: Path = ROOT / "benchmarks" / "strategies" / "sma_bench.py",
    symbols: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Run the backtest command on ``catalog``; return its wall and CPU seconds, peak RSS (MiB),
    the engine seconds it reported and its outputs' sizes. ``symbols`` (default: the
    strategy's universe) and ``env`` (extra ``VT_*`` settings) go to the command."""
    command = [
        sys.executable, "-m", "cli.backtest", "--env", "dev", "--strategy", str(strategy),
        "--data", str(catalog), "--out", str(out_dir),
        *(flag for symbol in symbols or () for flag in ("--symbols", symbol)),
    ]  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-c", _TIMER, *command], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "COLUMNS": "100", **(env or {})}, check=False,
    )
    seconds, code, max_rss_kib, cpu_seconds = done.stdout.split()
    if done.returncode != 0 or int(code) != 0:
        raise RuntimeError(f"the backtest command exited {code}: {done.stderr[-2000:]}")
    summary = json.loads((out_dir / "summary.json").read_text(encoding="utf-8"))
    return {
        "seconds": float(seconds),
        "cpu_seconds": float(cpu_seconds),
        "peak_rss_mb": int(max_rss_kib) / 1024.0,  # Linux reports KiB
        "engine_seconds": float(summary["engine_seconds"]),
        "output_mb": {
            path.name: round(path.stat().st_size / 2**20, 2)
            for path in sorted(out_dir.iterdir()) if path.is_file()
        },
    }
