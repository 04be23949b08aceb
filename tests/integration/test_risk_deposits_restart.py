"""A paper top-up's shift of the risk gate's levels survives a restart, booked exactly once
(a real SQLite file; the bankroll, the gate's keeper and the store wired as a session is)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.fakes import FixedClock, ListAlerts, ListLogger
from vibetrading_V2.core.epochs import EpochRecord
from vibetrading_V2.core.types import TradingState
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.risk import NS_PER_DAY, RiskEngine, RiskSnapshot
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.bankroll import Bankroll, TopUpRule
from vibetrading_V2.runner.safety import ACCOUNT_ID, RiskStateKeeper
from vibetrading_V2.store.sqlite import SqliteStateStore

DAY0 = 19_500 * NS_PER_DAY
POLICY = RiskPolicy(daily_loss_limit=0.05, max_drawdown=0.25, kill_switch_dd=0.4)


@dataclass
class Session:
    """One run's gate, keeper and bankroll on the session's store, restored as a run is."""

    risk: RiskEngine
    keeper: RiskStateKeeper
    bankroll: Bankroll
    logger: ListLogger

    def nav(self, ts_ns: int, equity: float) -> TradingState:
        state = self.risk.check_nav(ts_ns, equity)
        self.keeper.after_nav(state)
        return state


def _session(store: SqliteStateStore) -> Session:
    risk, logger, alerts = RiskEngine(POLICY), ListLogger(), ListAlerts()
    keeper = RiskStateKeeper(account_id=ACCOUNT_ID, risk=risk,
                             execution=Simulator(SimulatorConfig(initial_cash=1_000.0)),
                             store=store, logger=logger, alerts=alerts)
    bankroll = Bankroll(TopUpRule(), ledger=Ledger(1_000.0), venue=None, store=store,
                        clock=FixedClock(1), logger=logger, alerts=alerts, run_id="run-1")
    bankroll.listen(keeper)  # as Engine.attach_bankroll does, before the rebuild
    bankroll.restore()  # the rebuild
    keeper.restore()  # the run's start
    return Session(risk, keeper, bankroll, logger)


def _stored(store: SqliteStateStore) -> RiskSnapshot:
    text = store.get_control(f"risk_snapshot:{ACCOUNT_ID}")
    assert text is not None
    return RiskSnapshot.from_json(text)


def _resumed(path: Path) -> RiskSnapshot:
    with SqliteStateStore(path, run_id="run-1") as store:
        return _session(store).risk.snapshot()


def test_restart_when_topped_up_then_the_shifted_levels_come_back_once(tmp_path: Path) -> None:
    path = tmp_path / "session.sqlite"
    with SqliteStateStore(path, run_id="run-1") as store:
        first = _session(store)
        first.nav(DAY0, 1_000.0)
        first.nav(DAY0 + 1, 980.0)
        first.bankroll.top_up(DAY0 + 2, 980.0)  # above the floor, for round numbers
        before = first.risk.snapshot()
        assert _stored(store) == before  # saved at once, not at the next change
    assert (before.peak, before.day_start_equity, before.deposits) == (2_000.0, 2_000.0, 1_000.0)

    assert _resumed(path) == before
    assert _resumed(path) == before  # a second restart books nothing again
    with SqliteStateStore(path, run_id="run-1") as store:
        again = _session(store)
        assert again.nav(DAY0 + 3, 1_951.0) is TradingState.ACTIVE
        assert again.nav(DAY0 + 4, 1_950.0) is TradingState.REDUCING  # 5 % of the day's 1,000


def test_restart_when_killed_before_the_shifted_levels_were_saved_then_they_are_booked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "session.sqlite"
    with SqliteStateStore(path, run_id="run-1") as store:
        first = _session(store)
        first.nav(DAY0, 1_000.0)
        first.nav(DAY0 + 1, 8.0)
        # killed right after the epoch was recorded: neither paid nor the levels shifted
        store.record_epoch(EpochRecord(epoch=1, ts_ns=DAY0 + 2, wall_ns=1, equity_before=8.0,
                                       deposit=1_000.0, run_id="run-1"))
        assert _stored(store).deposits == 0.0

    with SqliteStateStore(path, run_id="run-1") as store:
        resumed = _session(store)
        assert (resumed.risk.peak, resumed.risk.deposits) == (2_000.0, 1_000.0)
        assert _stored(store) == resumed.risk.snapshot()
        assert "risk_deposits_booked_on_restore" in resumed.logger.events("warning")
        assert resumed.nav(DAY0 + 3, 1_008.0) is TradingState.HALTED  # a top-up lifts no halt
    assert _resumed(path).peak == 2_000.0  # and the next restart books it no second time


def test_restart_when_a_fresh_store_then_no_deposit_and_the_text_as_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "session.sqlite"
    with SqliteStateStore(path, run_id="run-1") as store:
        first = _session(store)
        first.nav(DAY0, 1_000.0)
        text = store.get_control(f"risk_snapshot:{ACCOUNT_ID}")
    assert text is not None and "deposits" not in text
    assert _resumed(path).deposits == 0.0
