"""``DeferredGateway``: the fake venue that accepts orders now and fills them events later."""

from __future__ import annotations

import pytest

from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.ports import AccountView, Execution
from vibetrading_V2.core.types import Bar, OrderRequest, OrderStatus, OrderType, Side
from vibetrading_V2.execution.deferred_gateway import DeferredGateway

T0 = 1_000


def _bar(ts: int, open_: float, close: float | None = None, symbol: str = "AAA") -> Bar:
    close = open_ if close is None else close
    return Bar(symbol, ts, open_, max(open_, close), min(open_, close), close, 1e6)


def _market(cid: str, side: Side = Side.BUY, quantity: float = 2.0, symbol: str = "AAA",
            created: int = T0) -> OrderRequest:
    return OrderRequest(cid, symbol, side, quantity, strategy_id="s", created_ns=created,
                        reference_price=100.0)


def test_gateway_when_checked_then_an_execution_and_an_account_view() -> None:
    gateway = DeferredGateway()
    view: AccountView = gateway
    assert isinstance(gateway, Execution)
    assert view.update_count == 0


def test_submit_when_market_order_then_accepted_new_and_nothing_filled_yet() -> None:
    gateway = DeferredGateway(delay=1)
    order = gateway.submit(_market("a"))
    assert (order.status, order.updated_ns, order.venue_order_id) == (OrderStatus.NEW, T0,
                                                                      "deferred-1")
    assert gateway.observes_bars
    updates = gateway.updates(0)
    assert updates.fills == []
    assert [o.status for o in updates.orders] == [OrderStatus.NEW]


def test_observe_bar_when_delay_zero_then_fills_at_the_next_bar_open_through_updates() -> None:
    gateway = DeferredGateway()
    gateway.submit(_market("a"))
    cursor = gateway.updates(0).cursor
    assert not gateway.observe_bar(_bar(T0 + 1, 101.0, 103.0))  # nothing works afterwards
    updates = gateway.updates(cursor)
    assert [(f.client_order_id, f.price, f.quantity, f.ts_ns, f.strategy_id)
            for f in updates.fills] == [("a", 101.0, 2.0, T0 + 1, "s")]
    assert [(o.status, o.average_price, o.updated_ns) for o in updates.orders] == [
        (OrderStatus.FILLED, 101.0, T0 + 1)]
    assert not gateway.observes_bars


@pytest.mark.parametrize("delay", [1, 3])
def test_observe_bar_when_delay_given_then_fills_only_after_that_many_further_events(
    delay: int,
) -> None:
    gateway = DeferredGateway(delay=delay)
    gateway.submit(_market("a"))
    for k in range(1, delay + 1):
        assert gateway.observe_bar(_bar(T0 + k, 100.0 + k))  # still working
        assert gateway.updates(0).fills == []
    gateway.observe_bar(_bar(T0 + delay + 1, 200.0))
    assert [(f.price, f.ts_ns) for f in gateway.updates(0).fills] == [(200.0, T0 + delay + 1)]


def test_observe_bar_when_other_symbol_or_same_time_then_counts_but_does_not_fill() -> None:
    gateway = DeferredGateway()
    gateway.submit(_market("a"))
    gateway.observe_bar(_bar(T0, 99.0))  # the bar the order was priced on: not after it
    gateway.observe_bar(_bar(T0 + 1, 50.0, symbol="BBB"))
    assert gateway.updates(0).fills == []
    gateway.observe_bar(_bar(T0 + 1, 101.0))
    assert [f.price for f in gateway.updates(0).fills] == [101.0]


def test_submit_when_same_client_id_again_then_the_first_order_unchanged() -> None:
    gateway = DeferredGateway()
    first = gateway.submit(_market("a"))
    assert gateway.submit(_market("a", quantity=9.0)) is first
    assert [o.client_order_id for o in gateway.orders()] == ["a"]


