"""A run's trades and orders written a chunk at a time from its records are the very bytes
of their whole frames written at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.engine_helpers import HOUR, INITIAL_CASH, T0, bars, make_rig, merge
from vibetrading_V2.core.types import Direction, Intent
from vibetrading_V2.ops.csv_writer import write_csv
from vibetrading_V2.ops.report import ORDER_COLUMNS, TRADE_COLUMNS
from vibetrading_V2.portfolio.open_positions import OpenPosition
from vibetrading_V2.portfolio.trades import RoundTrip
from vibetrading_V2.runner.record_tables import RecordTable, trade_table
from vibetrading_V2.runner.results import BacktestResults, build_results
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

SYMBOLS = ("AAA", "BBB")


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


class Flip(Strategy):
    """Long on even hours, flat on odd ones: a trade every two bars of each symbol."""

    def on_bar(self, bar: BarView) -> StrategyOutput:
        if (bar.ts_ns // HOUR) % 2 == 0:
            return Intent.long(bar.symbol, quantity=2.0)
        return Intent.flat(bar.symbol)


def _results(guard: RuntimeGuard) -> BacktestResults:
    path = [100.0 + 0.5 * np.sin(i / 3.0) for i in range(41)]
    rig = make_rig(Flip(), guard, universe=SYMBOLS)
    run = rig.run(merge(*(bars(s, path, start=T0 + k * HOUR) for k, s in enumerate(SYMBOLS))))
    return build_results(run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH,
                         periods_per_year=8760.0)


def _written(tmp_path: Path, name: str, rows: pd.DataFrame | RecordTable,
             columns: tuple[str, ...], chunk_rows: int) -> bytes:
    path = tmp_path / f"{name}-{chunk_rows}-{type(rows).__name__}.csv"
    return write_csv(path, name, rows, columns, chunk_rows=chunk_rows).read_bytes()


@pytest.mark.parametrize("chunk_rows", [1, 3, 7, 1000])
def test_run_tables_when_written_in_chunks_from_records_then_same_bytes_as_one_frame(
    guard: RuntimeGuard, tmp_path: Path, chunk_rows: int
) -> None:
    results = _results(guard)
    assert len(results.trades) >= 20 and len(results.orders) >= 40  # several chunks
    for name, table, frame, columns in (
        ("trades", results.trade_table(), results.trades, TRADE_COLUMNS),
        ("orders", results.order_table(), results.orders, ORDER_COLUMNS),
    ):
        whole = _written(tmp_path, name, frame, columns, chunk_rows=10**6)
        assert _written(tmp_path, name, table, columns, chunk_rows) == whole, name


def _trip(entry_ns: int, exit_ns: int, k: int) -> RoundTrip:
    return RoundTrip("s1", ("AAA", "B,B")[k % 2], Direction.LONG if k % 3 else Direction.SHORT,
                     entry_ns, exit_ns, 1.5, 100.0 + k, 101.25, 1.25, 0.1, 1.15, 0.75,
                     None, "signal")  # fmt: skip


@settings(max_examples=40, deadline=None)
@given(
    stamps=st.lists(st.tuples(st.integers(0, 4 * 10**9),
                              st.sampled_from([0, 0, 0, 0, 10**6, 10**3, 1, 123_456_789])),
                    min_size=1, max_size=12),
    chunk_rows=st.integers(1, 5),
    held=st.booleans(),
)
def test_trade_table_when_times_need_a_finer_unit_in_one_chunk_then_every_chunk_uses_it(
    tmp_path_factory: pytest.TempPathFactory, stamps: list[tuple[int, int]], chunk_rows: int,
    held: bool,
) -> None:
    # whole seconds mostly; one exit with a fraction makes its whole column finer
    trips = [_trip(s * 10**9, s * 10**9 + frac, k) for k, (s, frac) in enumerate(stamps)]
    opened = [OpenPosition("s1", "AAA", Direction.LONG, 1.0, 5 * 10**9, 99.0, 98.0,
                           7 * 10**9 + 1, 0.1)] if held else []  # fmt: skip
    table = trade_table(trips, opened)
    tmp = tmp_path_factory.mktemp("t")
    whole = _written(tmp, "trades", table.frame(), TRADE_COLUMNS, chunk_rows=10**6)
    assert _written(tmp, "trades", table, TRADE_COLUMNS, chunk_rows) == whole
