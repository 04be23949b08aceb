"""Round trips: the closed trades a trader reads, built from fills of one strategy book.

A position's PnL lives in the ledger; a trade list answers a different question ("how did
each entry and exit go?") and carries its share of the fees so that, once flat, the trades'
net PnL adds up exactly to realised PnL minus fees.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Final

from vibetrading_V2.core.client_ids import CLOSE_SUFFIX, RISK_SUFFIX, STOP_LEG, TAKE_PROFIT_LEG
from vibetrading_V2.core.types import Direction, Fill
from vibetrading_V2.portfolio.netting import Move, NetChange

__all__ = ["EXIT_REASONS", "RISK_ORDER_SUFFIX", "RoundTrip", "TradeTracker", "exit_reason"]

_LONG: Final = Direction.LONG  # enum attribute access is slow in 3.11
_SHORT: Final = Direction.SHORT

EXIT_REASONS: Final = ("signal", "stop", "take_profit", "risk", "open")
"""Every ``exit_reason`` a trade row can carry (``open``: still held at the end)."""
RISK_ORDER_SUFFIX: Final = RISK_SUFFIX
"""Ends the id of an order sent on the risk gate's demand (a halt or reduce flattening)."""


def exit_reason(client_order_id: str) -> str:
    """Why a position was closed, from the id of the closing order.

    A bracket's stop leg (``<entry id>-sl``) is ``stop``, its take-profit leg (``-tp``)
    ``take_profit``; an order sent on the risk gate's demand (``-rk``) and the close sent
    when a protective stop was refused (``<stop id>-cl``) are ``risk``: the safety rules,
    not the strategy, closed the position. Any other order came from a strategy's intent:
    ``signal``.
    """
    if client_order_id.endswith(STOP_LEG):
        return "stop"
    if client_order_id.endswith(TAKE_PROFIT_LEG):
        return "take_profit"
    if client_order_id.endswith((RISK_ORDER_SUFFIX, CLOSE_SUFFIX)):
        return "risk"
    return "signal"


@dataclass(slots=True, init=False, unsafe_hash=True)
class RoundTrip:
    """One closed trade (or the closed part of one): entry, exit, PnL and fees.

    ``entry_price`` is the position's average entry price, ``exit_price`` the average price
    of the closing fills. ``pnl`` is gross; ``fees`` is the closed quantity's pro-rata share
    of the entry fees plus the closing fills' fees; ``net_pnl = pnl - fees``.
    ``return_pct`` is ``net_pnl`` as a percentage of the entry notional
    (``quantity * entry_price``); ``1.5`` means +1.5 %. ``entry_ts_ns`` is when the position
    was opened from flat (adding to it does not move it). ``bars_held`` is left to a caller
    that knows the bar timeline. ``exit_reason`` is one of :data:`EXIT_REASONS`, from the
    closing order (:func:`exit_reason`). ``entry_order_id`` is the client id of the order
    whose fill opened the position from flat, ``exit_order_id`` that of the closing order:
    the links to the orders (and so to the bars that sent them: their ``created_ns``).
    """

    strategy_id: Final[str]
    symbol: Final[str]
    direction: Final[Direction]
    entry_ts_ns: Final[int]
    exit_ts_ns: Final[int]
    quantity: Final[float]
    entry_price: Final[float]
    exit_price: Final[float]
    pnl: Final[float]
    fees: Final[float]
    net_pnl: Final[float]
    return_pct: Final[float]
    bars_held: Final[int | None]
    exit_reason: Final[str]
    entry_order_id: Final[str]
    exit_order_id: Final[str]

    def __init__(
        self,
        strategy_id: str,
        symbol: str,
        direction: Direction,
        entry_ts_ns: int,
        exit_ts_ns: int,
        quantity: float,
        entry_price: float,
        exit_price: float,
        pnl: float,
        fees: float,
        net_pnl: float,
        return_pct: float,
        bars_held: int | None = None,
        exit_reason: str = "signal",
        entry_order_id: str = "",
        exit_order_id: str = "",
    ) -> None:
        self.strategy_id = strategy_id
        self.symbol = symbol
        self.direction = direction
        self.entry_ts_ns = entry_ts_ns
        self.exit_ts_ns = exit_ts_ns
        self.quantity = quantity
        self.entry_price = entry_price
        self.exit_price = exit_price
        self.pnl = pnl
        self.fees = fees
        self.net_pnl = net_pnl
        self.return_pct = return_pct
        self.bars_held = bars_held
        self.exit_reason = exit_reason
        self.entry_order_id = entry_order_id
        self.exit_order_id = exit_order_id


