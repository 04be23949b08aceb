"""Keeping Python's cycle collector off the heap a run has already built.

A backtest holds millions of long-lived objects (history columns, the records of every
order and fill). The cycle collector would traverse them again and again while they can
never be garbage, which costs more than the work it interrupts.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["paused_collector", "quiet_collector"]


@contextmanager
def quiet_collector(young_threshold: int = 50_000) -> Iterator[None]:
    """Within the block the collector ignores what was alive on entry and runs less often.

    ``gc.freeze()`` moves every object alive now into a generation the collector never
    scans (memory is still freed by reference counting); new objects are collected as
    usual, the young generation after ``young_threshold`` allocations. On exit the frozen
    objects return to the collector and the thresholds are restored.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(young_threshold, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextmanager
def paused_collector() -> Iterator[None]:
    """Inside ``quiet_collector``: no collection at all within the block, then as before.

    For walking a backtest's history: the loop makes records that live for the run and
    hold no cycles, so a collection could only traverse them again. On exit everything
    alive, the history and what the block built, is set aside too (``gc.freeze()``), or
    the first collection after it would traverse all of it at once. A cycle made inside
    the block (an exception's traceback) is freed once ``quiet_collector`` returns the
    frozen objects to the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
