"""The pending exposure the risk gate counts, against its definition written plainly."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.order_ports import PositionBook
from vibetrading_V2.core.types import Order, OrderRequest, OrderStatus, OrderType, Side
from vibetrading_V2.policies.exposure import pending_exposure

SYMBOLS = [f"S{k}" for k in range(12)]  # some symbols recur among the orders, some do not
PRICES = st.one_of(st.none(), st.just(0.0), st.floats(1.0, 1_000.0))


class _Book(PositionBook):
    """Net quantities and marks as the ledger answers them (a mark may be 0.0 or missing)."""

    def __init__(self, held: dict[str, float], marks: dict[str, float | None]) -> None:
        self.held = held
        self.marks = marks

    def net_quantity(self, symbol: str) -> float:
        return self.held.get(symbol, 0.0)

    def last_price(self, symbol: str) -> float | None:
        return self.marks.get(symbol)


@st.composite
def _orders(draw: st.DrawFn) -> list[Order]:
    orders = []
    for k in range(draw(st.integers(0, 30))):
        symbol = draw(st.sampled_from(SYMBOLS))
        quantity = draw(st.floats(0.5, 50.0))
        request = OrderRequest(
            f"c-{k}", symbol, draw(st.sampled_from([Side.BUY, Side.SELL])), quantity,
            OrderType.LIMIT, limit_price=draw(PRICES), stop_price=draw(PRICES),
            reduce_only=draw(st.booleans()) and k % 3 == 0,
            strategy_id=draw(st.sampled_from(["me", "other"])),
            reference_price=draw(PRICES),
        )
        filled = draw(st.sampled_from([0.0, quantity / 2, quantity]))
        orders.append(Order(request, OrderStatus.NEW, filled_quantity=filled))
    return orders


def _plainly(orders: list[Order], symbol: str, book: PositionBook) -> tuple[float, float]:
    """Per symbol, the signed quantity still asked for and its first order price; every
    other symbol's growth of ``|position|`` valued at its mark, else that price."""
    signed: dict[str, float] = {}
    prices: dict[str, float] = {}
    for order in orders:
        request = order.request
        left = request.quantity - order.filled_quantity
        if request.reduce_only or left <= 0.0:
            continue
        if request.symbol == symbol and request.strategy_id == "me":
            continue
        step = left if request.side is Side.BUY else -left
        signed[request.symbol] = signed.get(request.symbol, 0.0) + step
        price = request.limit_price or request.stop_price or request.reference_price
        if price is not None and request.symbol not in prices:
            prices[request.symbol] = price
    other = 0.0
    for name, quantity in signed.items():
        if name != symbol:
            held = book.net_quantity(name)
            price = book.last_price(name) or prices.get(name, 0.0)
            other += max(0.0, abs(held + quantity) - abs(held)) * price
    return signed.get(symbol, 0.0), other


@settings(max_examples=300, deadline=None)
@given(orders=_orders(), symbol=st.sampled_from(SYMBOLS),
       held=st.dictionaries(st.sampled_from(SYMBOLS), st.floats(-20.0, 20.0)),
       marks=st.dictionaries(st.sampled_from(SYMBOLS), PRICES))
def test_pending_when_any_open_orders_then_the_plain_definition_to_the_bit(
    orders: list[Order], symbol: str, held: dict[str, float], marks: dict[str, float | None]
) -> None:
    book = _Book(held, marks)
    pending = pending_exposure(orders, [], strategy_id="me", symbol=symbol, book=book)
    assert (pending.quantity, pending.other_gross) == _plainly(orders, symbol, book)
