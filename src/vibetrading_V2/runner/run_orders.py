"""Every order of a run, in a fixed order: the list ``orders.csv`` and the summary count.

Compiled with the hot modules: a million-bar run has tens of thousands of orders.
"""

from __future__ import annotations

from typing import Final

from vibetrading_V2.core.client_ids import LEG_SUFFIXES, STOP_LEG
from vibetrading_V2.core.ports import Execution
from vibetrading_V2.core.types import Order

__all__ = ["BRACKET_SUFFIXES", "run_orders"]

BRACKET_SUFFIXES: Final = LEG_SUFFIXES
_SUFFIX_LENGTH: Final = len(STOP_LEG)


def run_orders(execution: Execution) -> list[Order]:
    """Every order the execution knows, in its last state, in the order they were sent;
    each entry's bracket legs (``<id>-sl``, ``<id>-tp``) right after it."""
    every = execution.orders()
    legs: dict[str, list[Order]] = {}
    for order in every:
        cid = order.client_order_id
        if cid.endswith(BRACKET_SUFFIXES):
            parent = cid[:-_SUFFIX_LENGTH]
            found = legs.get(parent)
            if found is None:
                legs[parent] = [order]
            else:
                found.append(order)
    if not legs:  # no brackets: the execution's order is the one
        return every
    ordered: list[Order] = []
    placed: set[str] = set()
    for order in every:
        cid = order.client_order_id
        if cid in placed:
            continue
        ordered.append(order)
        placed.add(cid)
        for leg in legs.get(cid, ()):
            ordered.append(leg)
            placed.add(leg.client_order_id)
    return ordered