@pytest.mark.parametrize(("request_", "reason"), [
    (OrderRequest("l", "AAA", Side.BUY, 1.0, OrderType.LIMIT, limit_price=90.0),
     "unsupported_order_type"),
    (OrderRequest("b", "AAA", Side.BUY, 1.0, stop_loss=90.0), "unsupported_bracket"),
    (OrderRequest("q", "AAA", Side.BUY, 0.0), "invalid_quantity"),
])
def test_submit_when_not_a_plain_market_order_then_rejected_with_reason(
    request_: OrderRequest, reason: str
) -> None:
    gateway = DeferredGateway()
    order = gateway.submit(request_)
    assert (order.status, order.reason) == (OrderStatus.REJECTED, reason)
    assert not gateway.observes_bars


def test_cancel_when_working_then_cancelled_and_never_fills() -> None:
    gateway = DeferredGateway()
    gateway.submit(_market("a"))
    gateway.submit(_market("b", symbol="BBB"))
    assert gateway.cancel("a").status is OrderStatus.CANCELLED
    assert [o.client_order_id for o in gateway.open_orders()] == ["b"]
    assert [o.client_order_id for o in gateway.cancel_all("BBB")] == ["b"]
    gateway.observe_bar(_bar(T0 + 1, 101.0))
    assert gateway.updates(0).fills == [] and not gateway.observes_bars
    with pytest.raises(ExecutionError, match="already cancelled"):
        gateway.cancel("a")


def test_amend_when_quantity_changed_before_the_fill_then_fills_the_new_quantity() -> None:
    gateway = DeferredGateway()
    gateway.submit(_market("a"))
    assert gateway.amend("a", quantity=5.0).request.quantity == 5.0
    with pytest.raises(ExecutionError, match="no price"):
        gateway.amend("a", limit_price=90.0)
    gateway.observe_bar(_bar(T0 + 1, 101.0))
    assert [f.quantity for f in gateway.updates(0).fills] == [5.0]


def test_account_when_bought_then_sold_higher_then_cash_positions_and_pnl_follow() -> None:
    gateway = DeferredGateway(initial_cash=1_000.0, fee_rate=0.001)
    gateway.submit(_market("a", quantity=2.0))
    gateway.observe_bar(_bar(T0 + 1, 100.0, 110.0))
    assert [(p.symbol, p.quantity, p.average_price) for p in gateway.positions()] == [
        ("AAA", 2.0, 100.0)]
    account = gateway.account()
    assert account.cash == pytest.approx(1_000.0 - 200.0 - 0.2)
    assert account.equity == pytest.approx(account.cash + 2.0 * 110.0)  # at the last close
    gateway.submit(_market("b", Side.SELL, 2.0, created=T0 + 1))
    gateway.observe_bar(_bar(T0 + 2, 120.0))
    assert gateway.positions() == []
    assert gateway.account().cash == pytest.approx(1_000.0 + 40.0 - 0.2 - 0.24)


def test_updates_when_two_readers_then_each_cursor_sees_every_fill_once() -> None:
    gateway = DeferredGateway()
    gateway.submit(_market("a"))
    first = gateway.updates(0)
    gateway.observe_bar(_bar(T0 + 1, 101.0))
    assert gateway.update_count > first.cursor
    assert len(gateway.updates(first.cursor).fills) == 1
    assert len(gateway.updates(0).fills) == 1
    end = gateway.updates(first.cursor).cursor
    assert gateway.updates(end).fills == [] and gateway.update_count == end
    with pytest.raises(ExecutionError, match="cursor"):
        gateway.updates(end + 1)


def test_gateway_when_started_and_closed_then_says_so_and_negative_delay_refused() -> None:
    gateway = DeferredGateway()
    gateway.start()
    gateway.close()
    assert gateway.started and gateway.closed
    with pytest.raises(ExecutionError, match="delay"):
        DeferredGateway(delay=-1)
