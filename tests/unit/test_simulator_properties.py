"""Invariants of the simulated account over arbitrary sequences of fills."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.simulator_helpers import make_sim
from vibetrading_V2.core.types import OrderRequest, OrderStatus, Side

_STEP = st.tuples(
    st.sampled_from(["AAA", "BBB"]),
    st.sampled_from([Side.BUY, Side.SELL]),
    st.floats(min_value=0.01, max_value=500.0),
    st.floats(min_value=1.0, max_value=1_000.0),
)


@settings(max_examples=100, deadline=None)
@given(
    steps=st.lists(_STEP, min_size=1, max_size=25),
    commission_bps=st.floats(min_value=0.0, max_value=50.0),
    fixed_fee=st.floats(min_value=0.0, max_value=5.0),
    min_fee=st.floats(min_value=0.0, max_value=10.0),
)
def test_equity_when_fills_happen_at_mark_then_changes_by_minus_fees_only(
    steps: list[tuple[str, Side, float, float]],
    commission_bps: float,
    fixed_fee: float,
    min_fee: float,
) -> None:
    sim = make_sim(
        fill_timing="signal_close",
        leverage=1_000.0,
        initial_cash=1e7,
        commission_bps=commission_bps,
        fixed_fee=fixed_fee,
        min_fee=min_fee,
    )
    marks: dict[str, float] = {"AAA": 0.0, "BBB": 0.0}
    for i, (symbol, side, quantity, price) in enumerate(steps):
        sim.mark(symbol, i, price)
        marks[symbol] = price  # a price move: revalue before the fill
        before = sim.account().equity
        order = sim.submit(OrderRequest(f"o{i}", symbol, side, quantity))
        fees = sum(f.fee for f in sim.drain_fills())
        after = sim.account().equity
        if order.status is OrderStatus.REJECTED:
            assert after == before
            continue
        assert order.status is OrderStatus.FILLED
        assert after - before == pytest.approx(-fees, rel=1e-9, abs=1e-6)
    # Equity is also initial cash + realised + unrealised PnL - fees, position by position.
    pnl = 0.0
    for symbol in ("AAA", "BBB"):
        position = sim.position(symbol)
        pnl += position.realized_pnl
        pnl += position.quantity * (marks[symbol] - position.average_price)
    assert sim.account().equity == pytest.approx(1e7 + pnl - sim.fees_paid, rel=1e-9, abs=1e-4)
