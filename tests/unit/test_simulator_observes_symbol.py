"""``Simulator.observes_symbol``: which symbols' bars the engine must hand over."""

from __future__ import annotations

from tests.unit.simulator_helpers import buy, flat_bar, limit, make_sim, sell
from vibetrading_V2.core.order_ports import OrderGateway
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
