"""Fills as columns: the numbers the vectorised equity curve is rebuilt from.

Compiled with the hot modules (``native_modules.txt``): a million-bar run has tens of
thousands of fills, and reading their fields in compiled code costs a few nanoseconds a
field instead of an attribute look-up each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from vibetrading_V2.core.types import Fill, Side

__all__ = ["fill_table"]

_BUY: Final = Side.BUY  # module constants: enum attribute access is slow
_SELL: Final = Side.SELL


def fill_table(
    fills: Sequence[Fill], symbols: Sequence[str]
) -> tuple[list[int], list[float], list[float], list[float]]:
    """Symbol code (index into ``symbols``), signed quantity (buy > 0), price and fee."""
    code = {name: i for i, name in enumerate(symbols)}
    codes: list[int] = []
    signed: list[float] = []
    prices: list[float] = []
    fees: list[float] = []
    for fill in fills:
        codes.append(code[fill.symbol])
        side = fill.side
        quantity = fill.quantity
        # the side's sign times the quantity, as a product of floats: +q or -q exactly
        sign = 1.0 if side is _BUY else -1.0 if side is _SELL else float(side.sign)
        signed.append(sign * quantity)
        prices.append(fill.price)
        fees.append(fill.fee)
    return codes, signed, prices, fees
