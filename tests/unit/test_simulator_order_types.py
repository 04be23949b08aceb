"""Where each order type fills inside a bar: hand-computed one- and two-bar scenarios."""

from __future__ import annotations

import pytest

from tests.unit.simulator_helpers import (
    SYMBOL,
    buy,
    flat_bar,
    limit,
    make_sim,
    sell,
    step,
    stop,
    stop_limit,
)
from vibetrading_V2.core.types import NS_PER_SECOND, Bar, OrderStatus, Side, TimeInForce


def test_market_when_next_open_then_fills_at_next_bar_open() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    order = sim.submit(buy("o1", 10, strategy_id="s1"))
    assert order.status is OrderStatus.NEW
    assert sim.drain_fills() == []
    step(sim, 2, 102.0, 105.0, 101.0, 104.0)
    [fill] = sim.drain_fills()
    assert (fill.price, fill.quantity, fill.ts_ns, fill.side) == (102.0, 10.0, 2, Side.BUY)
    assert (fill.execution_id, fill.strategy_id, fill.liquidity) == ("o1:1", "s1", "taker")
    assert sim.order("o1").status is OrderStatus.FILLED  # type: ignore[union-attr]
    account = sim.account()
    assert account.cash == pytest.approx(100_000 - 1_020)
    assert account.equity == pytest.approx(100_000 - 1_020 + 10 * 104)


def test_market_when_signal_close_then_fills_inside_submit_at_mark() -> None:
    sim = make_sim(fill_timing="signal_close")
    flat_bar(sim, 1, 100.0)
    order = sim.submit(buy("o1", 10))
    assert order.status is OrderStatus.FILLED
    assert order.average_price == 100.0
    [fill] = sim.drain_fills()
    assert (fill.price, fill.ts_ns) == (100.0, 1)
    assert not sim.observes_bars


def test_order_when_submitted_during_bar_then_not_evaluated_on_that_bar() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 1, **limit(101.0)))
    sim.observe_bar(Bar(SYMBOL, 1, 100.0, 100.0, 100.0, 100.0, 1e6))  # the same bar again
    assert sim.drain_fills() == []
    flat_bar(sim, 2, 100.0)
    assert len(sim.drain_fills()) == 1


def test_order_when_other_symbol_marked_later_then_waits_for_its_next_bar() -> None:
    sim = make_sim()
    sim.mark("BBB", 4, 50.0)
    sim.mark(SYMBOL, 5, 100.0)  # the engine is at bar 5; BBB's bar 5 comes next
    sim.submit(buy("o1", 1, symbol="BBB"))
    sim.observe_bar(Bar("BBB", 5, 51.0, 51.0, 51.0, 51.0, 1e6))
    assert sim.drain_fills() == []
    sim.observe_bar(Bar("BBB", 6, 52.0, 52.0, 52.0, 52.0, 1e6))
    assert [f.price for f in sim.drain_fills()] == [52.0]


def test_limit_buy_when_low_reaches_limit_then_fills_at_limit() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **limit(97.0)))
    step(sim, 2, 99.0, 100.0, 97.5, 98.0)
    assert sim.drain_fills() == []
    step(sim, 3, 99.0, 100.0, 96.0, 98.0)
    [fill] = sim.drain_fills()
    assert (fill.price, fill.liquidity) == (97.0, "maker")


def test_limit_when_open_gaps_through_then_fills_at_better_open() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("b", 5, **limit(97.0)))
    sim.submit(sell("s", 5, **limit(103.0)))
    step(sim, 2, 95.0, 96.0, 94.0, 95.0)
    step(sim, 3, 105.0, 106.0, 104.0, 105.0)
    assert [(f.client_order_id, f.price, f.liquidity) for f in sim.drain_fills()] == [
        ("b", 95.0, "taker"),
        ("s", 105.0, "taker"),
    ]


def test_stop_buy_when_high_reaches_stop_then_fills_at_stop() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **stop(105.0)))
    step(sim, 2, 101.0, 104.9, 100.0, 104.0)
    assert sim.drain_fills() == []
    step(sim, 3, 101.0, 106.0, 100.0, 104.0)
    assert [f.price for f in sim.drain_fills()] == [105.0]


