"""Positions, PnL, cash and margin, and every reject reason, on hand-computed numbers."""

from __future__ import annotations

import math

import pytest

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim, sell
from vibetrading_V2.core.types import OrderStatus, OrderType, Position


def _reason(order_status: tuple[OrderStatus, str | None]) -> str | None:
    status, reason = order_status
    assert status is OrderStatus.REJECTED
    return reason


def test_short_when_sold_and_covered_lower_then_profit_realised() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(sell("s", 10))
    flat_bar(sim, 2, 100.0)
    assert sim.positions() == [Position("AAA", -10.0, 100.0, 0.0)]
    assert sim.account().cash == pytest.approx(101_000.0)
    flat_bar(sim, 3, 90.0)
    assert sim.account().equity == pytest.approx(101_000.0 - 900.0)
    sim.submit(buy("c", 10))
    flat_bar(sim, 4, 90.0)
    assert sim.positions() == []
    assert sim.position("AAA") == Position("AAA", 0.0, 0.0, 100.0)
    account = sim.account()
    assert (account.cash, account.equity, account.margin_used) == pytest.approx(
        (100_100.0, 100_100.0, 0.0)
    )


def test_flip_when_sell_exceeds_long_then_short_rest_at_fill_price() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("b", 10))
    flat_bar(sim, 2, 100.0)
    sim.submit(sell("s", 25))
    flat_bar(sim, 3, 110.0)
    assert sim.positions() == [Position("AAA", -15.0, 110.0, 100.0)]
    assert sim.account().cash == pytest.approx(100_000 - 1_000 + 2_750)
    assert sim.account().equity == pytest.approx(100_100.0)


def test_average_price_when_adding_then_size_weighted() -> None:
    sim = make_sim(fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 10))
    flat_bar(sim, 2, 110.0)
    sim.submit(buy("b", 30))
    assert sim.position("AAA").average_price == pytest.approx((1_000 + 3_300) / 40)


def test_margin_used_when_leveraged_then_gross_over_leverage() -> None:
    sim = make_sim(leverage=4.0, fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("a", 2_000))
    assert sim.account().margin_used == pytest.approx(200_000 / 4)
    assert sim.account().cash == pytest.approx(-100_000)


def test_reject_when_buy_exceeds_cash_then_insufficient_cash() -> None:
    sim = make_sim(initial_cash=1_000.0)
    flat_bar(sim, 1, 100.0)
    order = sim.submit(buy("o1", 20))
    assert _reason((order.status, order.reason)) == "insufficient_cash"
    assert not sim.observes_bars


def test_reject_when_open_gaps_up_beyond_cash_then_rejected_at_fill_not_half_applied() -> None:
    sim = make_sim(initial_cash=1_000.0)
    flat_bar(sim, 1, 100.0)
    assert sim.submit(buy("o1", 9)).status is OrderStatus.NEW  # 900 <= 1000 at the mark
    flat_bar(sim, 2, 120.0)  # 1080 > 1000 at the open
    order = sim.order("o1")
    assert order is not None
    assert (order.status, order.reason, order.filled_quantity) == (
        OrderStatus.REJECTED,
        "insufficient_cash",
        0.0,
    )
    assert sim.drain_fills() == []
    assert sim.account().cash == 1_000.0


def test_reject_when_leveraged_order_exceeds_margin_then_insufficient_margin() -> None:
    sim = make_sim(initial_cash=1_000.0, leverage=2.0)
    flat_bar(sim, 1, 100.0)
    assert sim.submit(buy("big", 25)).reason == "insufficient_margin"
    assert sim.submit(buy("ok", 15)).status is OrderStatus.NEW


def test_reject_when_short_exceeds_margin_then_insufficient_margin() -> None:
    sim = make_sim(initial_cash=1_000.0)
    flat_bar(sim, 1, 100.0)
    assert sim.submit(sell("big", 11)).reason == "insufficient_margin"
    assert sim.submit(sell("ok", 10)).status is OrderStatus.NEW


def test_reject_when_shorting_disallowed_then_short_not_allowed() -> None:
    sim = make_sim(allow_short=False, fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    assert sim.submit(sell("s", 1)).reason == "short_not_allowed"
    sim.submit(buy("b", 10))
    assert sim.submit(sell("flip", 15)).reason == "short_not_allowed"
    assert sim.submit(sell("close", 10)).status is OrderStatus.FILLED


def test_reducing_order_when_account_underwater_then_never_rejected() -> None:
    sim = make_sim(initial_cash=1_000.0, leverage=2.0, fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("b", 20))
    flat_bar(sim, 2, 40.0)  # equity 1000 - 1200 < 0
    assert sim.account().equity < 0
    assert sim.submit(buy("more", 1)).reason == "insufficient_margin"
    assert sim.submit(sell("cut", 5)).status is OrderStatus.FILLED


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"quantity": 0.0}, "invalid_quantity"),
        ({"quantity": -1.0}, "invalid_quantity"),
        ({"quantity": math.nan}, "invalid_quantity"),
        ({"order_type": OrderType.LIMIT}, "invalid_price"),
        ({"order_type": OrderType.LIMIT, "limit_price": -5.0}, "invalid_price"),
        ({"order_type": OrderType.STOP, "limit_price": 5.0}, "invalid_price"),
        ({"limit_price": 5.0}, "invalid_price"),
        ({"symbol": "UNSEEN"}, "unknown_symbol_price"),
        ({"take_profit": 99.0}, "invalid_bracket"),
        ({"reduce_only": True, "stop_loss": 90.0}, "invalid_bracket"),
        ({"reduce_only": True}, "reduce_only_no_position"),
    ],
)
def test_submit_when_request_malformed_then_rejected_with_reason(
    fields: dict[str, object], reason: str
) -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    quantity = fields.pop("quantity", 1.0)
    order = sim.submit(buy("o1", quantity, **fields))  # type: ignore[arg-type]
    assert (order.status, order.reason) == (OrderStatus.REJECTED, reason)
    assert sim.open_orders() == []


def test_limit_when_symbol_never_marked_then_accepted_at_its_own_price() -> None:
    sim = make_sim()
    order = sim.submit(buy("o1", 1, symbol="NEW", **limit(50.0)))
    assert order.status is OrderStatus.NEW
