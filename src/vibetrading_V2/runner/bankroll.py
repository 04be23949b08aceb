"""A paper account's bankroll: topped up when its equity falls to a floor, each top-up an epoch.

Paper trading is practice: an account that lost (nearly) everything is given fresh cash and
goes on, instead of stopping. At the NAV check of a bar (``event_loop``: paper and live
runs; a backtest's fast driver never tops up), equity at or below ``TopUpRule.floor`` makes
the ``Bankroll`` pay ``TopUpRule.amount`` in: the epoch is recorded in the store first
(record, then act), then the cash goes into the simulated venue and the ledger, the one
owner of the account's book. A deposit is cash, not profit: the results take it out of
returns and PnL (``portfolio.deposits``), and the risk gate's levels shift by it
(``DepositListener``: the gate's drawdown and daily loss stay the trading loss). A restarted
session books its recorded deposits again (``restore``) and numbers its next epoch after them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from vibetrading_V2.core.epochs import EpochRecord
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import AlertSink, Clock, Logger
from vibetrading_V2.portfolio.ledger import Ledger

__all__ = ["Bankroll", "DepositListener", "EpochStore", "FundedVenue", "TopUpRule"]


@runtime_checkable
class EpochStore(Protocol):
    """Why: the part of a durable store that keeps the epochs (``store.sqlite_epochs``)."""

    def record_epoch(self, epoch: EpochRecord) -> None: ...

    def epochs(self) -> list[EpochRecord]: ...


@runtime_checkable
class FundedVenue(Protocol):
    """Why: a simulated venue whose cash a top-up raises (``Simulator.deposit``)."""

    def deposit(self, amount: float) -> None: ...


@runtime_checkable
class DepositListener(Protocol):
    """Why: the risk gate's levels move with the cash paid in (``RiskStateKeeper``)."""

    def book_deposit(self, ts_ns: int, amount: float) -> None: ...

    def deposits_recorded(self, total: float) -> None: ...


@dataclass(frozen=True, slots=True)
class TopUpRule:
    """When a paper account is topped up (equity at or below ``floor``) and by how much."""

    floor: float = 10.0
    amount: float = 1_000.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.amount) and self.amount > 0.0):
            raise ConfigError(f"the top-up amount must be a positive number, got "
                              f"{self.amount!r}", field="paper.top_up.amount",
                              hint="e.g. amount: 1000")
        if not (math.isfinite(self.floor) and self.floor < self.amount):
            raise ConfigError(f"the top-up floor must be a number below the amount "
                              f"({self.amount:g}), got {self.floor!r}",
                              field="paper.top_up.floor", hint="e.g. floor: 10")


class Bankroll:
    """Tops a paper account up and keeps its epochs.

    Why it exists: the one place that pays cash into a paper account, so every deposit is
    recorded, booked once in the venue and the ledger, and never mistaken for profit.
    ``store``: ``None`` keeps the epochs in memory only (a run without a durable store).
    """

    def __init__(self, rule: TopUpRule, *, ledger: Ledger, venue: FundedVenue | None,
                 store: EpochStore | None, clock: Clock, logger: Logger, alerts: AlertSink,
                 run_id: str) -> None:
        self.rule = rule
        self._ledger = ledger
        self._venue = venue
        self._store = store
        self._clock = clock
        self._logger = logger
        self._alerts = alerts
        self._run_id = run_id
        self.epochs: list[EpochRecord] = []
        self._listener: DepositListener | None = None
        self._restored: float | None = None  # the recorded deposits ``restore`` booked

    def listen(self, listener: DepositListener) -> None:
        """Tell ``listener`` of every deposit: the recorded ones and each top-up."""
        self._listener = listener
        if self._restored is not None:
            listener.deposits_recorded(self._restored)

    @property
    def floor(self) -> float:
        return self.rule.floor

    @property
    def deposits(self) -> list[tuple[int, float]]:
        """Each top-up's market time and amount, in order."""
        return [(epoch.ts_ns, epoch.deposit) for epoch in self.epochs]

    def restore(self) -> float:
        """A restarted session: take back the recorded top-ups (the rebuild booked each
        at its place among the fills, ``runner.rebuild``); return their sum."""
        if self._store is None or self.epochs:
            return 0.0
        self.epochs = list(self._store.epochs())
        total = self._restored = math.fsum(epoch.deposit for epoch in self.epochs)
        if self._listener is not None:
            self._listener.deposits_recorded(total)
        if total > 0.0:
            self._logger.info("paper_epochs_restored", epochs=len(self.epochs),
                              deposits=total)
        return total

    def top_up(self, ts_ns: int, equity: float) -> None:
        """Equity ``equity`` at market time ``ts_ns`` reached the floor: a new epoch."""
        amount = self.rule.amount
        epoch = EpochRecord(epoch=len(self.epochs) + 1, ts_ns=ts_ns,
                            wall_ns=self._clock.now_ns(), equity_before=equity,
                            deposit=amount, run_id=self._run_id)
        if self._store is not None:  # record, then act: a restart books it again
            self._store.record_epoch(epoch)
        self._pay(amount)
        self.epochs.append(epoch)
        if self._listener is not None:
            self._listener.book_deposit(ts_ns, amount)
        fields = {"epoch": epoch.epoch, "ts_ns": ts_ns, "equity_before": equity,
                  "deposit": amount}
        self._logger.warning("paper_top_up", **fields)
        self._alerts.alert("info", "paper_top_up", f"paper equity {equity:,.2f} reached the "
                           f"floor {self.rule.floor:,.2f}: topped up by {amount:,.2f} "
                           f"(epoch {epoch.epoch})", fields)

    def _pay(self, amount: float) -> None:
        if self._venue is not None:
            self._venue.deposit(amount)
        self._ledger.deposit(amount)
