"""Netting arithmetic for one position: average price, reductions, flips, realised PnL.

One small rule set shared by the ledger (per symbol and per strategy) and the vectorised
equity curve, so the two can never disagree about what a fill does to a position.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["QTY_REL_TOL", "Move", "NetChange", "NetPosition", "is_dust"]

QTY_REL_TOL: Final = 1e-9
"""A remainder smaller than this fraction of the quantities involved is float dust.

``0.1 + 0.2 - 0.3`` is ``5.5e-17``, not ``0``: without a tolerance a position closed by
fills of equal size could stay open forever with a dust quantity. Only a remainder within
``QTY_REL_TOL`` of the larger of the two quantities is taken as zero; any real remainder
(one part in a billion or more) is kept.
"""


def is_dust(remainder: float, *scale: float) -> bool:
    """True if ``remainder`` is float noise relative to the magnitudes in ``scale``."""
    return abs(remainder) <= QTY_REL_TOL * max((abs(s) for s in scale), default=0.0)


Move = tuple[float, float, float, float, float]
"""``(closed, opened, realized, entry_price, quantity_before)``: a ``NetChange`` as a tuple."""


@dataclass(slots=True, init=False, unsafe_hash=True)
class NetChange:
    """What one fill did to a position: quantity closed, quantity opened, PnL realised.

    ``closed`` and ``opened`` are unsigned; a flip has both. ``entry_price`` is the
    average price of the position before the fill (the price the closed part was held at).
    """

    closed: Final[float]
    opened: Final[float]
    realized: Final[float]
    entry_price: Final[float]
    quantity_before: Final[float]

    def __init__(
        self,
        closed: float,
        opened: float,
        realized: float,
        entry_price: float,
        quantity_before: float,
    ) -> None:
        self.closed = closed
        self.opened = opened
        self.realized = realized
        self.entry_price = entry_price
        self.quantity_before = quantity_before


@dataclass(slots=True)
class NetPosition:
    """A netted position: long and short offset; realised PnL on reductions and flips.

    Adding to a position moves the average price to the size-weighted mean; reducing it
    realises ``closed * (price - average) * sign`` and keeps the average; crossing zero
    closes the old position in full and opens the rest at the fill price.
    """

    quantity: float = 0.0
    average_price: float = 0.0
    realized_pnl: float = 0.0

    def apply(self, signed_quantity: float, price: float) -> NetChange:
        """Apply a fill of ``signed_quantity`` (buy > 0, sell < 0) at ``price``."""
        return NetChange(*self.move(signed_quantity, price))

    def move(self, signed_quantity: float, price: float) -> Move:
        """``apply`` without building the record: the same change as a plain tuple.

        For the per-fill hot paths (the ledger, the equity curve); the fields are those of
        :class:`NetChange`, in its order.
        """
        before = self.quantity
        avg = self.average_price
        size = abs(signed_quantity)
        if before == 0.0 or (before > 0.0) == (signed_quantity > 0.0):
            after = before + signed_quantity
            self.average_price = (abs(before) * avg + size * price) / abs(after)
            self.quantity = after
            return (0.0, size, 0.0, avg, before)
        held = abs(before)
        remainder = size - held
        # is_dust(remainder, held, size), inlined: held and size are already magnitudes
        if abs(remainder) <= QTY_REL_TOL * (size if size > held else held):
            remainder = 0.0
        closed = held if remainder >= 0.0 else size
        realized = closed * (price - avg) * (1.0 if before > 0.0 else -1.0)
        self.realized_pnl += realized
        if remainder < 0.0:
            self.quantity = before + signed_quantity
            return (closed, 0.0, realized, avg, before)
        if remainder == 0.0:
            self.quantity = 0.0
            self.average_price = 0.0
            return (closed, 0.0, realized, avg, before)
        self.quantity = remainder if signed_quantity > 0.0 else -remainder
        self.average_price = price
        return (closed, remainder, realized, avg, before)

    def unrealized(self, mark: float) -> float:
        """Mark-to-market PnL of the open quantity at ``mark``."""
        if self.quantity == 0.0:
            return 0.0
        return self.quantity * (mark - self.average_price)
