"""The backtest's fast driver and the generic event step give the same orders and fills.

On the bundled data and strategy, built through the composition root: the whole history
through the fast driver (what ``cli.backtest`` runs), against the same bars through the
generic step one ``BarEvent`` at a time, as one batch and cut into small batches (as a
paper feed hands them, features then computed on the rolling window).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from cli.containers import build_container
from cli.settings import load_settings
from tests.integration.data_files import ROOT, settings_for
from tests.unit.engine_helpers import ListFeed, chunks
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.runner.engine import EngineConfig
from vibetrading_V2.runner.run_orders import run_orders


def _run(tmp: Path, *, fast: bool, batch_rows: int | None) -> tuple[list[Any], list[Any], int]:
    """Fills, orders (each in its final state) and the number of bars of one bundled run."""
    settings = load_settings(
        "dev", ROOT / "config",
        **settings_for(tmp, ROOT / "strategies" / "my_strategy_a.py", ROOT / "data" / "curated"),
    )
    container = build_container(settings)
    try:
        config: EngineConfig = container.engine.kwargs["config"]()
        container.engine.add_kwargs(config=dataclasses.replace(config, fast_backtest=fast))
        batches: list[BarBatch] = list(container.feed().batches())
        if batch_rows is not None:
            batches = [part for batch in batches for part in chunks(batch, batch_rows)]
        run = container.engine().run(ListFeed(*batches))
        orders = [(o.client_order_id, str(o.status), o.filled_quantity, o.average_price,
                   o.updated_ns) for o in run_orders(container.execution())]
    finally:
        container.logger().close()
    fills = [(f.execution_id, f.client_order_id, str(f.side), f.quantity, f.price, f.fee,
              f.ts_ns) for f in run.fills]
    return fills, orders, run.bars


@pytest.fixture(scope="module")
def fast_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Any], list[Any], int]:
    return _run(tmp_path_factory.mktemp("fast"), fast=True, batch_rows=None)


def test_engine_when_bundled_run_goes_through_event_step_then_same_orders_and_fills(
    fast_run: tuple[list[Any], list[Any], int], tmp_path: Path,
) -> None:
    fills, orders, bars = _run(tmp_path, fast=False, batch_rows=None)
    assert bars == fast_run[2] > 1_000
    assert len(fast_run[0]) > 10  # the bundled strategy trades
    assert fills == fast_run[0]
    assert orders == fast_run[1]


def test_engine_when_bundled_bars_come_in_small_batches_through_event_step_then_same_fills(
    fast_run: tuple[list[Any], list[Any], int], tmp_path: Path,
) -> None:
    fills, orders, _ = _run(tmp_path, fast=False, batch_rows=250)
    assert fills == fast_run[0]
    assert orders == fast_run[1]


def test_engine_when_fast_driver_gets_small_batches_then_same_fills(
    fast_run: tuple[list[Any], list[Any], int], tmp_path: Path,
) -> None:
    fills, orders, _ = _run(tmp_path, fast=True, batch_rows=97)
    assert fills == fast_run[0]
    assert orders == fast_run[1]

