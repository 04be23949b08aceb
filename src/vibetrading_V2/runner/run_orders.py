"""Every order of a run, in a fixed order: the list ``orders.csv`` and the summary count.

Compiled with the hot modules: a million-bar run has tens of thousands of orders, each
looked up once through the ``Execution`` port.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from vibetrading_V2.core.ports import Execution
from vibetrading_V2.core.types import Fill, Order

__all__ = ["BRACKET_SUFFIXES", "run_orders"]

BRACKET_SUFFIXES: Final = (":sl", ":tp")


def run_orders(
    client_order_ids: Sequence[str], fills: Sequence[Fill], execution: Execution
) -> list[Order]:
    """The orders sent, each followed by its bracket children, then orders known only from
    their fills (each once, in the order of its first fill); each in its last state."""
    orders: list[Order] = []
    seen: set[str] = set()
    for cid in client_order_ids:
        order = execution.order(cid)
        if order is None:
            continue
        orders.append(order)
        seen.add(cid)
        request = order.request
        if request.stop_loss is None and request.take_profit is None:
            continue
        for suffix in BRACKET_SUFFIXES:
            child = execution.order(cid + suffix)
            if child is not None:
                orders.append(child)
                seen.add(child.client_order_id)
    for fill in fills:
        cid = fill.client_order_id
        if cid not in seen:
            seen.add(cid)
            extra = execution.order(cid)
            if extra is not None:
                orders.append(extra)
    return orders