def _return_pct(net_pnl: float, quantity: float, entry_price: float) -> float:
    notional = abs(quantity * entry_price)
    return 0.0 if notional == 0.0 else 100.0 * net_pnl / notional


class TradeTracker:
    """Turns the fills of one (strategy, symbol) book into round trips.

    Every reducing fill closes a round trip for the quantity it closes; a flip closes the
    old trade and opens a new one. Consecutive closing fills of the same order (partial
    fills, same non-empty ``client_order_id``, nothing opened in between) are merged into
    one round trip, so a trade count does not depend on how a venue split an order.
    """

    __slots__ = ("_entry_order_id", "_entry_ts_ns", "_last_close_order", "_last_index",
                 "_open_fees")

    def __init__(self) -> None:
        self._entry_ts_ns = 0
        self._entry_order_id = ""
        self._open_fees = 0.0
        self._last_close_order = ""
        self._last_index = -1

    @property
    def entry_ts_ns(self) -> int:
        """When the open position was opened from flat (meaningless while flat)."""
        return self._entry_ts_ns

    @property
    def entry_order_id(self) -> str:
        """The client id of the order that opened the open position (meaningless while flat)."""
        return self._entry_order_id

    @property
    def open_fees(self) -> float:
        """The entry fees of the open position not yet charged to a closed trade."""
        return self._open_fees

    def on_fill(self, fill: Fill, change: NetChange, out: list[RoundTrip]) -> None:
        """Record what ``fill`` did (``change``); append or update round trips in ``out``."""
        self.record(
            fill,
            (change.closed, change.opened, change.realized, change.entry_price,
             change.quantity_before),
            out,
        )

    def record(self, fill: Fill, move: Move, out: list[RoundTrip]) -> None:
        """``on_fill`` with the change as a :data:`~vibetrading_V2.portfolio.netting.Move`."""
        closed, opened, realized, entry_price, quantity_before = move
        moved = closed + opened
        close_fee = fill.fee * closed / moved if moved > 0.0 else fill.fee
        open_fee = fill.fee - close_fee
        if closed > 0.0:
            self._close(fill, closed, realized, entry_price, quantity_before, close_fee, out)
        if opened > 0.0:
            if closed > 0.0 or quantity_before == 0.0:
                self._entry_ts_ns = fill.ts_ns
                self._entry_order_id = fill.client_order_id
                self._open_fees = 0.0
            self._open_fees += open_fee
            self._last_close_order = ""
            self._last_index = -1

    def _close(
        self,
        fill: Fill,
        closed: float,
        realized: float,
        entry_price: float,
        quantity_before: float,
        fee: float,
        out: list[RoundTrip],
    ) -> None:
        held = abs(quantity_before)
        share = self._open_fees if closed >= held else self._open_fees * closed / held
        self._open_fees -= share
        if closed >= held:
            self._open_fees = 0.0
        fees = share + fee
        trade = RoundTrip(
            strategy_id=fill.strategy_id,
            symbol=fill.symbol,
            direction=_LONG if quantity_before > 0.0 else _SHORT,
            entry_ts_ns=self._entry_ts_ns,
            exit_ts_ns=fill.ts_ns,
            quantity=closed,
            entry_price=entry_price,
            exit_price=fill.price,
            pnl=realized,
            fees=fees,
            net_pnl=realized - fees,
            return_pct=_return_pct(realized - fees, closed, entry_price),
            exit_reason=exit_reason(fill.client_order_id),
            entry_order_id=self._entry_order_id,
            exit_order_id=fill.client_order_id,
        )
        order = fill.client_order_id
        if order and order == self._last_close_order and self._last_index >= 0:
            out[self._last_index] = _merge(out[self._last_index], trade)
        else:
            self._last_index = len(out)
            out.append(trade)
        self._last_close_order = order


def _merge(first: RoundTrip, second: RoundTrip) -> RoundTrip:
    quantity = first.quantity + second.quantity
    exit_price = (first.quantity * first.exit_price + second.quantity * second.exit_price) / (
        quantity
    )
    pnl = first.pnl + second.pnl
    fees = first.fees + second.fees
    net = pnl - fees
    return replace(
        first,
        exit_ts_ns=second.exit_ts_ns,
        quantity=quantity,
        exit_price=exit_price,
        pnl=pnl,
        fees=fees,
        net_pnl=net,
        return_pct=_return_pct(net, quantity, first.entry_price),
    )
