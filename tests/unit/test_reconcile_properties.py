"""Fills shuffled, duplicated and dropped across the stream, a backfill and a restart.

However the venue's fills reach the run (the update stream delivers some of them, in any
order, some twice; a reconciliation pass backfills from the venue's history, itself out of
order and with repeats; the process restarts in between and rebuilds its ledger from the
stored fills), the final reconciliation leaves each symbol at the venue's position, with
the same average price, and trading unblocked.

A netting ledger's average price depends on the order of fills once a position shrinks (a
reduction keeps the average of what was bought *before* it), so the average price is
checked where it is order-free: each symbol traded one way (A bought, B sold). The
position itself is checked with fills of either side.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.reconcile_helpers import NOW, Rig
from vibetrading_V2.core.enums import Side
from vibetrading_V2.core.types import Fill
from vibetrading_V2.portfolio.ledger import Ledger


@dataclass(frozen=True)
class Story:
    """The venue's fills and how they reached the run."""

    fills: list[Fill]
    stream: list[int]  # indices of the fills the stream delivered, in delivery order
    restart_at: int  # how many stream deliveries came before the restart
    backfill: list[int]  # the venue's history as a mid-run pass read it (a partial view)
    history: list[int]  # the venue's whole history as the final pass reads it


def _fill(k: int, symbol: str, side: Side, quantity: int, price: int) -> Fill:
    return Fill(f"e{k}", f"s1-{symbol}-{k}", symbol, side, float(quantity), float(price),
                0.0, NOW + k, "s1")


@st.composite
def stories(draw: st.DrawFn, *, one_way: bool) -> Story:
    n = draw(st.integers(1, 12))
    fills = []
    for k in range(n):
        symbol = draw(st.sampled_from(["A", "B"]))
        if one_way:
            side = Side.BUY if symbol == "A" else Side.SELL
        else:
            side = draw(st.sampled_from([Side.BUY, Side.SELL]))
        fills.append(_fill(k, symbol, side, draw(st.integers(1, 5)), draw(st.integers(50, 150))))
    index = st.integers(0, n - 1)
    stream = draw(st.lists(index, max_size=2 * n))
    restart_at = draw(st.integers(0, len(stream)))
    backfill = draw(st.lists(index, max_size=2 * n))
    history = draw(st.permutations(range(n))) + draw(st.lists(index, max_size=n))
    return Story(fills, stream, restart_at, backfill, history)


def _truth(fills: list[Fill]) -> Ledger:
    """Every fill booked once, in time order: what the venue holds."""
    ledger = Ledger(0.0)
    for fill in sorted(fills, key=lambda f: f.ts_ns):
        ledger.apply_fill(fill)
    return ledger


def _play(story: Story) -> tuple[Rig, Ledger]:
    truth = _truth(story.fills)
    rig = Rig()
    for position in truth.positions():
        rig.venue.hold(position.symbol, position.quantity, position.average_price)
    rig.venue.cash = truth.cash()
    for k in story.stream[:story.restart_at]:
        rig.book_fill(story.fills[k])
    rig.venue.history = [story.fills[k] for k in story.backfill]
    rig.reconciler.run(NOW)  # may block: its view of the history is partial
    rebuilt = Ledger(0.0)  # a restart: the ledger from the stored fills, a new reconciler
    for fill in rig.store.fills():
        rebuilt.apply_recorded_fill(fill)
    rig = Rig(store=rig.store, ledger=rebuilt, venue=rig.venue)
    for k in story.stream[story.restart_at:]:
        rig.book_fill(story.fills[k])
    rig.venue.history = [story.fills[k] for k in story.history]
    report = rig.reconciler.run(NOW)
    assert report.blocked is None, report.blocked
    return rig, truth


@settings(max_examples=200, deadline=None)
@given(stories(one_way=True))
def test_fills_when_shuffled_duplicated_dropped_then_position_and_average_price_agree(
    story: Story,
) -> None:
    rig, truth = _play(story)

    for symbol in ("A", "B"):
        mine, theirs = rig.ledger.position(symbol), truth.position(symbol)
        assert mine.quantity == theirs.quantity
        assert mine.average_price == pytest.approx(theirs.average_price, rel=1e-12)
    assert len(rig.store.fills()) == len(story.fills)


@settings(max_examples=200, deadline=None)
@given(stories(one_way=False))
def test_fills_of_both_sides_when_shuffled_duplicated_dropped_then_positions_agree(
    story: Story,
) -> None:
    rig, truth = _play(story)

    for symbol in ("A", "B"):
        assert rig.ledger.net_quantity(symbol) == truth.net_quantity(symbol)
    assert rig.ledger.cash() == pytest.approx(truth.cash(), rel=1e-12, abs=1e-9)
    assert sorted(f.execution_id for f in rig.store.fills()) == sorted(
        f.execution_id for f in story.fills)
