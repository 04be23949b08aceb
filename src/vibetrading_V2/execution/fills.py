"""Turning a touched order into a fill: fees, the fill-time check, and what follows.

What follows a fill is where the order types interact (OCO cancels, bracket children,
reduce-only clean-up), so it lives in one place, apart from deciding *whether* and *where*
a bar fills an order (``matching``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

from vibetrading_V2.core.types import Fill, OrderRequest, OrderStatus, OrderType, Side
from vibetrading_V2.execution.account import QTY_TOL, SimAccount
from vibetrading_V2.execution.book import OrderBook
from vibetrading_V2.execution.fees import FeeSchedule
from vibetrading_V2.execution.matching import Touch
from vibetrading_V2.execution.orders import WorkingOrder

__all__ = ["Filler", "bracket_legs"]

_FILLED: Final = OrderStatus.FILLED
_PARTIALLY_FILLED: Final = OrderStatus.PARTIALLY_FILLED
_REJECTED: Final = OrderStatus.REJECTED
# execution ids are "<client order id>:<n-th fill>": the usual suffixes made once
_SUFFIXES: Final = 16
_FILL_SUFFIX: Final = tuple(f":{n}" for n in range(_SUFFIXES))


class Filler:
    """Applies fills to the account and the book, and notes each in the book's update log.

    ``take`` is the only entry: fill up to a volume budget, charge the order's fee
    increase, re-check cash and margin, book, then cancel OCO siblings, create or grow
    bracket children, end a bracketed entry whose exit fired, and cancel reduce-only
    orders a flat or flipped position has made pointless.
    """

    def __init__(
        self, fees: FeeSchedule, account: SimAccount, book: OrderBook, arm_next_bar: bool = False
    ) -> None:
        self._fees = fees
        self._account = account
        self._book = book
        self._arm_next_bar = arm_next_bar  # bracket_arming == "next_bar"

    def take(
        self, order: WorkingOrder, touch: Touch, ts_ns: int, budget: float, on_bar: bool
    ) -> float:
        """Fill as much of ``order`` as ``budget`` allows; returns the quantity filled.

        ``on_bar`` is false for a fill inside ``submit`` (signal close): its bracket
        children then start on the next bar instead of this one.
        """
        request = order.request
        remaining = request.quantity - order.filled
        quantity = remaining if remaining <= budget else budget
        if order.fok and quantity < remaining * (1.0 - QTY_TOL):
            self._book.finish(order, OrderStatus.CANCELLED, "fok_unfillable", ts_ns)
            return 0.0
        if quantity <= 0.0:
            return 0.0
        held = self._account.quantity(request.symbol)
        if request.reduce_only:
            if held == 0.0 or (held > 0.0) == order.is_buy:
                self._book.finish(
                    order, OrderStatus.CANCELLED, "reduce_only_position_closed", ts_ns
                )
                return 0.0
            quantity = min(quantity, abs(held))
        if not self._book_fill(order, quantity, touch, ts_ns):
            return 0.0
        self._after_fill(order, quantity, touch, ts_ns, on_bar, held)
        return quantity

    def _book_fill(self, order: WorkingOrder, quantity: float, touch: Touch, ts: int) -> bool:
        request = order.request
        price = touch.price
        signed = quantity if order.is_buy else -quantity
        notional = order.notional + quantity * price
        fee = self._fees.order_fee(notional) - order.fees
        account = self._account
        problem = account.check(request.symbol, signed, price, fee)
        if problem is not None:
            self._book.finish(order, _REJECTED, problem, ts)
            return False
        account.apply(request.symbol, signed, price, fee)
        order.filled += quantity
        order.notional = notional
        order.fees += fee
        n_fills = order.n_fills = order.n_fills + 1
        order.updated_ns = ts
        self._book.filled(order)
        cid = request.client_order_id
        self._book.log.filled(
            Fill(
                cid + _FILL_SUFFIX[n_fills] if n_fills < _SUFFIXES else f"{cid}:{n_fills}",
                cid,
                request.symbol,
                request.side,
                quantity,
                price,
                fee,
                ts,
                request.strategy_id,
                "maker" if order.maker and not touch.at_open else "taker",
            )
        )
        if request.quantity - order.filled <= QTY_TOL * request.quantity:
            self._book.finish(order, _FILLED, None, ts)
        else:
            order.status = _PARTIALLY_FILLED
        return True

    def _after_fill(
        self,
        order: WorkingOrder,
        quantity: float,
        touch: Touch,
        ts: int,
        on_bar: bool,
        held_before: float,
    ) -> None:
        request = order.request
        if request.oco_group is not None:
            for member in self._book.group(request.oco_group):
                if member is not order and member.is_working:
                    self._book.finish(member, OrderStatus.CANCELLED, "oco_cancelled", ts)
        parent = order.parent
        if parent is not None and parent.is_working:
            self._book.finish(parent, OrderStatus.CANCELLED, "bracket_exit", ts)
        if (request.stop_loss is not None or request.take_profit is not None
                or request.exit_offsets is not None):
            self._grow_bracket(order, quantity, touch, ts, on_bar)
        held = self._account.quantity(request.symbol)
        if held_before == 0.0 or (held != 0.0 and (held > 0.0) == (held_before > 0.0)):
            return
        for other in self._book.of_symbol(request.symbol) or ():
            if (
                other.is_working
                and other.request.reduce_only
                and (held == 0.0 or (held > 0.0) == other.is_buy)
            ):
                self._book.finish(other, OrderStatus.CANCELLED, "reduce_only_position_closed", ts)

    def _grow_bracket(
        self, entry: WorkingOrder, quantity: float, touch: Touch, ts: int, on_bar: bool
    ) -> None:
        if entry.children is not None:
            for child in entry.children:
                if child.is_working:
                    grown = child.request.quantity + quantity
                    child.set_request(replace(child.request, quantity=grown))
                    self._book.log.order_changed(child.request.client_order_id)
            return
        request = entry.request
        entry.children = []
        for suffix, kind, limit, stop in bracket_legs(request, touch.price, entry.is_buy):
            child_request = OrderRequest(
                client_order_id=f"{request.client_order_id}-{suffix}",  # LEG_SUFFIXES
                symbol=request.symbol,
                side=Side.SELL if entry.is_buy else Side.BUY,
                quantity=quantity,
                order_type=kind,
                limit_price=limit,
                stop_price=stop,
                reduce_only=True,
                strategy_id=request.strategy_id,
                oco_group=f"{request.client_order_id}:bracket",
                created_ns=ts,
            )
            # entry_bar: filled at the open, the rest of this bar came after, so evaluate
            # it now; filled inside the bar, this bar too, from the entry's level, stop side
            # only. Filled in submit at the close, or next_bar: from the next bar.
            same_bar = on_bar and not self._arm_next_bar
            child = self._book.create(child_request, ts - 1 if same_bar else ts, ts)
            if same_bar and not touch.at_open:
                child.ref_ts = ts
                child.ref_open = touch.level
            child.parent = entry
            entry.children.append(child)
            self._book.activate(child)


def bracket_legs(
    request: OrderRequest, fill_price: float, is_buy: bool
) -> list[tuple[str, OrderType, float | None, float | None]]:
    """The stop and target legs of an entry first filled at ``fill_price``: its prices, or
    its offsets from the fill made prices."""
    stop, target = request.stop_loss, request.take_profit
    offsets = request.exit_offsets
    if offsets is not None:
        if stop is None:
            stop = offsets.stop_price(fill_price, is_buy)
        if target is None:
            target = offsets.take_profit_price(fill_price, is_buy)
    legs: list[tuple[str, OrderType, float | None, float | None]] = []
    if stop is not None:
        legs.append(("sl", OrderType.STOP, None, stop))
    if target is not None:
        legs.append(("tp", OrderType.LIMIT, target, None))
    return legs
