"""The pipeline prices each order it sends: ``OrderRequest.reference_price`` (no price marker)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.engine_helpers import HOUR, T0, Scripted, bars, make_rig
from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

CLOSES = [100.0, 101.0, 102.0, 103.0, 104.0]
OPENS = [c - 0.5 for c in CLOSES]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _long_at_bar_2() -> Scripted:
    go = Intent.long("AAA", quantity=10.0)

    def decide(bar: BarView) -> StrategyOutput:
        return go if bar.index >= 2 else None

    return Scripted(decide)


@pytest.mark.parametrize(("timing", "price"), [("next_open", OPENS[3]), ("signal_close", 102.0)])
def test_pipeline_when_order_sent_then_request_carries_the_signal_close_as_reference_price(
    guard: RuntimeGuard, timing: str, price: float
) -> None:
    rig = make_rig(_long_at_bar_2(), guard, fill_timing=timing)

    rig.run(bars("AAA", CLOSES, opens=OPENS))

    [order] = rig.sim.orders()
    assert (order.request.reference_price, order.request.created_ns) == (102.0, T0 + 2 * HOUR)
    assert order.average_price == price
