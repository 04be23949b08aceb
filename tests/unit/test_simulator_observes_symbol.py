"""``Simulator.observes_symbol``: which symbols' bars the engine must hand over."""

from __future__ import annotations

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim, sell
from vibetrading_V2.core.order_ports import NEEDS_BAR, NEEDS_CLOSE, NEEDS_NOTHING, OrderGateway
from vibetrading_V2.execution.deferred_gateway import DeferredGateway


def test_observes_symbol_when_nothing_works_and_flat_then_false() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    assert not sim.observes_symbol("AAA")
    assert not sim.observes_symbol("BBB")


def test_observes_symbol_when_order_works_then_true_for_its_symbol_only() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("b", 1, **limit(90.0)))
    assert sim.observes_symbol("AAA")
    assert not sim.observes_symbol("BBB")


def test_observes_symbol_when_position_held_then_true_until_flat() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    sim.submit(buy("b", 1))
    flat_bar(sim, 2, 100.0)
    assert sim.observes_symbol("AAA")  # its mark values the account
    sim.submit(sell("s", 1))
    flat_bar(sim, 3, 100.0)
    assert not sim.observes_symbol("AAA")


def test_observes_symbol_when_gateway_cannot_tell_then_follows_observes_bars() -> None:
    gateway = DeferredGateway()
    assert isinstance(gateway, OrderGateway)
    assert gateway.observes_symbol("AAA") == gateway.observes_bars


def test_bar_need_when_orders_held_or_neither_then_bar_close_or_nothing() -> None:
    sim = make_sim()
    flat_bar(sim, 1, 100.0)
    assert sim.bar_need("AAA") == NEEDS_NOTHING
    sim.submit(buy("b", 1))
    assert sim.bar_need("AAA") == NEEDS_BAR  # an order to match
    flat_bar(sim, 2, 100.0)
    assert sim.bar_need("AAA") == NEEDS_CLOSE  # held, nothing working: its mark only
    assert sim.bar_need("BBB") == NEEDS_NOTHING


def test_observe_close_when_held_then_marks_like_observe_bar() -> None:
    by_close, by_bar = make_sim(), make_sim()
    for sim in (by_close, by_bar):
        flat_bar(sim, 1, 100.0)
        sim.submit(buy("b", 1))
        flat_bar(sim, 2, 100.0)
        sim.submit(buy("c", 1, symbol="BBB", reference_price=50.0, created_ns=2))
    assert by_close.observe_close("AAA", 3, 107.5)  # an order (in BBB) still works
    flat_bar(by_bar, 3, 107.5)
    assert by_close.account() == by_bar.account()
    assert by_close.account().equity == by_bar.account().equity != make_sim().account().equity


def test_bar_need_when_gateway_cannot_tell_then_whole_bar_while_it_observes() -> None:
    gateway = DeferredGateway()
    assert gateway.bar_need("AAA") == NEEDS_NOTHING
    assert not gateway.observe_close("AAA", 1, 100.0)


def test_observe_close_when_not_the_symbol_asked_last_then_marks_it_all_the_same() -> None:
    asked, unasked = make_sim(), make_sim()
    for sim in (asked, unasked):
        flat_bar(sim, 1, 100.0)
        sim.submit(buy("b", 1))
        flat_bar(sim, 2, 100.0)
    assert asked.bar_need("AAA") == NEEDS_CLOSE
    unasked.bar_need("BBB")  # the last symbol asked about is another
    asked.observe_close("AAA", 3, 90.0)
    unasked.observe_close("AAA", 3, 90.0)
    assert asked.account() == unasked.account()
    assert asked.account().equity < make_sim().account().equity


def test_bar_watch_when_asked_through_the_handle_then_the_answers_by_name() -> None:
    by_watch, by_name = make_sim(), make_sim()
    watch = by_watch.bar_watch("AAA")
    assert watch is by_watch.bar_watch("AAA")  # one handle per symbol
    for sim in (by_watch, by_name):
        flat_bar(sim, 1, 100.0)
    assert watch.need() == by_name.bar_need("AAA") == NEEDS_NOTHING
    for sim in (by_watch, by_name):
        sim.submit(buy("b", 1))
    assert watch.need() == by_name.bar_need("AAA") == NEEDS_BAR
    for sim in (by_watch, by_name):
        flat_bar(sim, 2, 100.0)
        sim.submit(buy("c", 1, symbol="BBB", reference_price=50.0, created_ns=2))
    assert watch.need() == by_name.bar_need("AAA") == NEEDS_CLOSE
    assert watch.close_seen(3, 93.5) == by_name.observe_close("AAA", 3, 93.5)
    assert by_watch.account() == by_name.account() != make_sim().account()


def test_bar_watch_when_the_gateway_has_no_handle_of_its_own_then_asks_it_by_name() -> None:
    gateway = DeferredGateway()
    watch = gateway.bar_watch("AAA")
    assert watch.symbol == "AAA"
    assert watch.need() == gateway.bar_need("AAA") == NEEDS_NOTHING
    assert watch.close_seen(1, 100.0) == gateway.observe_close("AAA", 1, 100.0)
