"""The container's paper bankroll: a paper account topped up at its floor (``paper.top_up``).

Only ``kind: paper`` runs get one (a backtest's account and a live one are never topped
up); ``cli.paper`` attaches it to the engine, which tops up at a bar's NAV check and books
the session's recorded top-ups again on a resume (``runner.bankroll``).
"""

from __future__ import annotations

from collections.abc import Callable

from cli.settings import AppSettings
from vibetrading_V2.core.ports import AlertSink, Clock, Logger
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.bankroll import Bankroll, EpochStore, FundedVenue, TopUpRule

__all__ = ["paper_bankroll"]


def paper_bankroll(settings: AppSettings, ledger: Ledger, venue_of: Callable[[], object],
                   store_of: Callable[[], object], clock: Clock, logger: Logger,
                   alerts: AlertSink, run_id: str) -> Bankroll | None:
    """The run's bankroll: ``None`` unless a paper run with top-ups enabled (the venue
    and the store are built only then)."""
    top_up = settings.paper.top_up
    if settings.kind != "paper" or not top_up.enabled:
        return None
    venue, store = venue_of(), store_of()
    return Bankroll(TopUpRule(floor=top_up.floor, amount=top_up.amount), ledger=ledger,
                    venue=venue if isinstance(venue, FundedVenue) else None,
                    store=store if isinstance(store, EpochStore) else None,
                    clock=clock, logger=logger, alerts=alerts, run_id=run_id)
