"""The simulator's venue-side state taken back from a run's record after a restart.

A simulated venue lives in the process: killed, it forgets its orders, positions and
cash, and a restarted paper run would face a venue that never heard of them (and that
hands out the same execution ids again). What it did is all in the run's store, recorded
before the run acted on it: every order in its latest state and every fill. Replaying
them puts the venue back: the fills move the account's cash and positions again (in
recorded order), an ended order is known again (a request under its id stays answered
by it), a working one works again with its fills so far, so its next fill's execution id
(``<client order id>:<n>``) follows the last recorded one and never repeats.

The venue's working orders come from its last checkpoint (``SqliteVenueRecord``), which
also holds the orders it made itself (a bracket's legs); without one, the recorded orders
still open. An order recorded in flight (sent, its outcome never recorded) is not worked:
the simulator answers a submit at once, so the process died before it could work it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from vibetrading_V2.core.client_ids import LEG_SUFFIXES
from vibetrading_V2.core.types import Fill, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.execution.account import QTY_TOL, SimAccount
from vibetrading_V2.execution.book import OrderBook
from vibetrading_V2.execution.fills import bracket_legs
from vibetrading_V2.execution.orders import WorkingOrder

__all__ = ["restore_venue"]

_LEG_SUFFIXES: Final = LEG_SUFFIXES
_IN_FLIGHT: Final = OrderStatus.IN_FLIGHT


class _OrderFills:
    """What an order's recorded fills add up to: count, notional and fees."""

    __slots__ = ("fees", "filled", "first_price", "first_ts", "n_fills", "notional")

    def __init__(self) -> None:
        self.n_fills = 0
        self.filled = 0.0
        self.notional = 0.0
        self.fees = 0.0
        self.first_price = 0.0
        self.first_ts = 0


def restore_venue(
    account: SimAccount,
    book: OrderBook,
    orders: Sequence[Order],
    fills: Sequence[Fill],
    working: Sequence[Order] | None = None,
    deposits: Sequence[tuple[int, float]] = (),
) -> int | None:
    """Replay ``fills`` into ``account`` and file ``orders`` in ``book``; return the newest
    market time among them (``None``: none), after which restored orders are armed.

    ``working``: the venue's working orders at its last checkpoint (``None``: none was
    taken; then the recorded orders neither ended nor in flight work again).
    ``deposits``: a paper session's top-ups as (fills before it, amount), paid in at those
    places among the fills, as the run paid them.
    """
    per_order = _replay_fills(account, fills, deposits)
    if working is None:
        working = [o for o in orders if not o.status.is_terminal and o.status is not _IN_FLIGHT]
    times = [f.ts_ns for f in fills] + [o.updated_ns for o in (*orders, *working)]
    newest = max(times) if times else None
    armed = 0 if newest is None else newest
    live = {o.client_order_id for o in working}
    for order in orders:
        if order.client_order_id not in live:
            book.reinstate(order)
    restored: dict[str, WorkingOrder] = {}
    for order in working:
        done = per_order.get(order.client_order_id) or _OrderFills()
        if done.filled >= order.request.quantity * (1.0 - QTY_TOL):  # filled since then
            book.reinstate(_ended(order, done))
            continue
        restored[order.client_order_id] = again = _working(order, done, armed)
        book.reinstate(again)
    _relink_brackets(restored, per_order)
    _make_lost_legs(book, orders, per_order, armed)
    return newest


def _make_lost_legs(book: OrderBook, orders: Sequence[Order],
                    per_order: dict[str, _OrderFills], armed_ns: int) -> None:
    """The legs of a filled bracket entry that the venue made after its last checkpoint
    died with it, unrecorded: made again from the entry's first fill, as it made them, and
    armed from the newest recorded time (a killed run's protective stop is not lost)."""
    for order in orders:
        request = order.request
        done = per_order.get(request.client_order_id)
        bracketed = (request.stop_loss is not None or request.take_profit is not None
                     or request.exit_offsets is not None)
        if done is None or not bracketed or request.client_order_id.endswith(_LEG_SUFFIXES):
            continue
        entry = book.get(request.client_order_id)
        is_buy = request.side is Side.BUY
        for suffix, kind, limit, stop in bracket_legs(request, done.first_price, is_buy):
            leg_id = f"{request.client_order_id}-{suffix}"
            if book.get(leg_id) is not None or leg_id in per_order:
                continue
            leg = book.create(OrderRequest(
                client_order_id=leg_id, symbol=request.symbol,
                side=Side.SELL if is_buy else Side.BUY, quantity=done.filled, order_type=kind,
                limit_price=limit, stop_price=stop, reduce_only=True,
                strategy_id=request.strategy_id,
                oco_group=f"{request.client_order_id}:bracket", created_ns=done.first_ts,
            ), armed_ns, done.first_ts)
            if isinstance(entry, WorkingOrder):
                leg.parent = entry
                entry.children = [*(entry.children or []), leg]
            book.activate(leg)


def _replay_fills(account: SimAccount, fills: Sequence[Fill],
                  deposits: Sequence[tuple[int, float]]) -> dict[str, _OrderFills]:
    """Book ``fills`` and ``deposits`` into ``account`` in order; what the fills add up
    to per order."""
    per_order: dict[str, _OrderFills] = {}
    due = list(deposits)
    for n, fill in enumerate(fills):
        while due and due[0][0] <= n:
            account.cash += due.pop(0)[1]
        signed = fill.quantity if fill.side is Side.BUY else -fill.quantity
        account.apply(fill.symbol, signed, fill.price, fill.fee)
        done = per_order.get(fill.client_order_id)
        if done is None:
            done = per_order[fill.client_order_id] = _OrderFills()
        if not done.n_fills:
            done.first_price, done.first_ts = fill.price, fill.ts_ns
        done.n_fills += 1
        done.filled += fill.quantity
        done.notional += fill.quantity * fill.price
        done.fees += fill.fee
    for _, amount in due:
        account.cash += amount
    for fill in fills:  # held symbols are marked at their last fill until a bar comes
        account.set_mark(fill.symbol, fill.price)
    return per_order


def _ended(order: Order, done: _OrderFills) -> Order:
    return Order(order.request, OrderStatus.FILLED, done.filled, done.notional / done.filled,
                 order.venue_order_id, None, order.updated_ns)


def _working(order: Order, done: _OrderFills, armed_ns: int) -> WorkingOrder:
    """A working order as its fills left it, armed from the newest recorded time (it works
    from the next bar on, as it would have)."""
    restored = WorkingOrder(order.request, armed_ns, order.updated_ns)
    if done.n_fills:
        restored.status = OrderStatus.PARTIALLY_FILLED
        restored.filled = done.filled
        restored.n_fills = done.n_fills
        restored.notional = done.notional
        restored.fees = done.fees
    if order.venue_order_id:
        restored.venue_order_id = order.venue_order_id
    return restored


def _relink_brackets(working: dict[str, WorkingOrder], per_order: dict[str, _OrderFills]) -> None:
    """A working bracket leg finds its working entry again; an entry that filled already has
    its legs (the working ones), so a later fill grows them instead of making new ones."""
    for cid, order in working.items():
        if cid.endswith(_LEG_SUFFIXES):
            entry = working.get(cid[: -len(_LEG_SUFFIXES[0])])
            if entry is not None:
                order.parent = entry
    for cid, entry in working.items():
        request = entry.request
        bracketed = (request.stop_loss is not None or request.take_profit is not None
                     or request.exit_offsets is not None)
        if bracketed and cid in per_order:
            entry.children = [
                working[cid + suffix] for suffix in _LEG_SUFFIXES if cid + suffix in working
            ]
