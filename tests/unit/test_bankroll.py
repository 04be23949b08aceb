"""The paper bankroll: a top-up at the floor is an epoch in the store and a deposit in the
ledger and the simulated venue; a restart takes the recorded epochs back, once (the rebuild
books their deposits, ``tests/integration/test_rebuild_deposits.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes import FixedClock, ListAlerts, ListLogger
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.execution.config import SimulatorConfig
from vibetrading_V2.execution.simulator import Simulator
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.bankroll import Bankroll, TopUpRule
from vibetrading_V2.store.sqlite import SqliteStateStore

WALL = 1_700_000_000_000_000_000


def _bankroll(store: SqliteStateStore | None, ledger: Ledger, venue: Simulator | None = None,
              run_id: str = "run-1") -> Bankroll:
    return Bankroll(TopUpRule(), ledger=ledger, venue=venue, store=store,
                    clock=FixedClock(WALL), logger=ListLogger(), alerts=ListAlerts(),
                    run_id=run_id)


def _losing_ledger() -> Ledger:
    """$1,000 that bought 10 units at 100 now marked at 0.5: equity $5."""
    ledger = Ledger(1_000.0)
    ledger.apply_fill(Fill(execution_id="e1", client_order_id="o1", symbol="AAA",
                           side=Side.BUY, quantity=10.0, price=100.0, fee=0.0, ts_ns=1,
                           strategy_id="s"))
    ledger.mark("AAA", 0.5)
    return ledger


def test_bankroll_when_topped_up_at_the_floor_then_an_epoch_row_and_a_deposit(
    tmp_path: Path,
) -> None:
    ledger = _losing_ledger()
    venue = Simulator(SimulatorConfig(initial_cash=1_000.0))
    with SqliteStateStore(tmp_path / "s.sqlite", run_id="run-1") as store:
        bankroll = _bankroll(store, ledger, venue)
        bankroll.top_up(ts_ns=42, equity=ledger.equity())
        [epoch] = store.epochs()
    assert (epoch.epoch, epoch.ts_ns, epoch.wall_ns) == (1, 42, WALL)
    assert (epoch.equity_before, epoch.deposit, epoch.run_id) == (5.0, 1_000.0, "run-1")
    assert ledger.equity() == 1_005.0 and ledger.deposits() == 1_000.0
    assert venue.account().cash == 2_000.0  # the venue's own cash: nothing spent there
    assert bankroll.deposits == [(42, 1_000.0)]


def test_ledger_when_a_deposit_is_made_then_pnl_excludes_it() -> None:
    ledger = _losing_ledger()
    ledger.deposit(1_000.0)
    pnl = ledger.realized_pnl() + ledger.unrealized_pnl() - ledger.fees()
    assert pnl == pytest.approx(ledger.equity() - ledger.initial_cash - ledger.deposits())
    assert pnl == pytest.approx(-995.0)


def test_bankroll_when_restarted_then_recorded_top_ups_are_taken_back_and_numbering_goes_on(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.sqlite"
    with SqliteStateStore(path, run_id="run-1") as store:
        first = _bankroll(store, _losing_ledger())
        first.top_up(ts_ns=42, equity=5.0)
        first.top_up(ts_ns=43, equity=7.0)
    restarted = _losing_ledger()
    with SqliteStateStore(path, run_id="run-2") as store:
        bankroll = _bankroll(store, restarted, run_id="run-2")
        assert bankroll.restore() == 2_000.0
        assert bankroll.restore() == 0.0  # once
        bankroll.top_up(ts_ns=50, equity=3.0)
        epochs = store.epochs()
    assert [(e.epoch, e.run_id) for e in epochs] == [(1, "run-1"), (2, "run-1"), (3, "run-2")]
    # the recorded ones are the rebuild's to book, among the fills (runner.rebuild)
    assert restarted.deposits() == 1_000.0 and restarted.equity() == 1_005.0


def test_epoch_store_when_an_epoch_number_repeats_then_refused(tmp_path: Path) -> None:
    with SqliteStateStore(tmp_path / "s.sqlite", run_id="run-1") as store:
        first = _bankroll(store, _losing_ledger())
        first.top_up(ts_ns=42, equity=5.0)
        again = _bankroll(store, _losing_ledger())  # not restored: would number 1 again
        with pytest.raises(Exception, match="epoch 1 is not the next one"):
            again.top_up(ts_ns=43, equity=5.0)
        assert len(store.epochs()) == 1


@pytest.mark.parametrize(("floor", "amount", "field"), [
    (10.0, 0.0, "amount"), (10.0, float("nan"), "amount"), (1_000.0, 1_000.0, "floor"),
])
def test_top_up_rule_when_amount_not_positive_or_floor_not_below_then_config_error(
    floor: float, amount: float, field: str,
) -> None:
    with pytest.raises(ConfigError) as caught:
        TopUpRule(floor=floor, amount=amount)
    assert f"paper.top_up.{field}" in str(caught.value)
