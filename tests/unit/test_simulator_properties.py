"""Invariants of the simulated account over arbitrary sequences of fills."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.simulator_helpers import make_sim
from vibetrading_V2.core.types import Bar, OrderRequest, OrderStatus, OrderType, Side, TimeInForce

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


_BAR = st.tuples(
    st.floats(min_value=-0.05, max_value=0.05),  # open vs previous close
    st.floats(min_value=0.0, max_value=0.05),  # high above max(open, close)
    st.floats(min_value=0.0, max_value=0.05),  # low below min(open, close)
    st.floats(min_value=-0.05, max_value=0.05),  # close vs open
    st.floats(min_value=0.0, max_value=200.0),  # volume
)
_ORDER = st.tuples(
    st.sampled_from(list(OrderType)),
    st.sampled_from([Side.BUY, Side.SELL]),
    st.floats(min_value=0.5, max_value=50.0),  # quantity
    st.floats(min_value=-0.04, max_value=0.04),  # price offset from the close
    st.floats(min_value=-0.04, max_value=0.04),  # second offset (stop-limit's limit)
    st.booleans(),  # attach a bracket
    st.sampled_from(list(TimeInForce)),
)


@settings(max_examples=60, deadline=None)
@given(
    bars=st.lists(st.tuples(_BAR, st.lists(_ORDER, max_size=3)), min_size=1, max_size=20),
    cap=st.one_of(st.none(), st.floats(min_value=0.05, max_value=1.0)),
    slippage_bps=st.sampled_from([0.0, 5.0]),
    fill_timing=st.sampled_from(["next_open", "signal_close"]),
)
def test_simulator_when_random_orders_and_bars_then_books_balance_and_fills_stay_in_range(
    bars: list[tuple[tuple[float, float, float, float, float], list[tuple[object, ...]]]],
    cap: float | None,
    slippage_bps: float,
    fill_timing: str,
) -> None:
    sim = make_sim(
        fill_timing=fill_timing,
        max_volume_participation=cap,
        slippage_bps=slippage_bps,
        commission_bps=2.0,
        fixed_fee=0.5,
        leverage=3.0,
    )
    slip = slippage_bps / 1e4
    cash, position, close, n = 100_000.0, 0.0, 100.0, 0
    sim.mark("AAA", 0, close)
    for ts, ((gap, up, down, move, volume), orders) in enumerate(bars, start=1):
        open_ = close * (1 + gap)
        close_ = open_ * (1 + move)
        high = max(open_, close_) * (1 + up)
        low = min(open_, close_) * (1 - down)
        sim.observe_bar(Bar("AAA", ts, open_, high, low, close_, volume))
        close = close_
        sim.mark("AAA", ts, close, volume)
        fills = sim.drain_fills()
        assert sum(f.quantity for f in fills) <= (math.inf if cap is None else cap * volume) + 1e-9
        for kind, side, quantity, off1, off2, bracket, tif in orders:
            n += 1
            fields = _order_fields(kind, close, off1, off2)  # type: ignore[arg-type]
            if bracket:
                sign = 1 if side is Side.BUY else -1
                reference = fields.get("limit_price") or fields.get("stop_price") or close
                fields["stop_loss"] = reference * (1 - sign * 0.03)
                fields["take_profit"] = reference * (1 + sign * 0.03)
            request = OrderRequest(f"o{n}", "AAA", side, quantity, time_in_force=tif, **fields)  # type: ignore[arg-type]
            sim.submit(request)
        fills += sim.drain_fills()  # signal-close fills happen inside submit
        for fill in fills:
            assert fill.ts_ns == ts
            assert low * (1 - slip) - 1e-9 <= fill.price <= high * (1 + slip) + 1e-9
            signed = fill.quantity * fill.side.sign
            cash -= signed * fill.price + fill.fee
            position += signed
        account = sim.account()
        assert account.cash == pytest.approx(cash, rel=1e-9, abs=1e-6)
        assert sim.position("AAA").quantity == pytest.approx(position, abs=1e-6)
        assert account.equity == pytest.approx(cash + position * close, rel=1e-9, abs=1e-6)
    for order in sim.open_orders():
        assert 0.0 <= order.filled_quantity < order.request.quantity


def _order_fields(kind: OrderType, close: float, off1: float, off2: float) -> dict[str, object]:
    if kind is OrderType.MARKET:
        return {}
    if kind is OrderType.LIMIT:
        return {"order_type": kind, "limit_price": close * (1 + off1)}
    if kind is OrderType.STOP:
        return {"order_type": kind, "stop_price": close * (1 + off1)}
    return {"order_type": kind, "stop_price": close * (1 + off1), "limit_price": close * (1 + off2)}
