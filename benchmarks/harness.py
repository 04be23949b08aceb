"""What every benchmark script shares: a container over in-memory bars, the run's results,
the process's memory figures and where the figures are written."""

from __future__ import annotations

import contextlib
import json
import mmap
import resource
import statistics
import time
from pathlib import Path
from typing import Any

from dependency_injector import providers

from cli.containers import Container, build_container
from cli.settings import AppSettings, load_settings
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.runner.engine import EngineRun
from vibetrading_V2.runner.results import BacktestResults, build_results

__all__ = [
    "bench_container",
    "current_rss_mb",
    "read_peak_rss_mb",
    "reset_peak_rss",
    "results_of",
    "write_figures",
]

CONFIG_DIR = Path(__file__).resolve().parent.parent / "config"


def bench_container(
    source: InMemoryBarSource | None, out_dir: Path, **settings: Any
) -> tuple[AppSettings, Container]:
    """The dev settings with ``settings`` layered on, quiet, writing to ``out_dir``, and a
    fresh container reading its bars from ``source`` (``None``: from the settings' catalog,
    as a user's run does)."""
    loaded = load_settings("dev", config_dir=CONFIG_DIR, output={"directory": str(out_dir)},
                           logging={"console_level": "off"}, **settings)
    container = build_container(loaded)
    if source is not None:
        container.catalog.override(providers.Object(source))
    return loaded, container


def results_of(run: EngineRun, settings: AppSettings, container: Container) -> BacktestResults:
    """The run's results, built as ``cli.backtest`` builds them."""
    return build_results(
        run, container.ledger(), container.execution(),
        initial_cash=settings.execution.initial_cash,
        periods_per_year=container.periods_per_year(),
    )


def _status_mb(field: str) -> float | None:
    """A memory line of ``/proc/self/status`` (``VmRSS``, ``VmHWM``) in MiB; None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def current_rss_mb() -> float:
    """Resident memory now, in MiB (0 where unknown)."""
    return _status_mb("VmRSS") or 0.0


def reset_peak_rss() -> None:
    """Reset the kernel's peak-RSS mark (Linux); elsewhere the process peak is reported."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def read_peak_rss_mb() -> float:
    """Peak resident memory since the last reset, in MiB."""
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def write_figures(out: Path, name: str, figures: dict[str, Any]) -> None:
    """Write ``figures`` to ``out/name`` as sorted JSON and print them, one per line."""
    out.mkdir(parents=True, exist_ok=True)
    (out / name).write_text(json.dumps(figures, indent=2, sort_keys=True) + "\n",
                            encoding="utf-8")
    width = max(map(len, figures), default=0)
    for key, value in figures.items():
        print(f"{key:>{width}}: {value}")


def turn_ratios(name: str, ratios: list[float]) -> dict[str, Any]:
    """Each turn's ratio (``<name>_by_turn``) and their median (``<name>_median``): on a
    shared machine one turn can be far off, the median of several much less."""
    return {f"{name}_by_turn": [round(r, 2) for r in ratios],
            f"{name}_median": round(statistics.median(ratios), 2)}


def cpu_split() -> tuple[float, float, int]:
    """The process's user and system CPU seconds and minor page faults so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime, usage.ru_stime, usage.ru_minflt


def first_touch_us_per_page(size_mb: int = 256) -> tuple[float, float]:
    """What the machine charges for memory: µs per 4 KiB page to touch ``size_mb`` of fresh
    anonymous memory once, then the same for a second mapping made right after the first
    was unmapped (pages the kernel may hand back at once).

    A probe of a quiet moment: on a virtual machine whose host backs a guest page only on
    its first touch, a run that grows beyond the pages it freed seconds before can pay far
    more a page (``system_us_per_bar`` and ``minor_faults`` of the runs show what it paid).
    """
    size = size_mb << 20
    seconds: list[float] = []
    for _ in range(2):
        with mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS) as area:
            started = time.perf_counter()
            for offset in range(0, size, mmap.PAGESIZE):
                area[offset] = 1
            seconds.append(time.perf_counter() - started)
    pages = size // mmap.PAGESIZE
    return seconds[0] / pages * 1e6, seconds[1] / pages * 1e6
