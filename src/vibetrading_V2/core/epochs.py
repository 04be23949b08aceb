"""A paper session's top-up epoch: the record the store keeps and the runtime writes.

A paper account starts with its initial cash; when its equity falls to the floor it is
topped up, and each top-up starts a new epoch (``runner.bankroll``). Epoch numbers count
the top-ups from 1; the session's start is epoch 0 and has no record.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["EpochRecord"]


@dataclass(frozen=True, slots=True)
class EpochRecord:
    """One top-up: why a paper account's cash grew without a trade.

    ``ts_ns``: the market time (the bar's) of the NAV check that saw the floor;
    ``wall_ns``: the wall clock then; ``equity_before``: the equity that check saw;
    ``deposit``: the cash paid in; ``run_id``: the run that paid it.
    """

    epoch: int
    ts_ns: int
    wall_ns: int
    equity_before: float
    deposit: float
    run_id: str
