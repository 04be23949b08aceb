"""Where, inside one OHLC bar, an order fills: the pure half of the intra-bar rule.

Only the open is known to come first; the order in which high and low were reached is not.
So a fill is placed at the open when the open already satisfies the order (a gap), and
otherwise at the order's own price, which the bar's range proves was traded. Functions
return ``None`` when the bar does not touch the order, so the hot path allocates nothing.
``slip`` is the adverse slippage as a fraction (``slippage_bps / 1e4``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from vibetrading_V2.core.types import OrderType
from vibetrading_V2.execution.orders import WorkingOrder

__all__ = [
    "Touch",
    "limit_touch",
    "market_touch",
    "oco_rank",
    "oco_winner",
    "stop_limit_touch",
    "stop_touch",
    "stop_triggered",
    "touch_order",
]


_MARKET: Final = OrderType.MARKET
_LIMIT: Final = OrderType.LIMIT
_STOP: Final = OrderType.STOP
_STOP_LIMIT: Final = OrderType.STOP_LIMIT  # module constants: enum attribute access is slow


class Touch:
    """A fill the bar allows: its price, the market level then, and whether at the open.

    ``level`` is the price the market stood at when the order filled, before slippage;
    bracket children of an intra-bar entry start from it. ``at_open`` fills happened
    before anything else in the bar.
    """

    __slots__ = ("at_open", "level", "price")

    def __init__(self, price: float, level: float, at_open: bool) -> None:
        self.price: Final = price
        self.level: Final = level
        self.at_open: Final = at_open

    def __repr__(self) -> str:
        return f"Touch(price={self.price!r}, level={self.level!r}, at_open={self.at_open!r})"


def market_touch(is_buy: bool, open_: float, slip: float) -> Touch:
    """A market order fills at the open, slipped against the trader."""
    return Touch(open_ * (1.0 + slip) if is_buy else open_ * (1.0 - slip), open_, True)


def limit_touch(
    is_buy: bool, limit: float, open_: float, high: float, low: float
) -> Touch | None:
    """Buy fills if ``low <= limit`` at ``min(open, limit)``; sell mirrors. No slippage."""
    if is_buy:
        if low > limit:
            return None
        if open_ <= limit:
            return Touch(open_, open_, True)
        return Touch(limit, limit, False)
    if high < limit:
        return None
    if open_ >= limit:
        return Touch(open_, open_, True)
    return Touch(limit, limit, False)


def stop_touch(
    is_buy: bool, stop: float, open_: float, high: float, low: float, slip: float
) -> Touch | None:
    """Buy triggers if ``high >= stop`` and fills at ``max(open, stop)`` plus slippage."""
    if is_buy:
        if high < stop:
            return None
        level = open_ if open_ >= stop else stop
        return Touch(level * (1.0 + slip), level, open_ >= stop)
    if low > stop:
        return None
    level = open_ if open_ <= stop else stop
    return Touch(level * (1.0 - slip), level, open_ <= stop)


def stop_triggered(is_buy: bool, stop: float, high: float, low: float) -> bool:
    """True if the bar's range reaches a stop: ``high >= stop`` to buy, ``low <= stop`` to sell."""
    return high >= stop if is_buy else low <= stop


def stop_limit_touch(
    is_buy: bool, stop: float, limit: float, open_: float, high: float, low: float
) -> Touch | None:
    """The fill, if any, of a stop-limit on the bar where its stop triggers.

    Triggered at the open (a gap through the stop): from then on it is a plain limit for
    the whole bar, since everything else in the bar came after the open. Triggered inside
    the bar: the market stood at the stop, so it fills there only if the stop price is
    within the limit (buy: ``limit >= stop``); a limit on the far side of the stop would
    need the price to come back after the trigger, which the bar cannot prove, so it waits
    for later bars. The caller has checked that the stop triggers on this bar.
    """
    if is_buy:
        if open_ >= stop:
            return limit_touch(True, limit, open_, high, low)
        return Touch(stop, stop, False) if limit >= stop else None
    if open_ <= stop:
        return limit_touch(False, limit, open_, high, low)
    return Touch(stop, stop, False) if limit <= stop else None


def touch_order(
    order: WorkingOrder,
    ts_ns: int,
    open_: float,
    high: float,
    low: float,
    slip: float,
    commit: bool,
) -> Touch | None:
    """Where this bar fills ``order``, if it does; ``commit`` records a stop's trigger.

    A triggered stop fills like a market order and a triggered stop-limit like a limit.
    On its ``ref_ts`` bar a bracket child starts from ``ref_open`` and only a stop may fill.
    """
    kind = order.kind
    if order.ref_ts == ts_ns:
        if kind is not _STOP:
            return None
        open_ = order.ref_open
    if kind is _MARKET or (order.triggered and kind is _STOP):
        return market_touch(order.is_buy, open_, slip)
    if kind is _LIMIT or (order.triggered and kind is _STOP_LIMIT):
        return limit_touch(order.is_buy, order.limit, open_, high, low)
    if kind is _STOP:
        touch = stop_touch(order.is_buy, order.stop, open_, high, low, slip)
        if touch is not None and commit:
            order.triggered = True
        return touch
    if not stop_triggered(order.is_buy, order.stop, high, low):
        return None
    if commit:
        order.triggered = True
    return stop_limit_touch(order.is_buy, order.stop, order.limit, open_, high, low)


_STOPS: Final = (OrderType.STOP, OrderType.STOP_LIMIT)


def oco_rank(order: WorkingOrder, touch: Touch) -> tuple[bool, bool, int]:
    """Lower fills first among touched OCO members: at the open, then stops, then oldest."""
    return (not touch.at_open, order.request.order_type not in _STOPS, order.seq)


def oco_winner(
    members: Iterable[WorkingOrder], order: WorkingOrder, touch: Touch, ts: int,
    open_: float, high: float, low: float, slip: float,
) -> tuple[WorkingOrder, Touch]:
    """Of the touched ``members`` of ``order``'s OCO group on this bar, the one that fills."""
    best, best_touch = order, touch
    for member in members:
        if (
            member is order
            or not member.is_working
            or member.request.symbol != order.request.symbol
            or ts <= member.arm_after_ns
        ):
            continue
        other = touch_order(member, ts, open_, high, low, slip, False)
        if other is not None and oco_rank(member, other) < oco_rank(best, best_touch):
            best, best_touch = member, other
    if best is not order:
        touch_order(best, ts, open_, high, low, slip, True)  # record its trigger
    return best, best_touch
