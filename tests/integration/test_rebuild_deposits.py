"""A paper session's top-ups rebuilt at their places among the fills (issue 13 items 1, 5).

A float sum depends on its order: a restart that books the deposits after every fill ends a
few ulps away from the run it resumes, and the next order's size with it. The store keeps
each epoch's place (``fills_before``); the rebuild books the ledger and the simulated venue
in that order, so their cash is the uninterrupted run's to the last bit.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fakes import ListLogger
from vibetrading_V2.core.epochs import EpochRecord
from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.execution.config import SimulatorConfig
from vibetrading_V2.execution.simulator import Simulator
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.rebuild import rebuild_local_state
from vibetrading_V2.store.sqlite import SqliteStateStore

CASH = 1_000.0
_V6_FIXTURE = Path(__file__).parents[1] / "fixtures" / "store" / "schema_v6.sql"

# a session's events in the order it booked them: a fill (quantity, price, fee) or a deposit
_events = st.lists(
    st.one_of(
        st.tuples(st.floats(0.001, 50.0), st.floats(0.01, 500.0), st.floats(0.0, 3.0)),
        st.floats(1.0, 5_000.0),
    ),
    min_size=1, max_size=30,
)


def _fill(n: int, quantity: float, price: float, fee: float) -> Fill:
    side = Side.BUY if n % 2 else Side.SELL
    return Fill(f"e{n}", f"c{n}", "AAA", side, quantity, price, fee, 1_000 + n, "s")


def _run(store: SqliteStateStore, events: list[tuple[float, float, float] | float]) -> Ledger:
    """Record and book ``events`` as a live session does: record, then book."""
    ledger = Ledger(CASH)
    epoch = 0
    for n, event in enumerate(events):
        if isinstance(event, tuple):
            fill = _fill(n, *event)
            assert store.record_fill(fill)
            ledger.apply_recorded_fill(fill)
        else:
            epoch += 1
            store.record_epoch(EpochRecord(epoch, 1_000 + n, 0, 5.0, event, "run-1"))
            ledger.deposit(event)
    return ledger


@settings(max_examples=40, deadline=None)
@given(events=_events)
def test_rebuild_when_top_ups_came_between_fills_then_ledger_and_venue_cash_are_the_runs_bits(
    events: list[tuple[float, float, float] | float],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "s.sqlite"
        with SqliteStateStore(path, run_id="run-1") as store:
            live = _run(store, events)
        rebuilt, venue = Ledger(CASH), Simulator(SimulatorConfig(initial_cash=CASH))
        with SqliteStateStore(path, run_id="run-2") as store:
            rebuild_local_state(store, rebuilt, venue, [], ListLogger())
    assert rebuilt.cash() == live.cash()
    assert rebuilt.deposits() == live.deposits()
    assert rebuilt.equity() == live.equity()
    assert venue.account().cash == live.cash()
    assert rebuilt.position("AAA") == live.position("AAA")


def test_rebuild_when_the_order_matters_then_the_deposit_is_booked_where_the_run_booked_it(
    tmp_path: Path,
) -> None:
    # 1,000 + 1,000 - 87.17... and 1,000 - 87.17... + 1,000 differ in the last bit
    events: list[tuple[float, float, float] | float] = [1_000.0, (1.297, 67.21, 0.7215)]
    with SqliteStateStore(tmp_path / "s.sqlite", run_id="run-1") as store:
        live = _run(store, events)
        assert store.deposit_places() == [(0, 1_000.0)]
    after_all = Ledger(CASH)
    after_all.apply_recorded_fill(_fill(1, 1.297, 67.21, 0.7215))
    after_all.deposit(1_000.0)
    assert after_all.cash() != live.cash()  # the order shows in the bits
    rebuilt = Ledger(CASH)
    with SqliteStateStore(tmp_path / "s.sqlite", run_id="run-2") as store:
        rebuild_local_state(store, rebuilt, None, [], ListLogger())
    assert rebuilt.cash() == live.cash()


def test_sqlite_store_when_opening_a_v6_store_then_each_epoch_is_placed_by_market_then_record_time(
    tmp_path: Path,
) -> None:
    path = tmp_path / "v6.sqlite"
    conn = sqlite3.connect(path)
    try:
        conn.executescript(_V6_FIXTURE.read_text(encoding="utf-8"))
    finally:
        conn.close()
    with SqliteStateStore(path, run_id="new-run", account="acc1") as store:
        assert store.pragmas()["user_version"] == 7
        # epoch 1 at the time of fills 2 and 3, recorded after 2 and before 3; epoch 2
        # after the four fills
        assert store.deposit_places() == [(2, 1_000.0), (4, 1_000.0)]
        assert [e.epoch for e in store.epochs()] == [1, 2]
        assert [f.execution_id for f in store.fills()] == ["e1", "e2", "e3", "e4"]