def test_stop_when_open_gaps_through_then_fills_at_open_with_slippage() -> None:
    sim = make_sim(slippage_bps=10.0)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **stop(105.0)))
    step(sim, 2, 107.0, 108.0, 106.0, 107.0)
    sim.submit(sell("o2", 5, **stop(95.0)))
    step(sim, 3, 93.0, 94.0, 92.0, 93.0)
    prices = [f.price for f in sim.drain_fills()]
    assert prices == pytest.approx([107.0 * 1.001, 93.0 * 0.999])


def test_stop_limit_when_triggered_inside_bar_and_limit_above_stop_then_fills_at_stop() -> None:
    sim = make_sim(slippage_bps=50.0)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **stop_limit(105.0, 106.0)))
    step(sim, 2, 101.0, 107.0, 100.0, 104.0)
    [fill] = sim.drain_fills()
    assert (fill.price, fill.liquidity) == (105.0, "maker")  # a limit fill: no slippage


def test_stop_limit_when_limit_below_stop_then_triggers_but_fills_only_later() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **stop_limit(105.0, 104.0)))
    step(sim, 2, 101.0, 107.0, 100.0, 105.0)  # triggered inside the bar: not provable
    assert sim.drain_fills() == []
    assert sim.order("o1").status is OrderStatus.NEW  # type: ignore[union-attr]
    step(sim, 3, 105.0, 106.0, 103.5, 105.0)  # now a buy limit at 104
    assert [f.price for f in sim.drain_fills()] == [104.0]


def test_stop_limit_when_not_triggered_then_no_fill_even_if_limit_touched() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **stop_limit(105.0, 106.0)))
    step(sim, 2, 101.0, 104.0, 99.0, 103.0)
    assert sim.drain_fills() == []
    step(sim, 3, 103.0, 104.0, 99.0, 103.0)  # still below the stop: a limit is not active
    assert sim.drain_fills() == []


def test_stop_limit_when_gap_above_limit_then_limit_from_open() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, **stop_limit(105.0, 106.0)))
    step(sim, 2, 108.0, 109.0, 106.5, 108.0)  # triggered at the open, never back to 106
    assert sim.drain_fills() == []
    step(sim, 3, 107.0, 108.0, 105.5, 106.0)
    assert [f.price for f in sim.drain_fills()] == [106.0]


def test_ioc_when_not_filled_on_first_bar_then_cancelled() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 5, time_in_force=TimeInForce.IOC, **limit(95.0)))
    flat_bar(sim, 2, 100.0)
    order = sim.order("o1")
    assert order is not None
    assert (order.status, order.reason) == (OrderStatus.CANCELLED, "ioc_expired")


def test_fok_when_participation_cap_prevents_full_fill_then_nothing_fills() -> None:
    sim = make_sim(max_volume_participation=0.1)
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("o1", 50, time_in_force=TimeInForce.FOK))
    flat_bar(sim, 2, 100.0, volume=100.0)
    order = sim.order("o1")
    assert order is not None
    assert (order.status, order.reason, order.filled_quantity) == (
        OrderStatus.CANCELLED,
        "fok_unfillable",
        0.0,
    )
    assert sim.drain_fills() == []


def test_day_order_when_next_utc_day_starts_then_expires() -> None:
    day = 86_400 * NS_PER_SECOND
    sim = make_sim()
    flat_bar(sim, day - 60 * NS_PER_SECOND, 100.0)
    sim.submit(buy("o1", 5, time_in_force=TimeInForce.DAY, **limit(90.0)))
    flat_bar(sim, day + 3_600 * NS_PER_SECOND, 100.0)  # first eligible bar: day 1
    assert sim.order("o1").status is OrderStatus.NEW  # type: ignore[union-attr]
    flat_bar(sim, 2 * day, 100.0)
    order = sim.order("o1")
    assert order is not None
    assert (order.status, order.reason) == (OrderStatus.CANCELLED, "expired")
    assert not sim.observes_bars
