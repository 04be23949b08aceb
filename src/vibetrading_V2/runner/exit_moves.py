"""Moving the stop or target of an open position: which resting legs change, and to what.

A strategy moves (or trails) its stop by returning its intent again with only the stop
changed. The pipeline then amends the resting bracket legs (``<entry>-sl`` / ``<entry>-tp``)
instead of sizing a new order; this module finds the legs and the level each should have.
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.client_ids import entry_of_leg
from vibetrading_V2.core.ports import Execution
from vibetrading_V2.core.types import Direction, Intent, Order, OrderType

__all__ = ["BRACKET_FIXES", "ExitMove", "bracket_problems", "exit_moves", "only_exits_differ"]

_LONG: Final = Direction.LONG
_STOP: Final = OrderType.STOP
_FAR: Final = 0.5  # a stop or target further than this fraction of the price is suspect
# how to fix each reason ``bracket_problems`` gives (the veto's detail)
BRACKET_FIXES: Final = {
    "stop_loss_on_wrong_side": "stop_loss is a price below the close for a long, above for a "
    "short (or give stop_distance / stop_pct, measured from the entry fill)",
    "take_profit_on_wrong_side": "take_profit is a price above the close for a long, below "
    "for a short (or give take_profit_distance / take_profit_pct)",
    "invalid_stop_distance": "stop_distance is a price distance > 0 from the entry fill",
    "invalid_stop_pct": "stop_pct is a fraction of the entry fill in (0, 1): 0.02 is 2 %",
    "invalid_take_profit_distance": "take_profit_distance is a price distance > 0 from the "
    "entry fill",
    "invalid_take_profit_pct": "take_profit_pct is a fraction of the entry fill > 0",
}


class ExitMove:
    """One resting leg and the level it should have (``None``: cancel the leg).

    Why it exists: the pipeline passes every move through the risk gate before acting.
    """

    __slots__ = ("leg", "level")

    def __init__(self, leg: Order, level: float | None) -> None:
        self.leg = leg
        self.level = level

    @property
    def is_stop(self) -> bool:
        return self.leg.request.order_type is _STOP


def only_exits_differ(last: Intent, intent: Intent) -> bool:
    """Whether ``intent`` repeats ``last`` but for its stop or target (a move of them)."""
    if (last.stop_loss == intent.stop_loss and last.take_profit == intent.take_profit
            and last.exits == intent.exits):
        return False
    return (last.direction is intent.direction and last.symbol == intent.symbol
            and last.quantity == intent.quantity and last.notional == intent.notional
            and last.weight == intent.weight and last.confidence == intent.confidence)


def exit_moves(
    execution: Execution, strategy_id: str, intent: Intent
) -> tuple[list[ExitMove], tuple[str, ...]]:
    """The legs of ``strategy_id`` in the intent's symbol whose level changes, and the
    reasons a changed level has no leg to move (``stop_loss_not_resting`` and the like)."""
    moves: list[ExitMove] = []
    has_stop = has_target = False
    for order in execution.open_orders():
        request = order.request
        cid = order.client_order_id
        if (request.strategy_id != strategy_id or request.symbol != intent.symbol
                or not request.reduce_only or (entry_id := entry_of_leg(cid)) is None):
            continue
        entry = execution.order(entry_id)
        fill_price = None if entry is None else entry.average_price
        stop = request.order_type is _STOP
        has_stop, has_target = has_stop or stop, has_target or not stop
        level = _wanted_level(intent, stop, fill_price)
        resting = request.stop_price if stop else request.limit_price
        if level != resting:
            moves.append(ExitMove(order, level))
    missing: list[str] = []
    if not has_stop and _wanted_level(intent, True, 1.0) is not None:
        missing.append("stop_loss_not_resting")
    if not has_target and _wanted_level(intent, False, 1.0) is not None:
        missing.append("take_profit_not_resting")
    return moves, tuple(missing)


def _wanted_level(intent: Intent, stop: bool, fill_price: float | None) -> float | None:
    """The stop (or target) price ``intent`` asks for, its offsets taken from the entry's
    ``fill_price``."""
    level = intent.stop_loss if stop else intent.take_profit
    exits = intent.exits
    if level is not None or exits is None or fill_price is None:
        return level
    is_buy = intent.direction is _LONG
    if stop:
        return exits.stop_price(fill_price, is_buy)
    return exits.take_profit_price(fill_price, is_buy)


def bracket_problems(
    intent: Intent, price: float
) -> tuple[tuple[str, ...], list[tuple[str, float]]]:
    """A long's stop below the price and its target above (a short's mirrored).

    Returns the reasons to refuse (a price on the wrong side; an offset that is not a
    positive number, a stop fraction not below 1) and the suspect levels, each with the
    level's price: further than half the price away (a fraction given as a price, such as
    ``stop_loss=0.01`` on a price of 1.1, looks like that). An offset is measured from the
    fill, so it is checked for its sign, not against the signal close.
    """
    long = intent.direction is _LONG
    reasons: list[str] = []
    suspects: list[tuple[str, float]] = []
    stop, target = intent.stop_loss, intent.take_profit
    if stop is not None:
        if (stop >= price) if long else (stop <= price):
            reasons.append("stop_loss_on_wrong_side")
        elif abs(price - stop) > _FAR * price:
            suspects.append(("stop_loss_far_from_price", stop))
    if target is not None:
        if (target <= price) if long else (target >= price):
            reasons.append("take_profit_on_wrong_side")
        elif abs(target - price) > _FAR * price:
            suspects.append(("take_profit_far_from_price", target))
    exits = intent.exits
    if exits is not None:
        for name, value in (("stop_distance", exits.stop_distance),
                            ("stop_pct", exits.stop_pct),
                            ("take_profit_distance", exits.take_profit_distance),
                            ("take_profit_pct", exits.take_profit_pct)):
            if value is not None and not (value > 0.0 and value < float("inf")):
                reasons.append(f"invalid_{name}")
        if exits.stop_pct is not None and exits.stop_pct >= 1.0:
            reasons.append("invalid_stop_pct")
        level = exits.stop_price(price, long)
        if not reasons and level is not None and abs(price - level) > _FAR * price:
            suspects.append(("stop_loss_far_from_price", level))
    return tuple(reasons), suspects
