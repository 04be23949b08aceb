"""The bar-driven fill simulator: the ``Execution`` of backtests and paper trading.

Call protocol (the engine's side). For each bar of a symbol the engine calls
``observe_bar(bar)`` while orders may be working (it returns whether some still are),
*before* the strategy sees that bar (a held symbol with no order: ``observe_close``). A
request's ``reference_price`` marks its symbol at its ``created_ns`` as it is submitted,
as ``mark`` does. Fills and order changes are read from ``updates``. After a restart,
``restore_venue`` takes back the venue's state from the run's record.

The intra-bar rule: only the open is known to happen first in a bar; the order of high and
low is unknown.

* **Arming.** An order is evaluated only on bars newer than the newest bar the simulator
  had seen (through ``observe_bar`` or ``mark``, any symbol) when it arrived: an order
  submitted during bar *t* is first evaluated on bar *t+1*. Amending re-arms the same way.
* **MARKET** fills at the next open of its symbol, slipped (``next_open``), or inside
  ``submit`` at the marked close, slipped (``signal_close``).
* **LIMIT** buy fills if ``low <= limit`` at ``min(open, limit)``; sell if
  ``high >= limit`` at ``max(open, limit)``. A gap through the limit fills at the better
  open. Never slipped.
* **STOP** buy triggers if ``high >= stop`` and fills at ``max(open, stop)``; sell if
  ``low <= stop`` at ``min(open, stop)``; slipped. A gap through fills at the open.
* **STOP_LIMIT** triggers like a stop, then is a limit. Triggered at the open, it is a
  limit for the whole bar. Triggered inside the bar, it fills at the stop price only if
  the stop is within the limit (buy: ``limit >= stop``); otherwise it waits as a limit for
  later bars, because the bar cannot prove the price came back after the trigger.
  Never slipped.
* **Participation.** With ``max_volume_participation`` one symbol's fills in a bar take at
  most that fraction of its volume (at ``signal_close``: of ``mark``'s volume, else no cap);
  the rest works on (a triggered stop's remainder fills at later opens, as a market order).
* **OCO.** The first fill of a member of an ``oco_group`` cancels every other working
  member. If several members of a group are touched on the same bar, a fill at the open
  wins; otherwise a stop wins over a limit (conservative); then submission order.
* **Brackets.** An entry with ``stop_loss`` / ``take_profit`` creates, on its first fill,
  a reduce-only STOP ``<id>-sl`` and LIMIT ``<id>-tp`` in OCO group ``<id>:bracket`` for
  the filled quantity; later entry fills add to them. If the entry filled at the open,
  the children are evaluated on the same bar (the rest of the bar came after). If it
  filled inside the bar, on that bar only the stop loss is checked, starting from the
  entry's price instead of the open (conservative: the take profit waits for the next
  bar). If it filled in ``submit`` (signal close), they start on the next bar. When both
  are touched on one bar the stop fills, unless the open gapped through one of them,
  which then fills at the open. A child's fill cancels the entry's unfilled remainder.
  With ``bracket_arming="next_bar"`` the children start on the bar after the entry's fill
  whatever the fill. A request's ``exit_offsets`` are made prices from the entry's first
  fill price (``entry fill - stop_distance`` for a buy) when the children are created.
* **Reduce-only** orders fill at most the opposite position, and are cancelled when a flat
  or flipped position leaves them nothing to reduce.
* **Time in force.** IOC / FOK are evaluated once (first eligible bar, or ``submit`` at
  signal close); the rest is cancelled, and FOK fills in full or not at all. DAY lives
  through the UTC day of its first eligible bar.

Times. Every ``Order.updated_ns`` and ``Fill.ts_ns`` is market time: the newest bar time
seen (``observe_bar``, ``mark``, a request's ``created_ns``), never the run's clock.

Checks. At submit a request is rejected (status REJECTED, ``reason``) if malformed
(``invalid_quantity``, ``invalid_price``, ``invalid_bracket``, ``unknown_symbol_price``)
or if filling it in full at an estimate (the mark, or its own limit / stop price) would
break ``short_not_allowed``, ``insufficient_cash`` or ``insufficient_margin``. Every fill
is checked again; a failing fill is not applied and the order's remainder is REJECTED.
Fills that do not grow a position are never rejected for cash or margin.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Final

from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.core.ports import BarPrices, BarWatch, Execution, ExecutionUpdates
from vibetrading_V2.core.types import (
    NS_PER_SECOND,
    AccountSnapshot,
    Fill,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Position,
    Side,
)
from vibetrading_V2.execution.account import QTY_TOL, SimAccount
from vibetrading_V2.execution.book import OrderBook, report_of
from vibetrading_V2.execution.config import SimulatorConfig
from vibetrading_V2.execution.fills import Filler
from vibetrading_V2.execution.matching import market_touch, oco_winner, touch_order
from vibetrading_V2.execution.orders import WorkingOrder, estimate_price, request_problem
from vibetrading_V2.execution.symbol_watch import SymbolWatches
from vibetrading_V2.execution.venue_restore import restore_venue

__all__ = ["Simulator"]

_DAY_NS: Final = 86_400 * NS_PER_SECOND
_NEVER: Final = -(2**63)
_BUY: Final = Side.BUY  # module constants: enum attribute access is slow
_SELL: Final = Side.SELL
_MARKET: Final = OrderType.MARKET
_REJECTED: Final = OrderStatus.REJECTED


class Simulator(Execution):
    """Fills orders against bars with explicit, conservative intra-bar rules.

    It exists so a strategy meets the same ``Execution`` port in a backtest as in live
    trading, with costs, partial fills, brackets and rejects it can be tested against.
    """

    def __init__(self, config: SimulatorConfig) -> None:
        self._config = config
        self._fees = config.fee_schedule()
        self._slip = config.slippage_bps / 1e4
        self._cap = config.max_volume_participation
        self._at_close = config.fill_timing == "signal_close"
        self._account = SimAccount(config.initial_cash, leverage=config.leverage,
                                   allow_short=config.allow_short, currency=config.currency)
        self._book = OrderBook()
        self._filler = Filler(self._fees, self._account, self._book,
                              config.bracket_arming == "next_bar")
        self._watches = SymbolWatches(self, self._book, self._account)
        self._mark_ts: dict[str, int] = {}
        self._close_budget: dict[str, float] = {}
        self._latest_ts = _NEVER
        self._drained = 0  # the cursor of ``drain_fills``

    # -- the engine's calls ----------------------------------------------------------------

    @property
    def config(self) -> SimulatorConfig:
        return self._config

    @property
    def observes_bars(self) -> bool:
        return self._book.has_working

    def mark(self, symbol: str, ts_ns: int, price: float, volume: float | None = None) -> None:
        """Record the close the strategy acts on (``submit`` does, with a reference price):
        the price of submit checks, equity and signal-close fills, the bar time that arms
        new orders; ``volume`` caps signal-close fills (``max_volume_participation``)."""
        if not (is_finite(price) and price > 0.0):
            raise ExecutionError(
                f"cannot mark {symbol!r} at {price!r}: a mark must be a positive finite price",
                field="price",
                hint="pass the bar's close; curated data never holds such prices",
            )
        self._account.set_mark(symbol, price)
        self._mark_ts[symbol] = ts_ns
        if ts_ns > self._latest_ts:
            self._latest_ts = ts_ns
        if self._cap is not None and volume is not None:
            self._close_budget[symbol] = self._cap * volume
        elif symbol in self._close_budget:
            del self._close_budget[symbol]

    def observes_symbol(self, symbol: str) -> bool:
        return self.bar_need(symbol) != 0  # NEEDS_NOTHING: no order, no position to mark

    def bar_need(self, symbol: str) -> int:
        """The whole bar for a symbol with orders, its close for a held one, else nothing."""
        return self._watches.need(symbol)

    def bar_watch(self, symbol: str) -> BarWatch:
        return self._watches.watch(symbol)

    def observe_close(self, symbol: str, ts_ns: int, close: float) -> bool:
        """``observe_bar`` of a bar with no order to match: its close marks the symbol."""
        self._latest_ts = max(self._latest_ts, ts_ns)
        self._watches.mark(symbol, close)
        return self._book.has_working

    def observe_bar(self, bar: BarPrices) -> bool:
        """Match this bar against the working orders of its symbol, then mark its close.

        Returns whether orders (of any symbol) are still working afterwards.
        """
        symbol = bar.symbol
        ts_ns = bar.ts_ns
        if ts_ns > self._latest_ts:
            self._latest_ts = ts_ns
        orders = self._book.of_symbol(symbol)
        if orders:
            self._match(symbol, orders, ts_ns, bar)
        self._account.set_mark(symbol, bar.close)
        return self._book.has_working

    # -- the Execution port ----------------------------------------------------------------

    def start(self) -> None:  # nothing to connect
        pass

    def close(self) -> None:  # nothing to release
        pass

    def restore_venue(self, orders: Sequence[Order], fills: Sequence[Fill],
                      working: Sequence[Order] | None,
                      deposits: Sequence[tuple[int, float]] = ()) -> None:  # after a restart
        newest = restore_venue(self._account, self._book, orders, fills, working, deposits)
        if newest is not None and newest > self._latest_ts:
            self._latest_ts = newest

    def submit(self, request: OrderRequest) -> Order:
        if request.reference_price is not None:  # the close the order was priced at
            self.mark(request.symbol, request.created_ns, request.reference_price)
        book = self._book
        order = WorkingOrder(request, self._latest_ts, max(self._latest_ts, request.created_ns))
        known = book.admit(order)
        if known is not order:  # the client id was used before: submit is idempotent
            return report_of(known)
        mark = self._account.mark_of(request.symbol)
        problem = request_problem(request, mark) or self._submit_problem(request, mark)
        if problem is None and request.exit_offsets is not None:
            problem = request.exit_offsets.problem()
        if problem is not None:
            book.finish(order, _REJECTED, problem, order.updated_ns)
            return order.to_order()
        book.activate(order)
        if self._at_close and order.kind is _MARKET and mark is not None:
            self._fill_at_close(order, mark)
        return order.to_order()

    def cancel(self, client_order_id: str) -> Order:
        order = self._working_order(client_order_id, "cancel")
        self._book.finish(order, OrderStatus.CANCELLED, None, self._market_ns())
        self._book.compact(order.request.symbol)
        return order.to_order()

    def cancel_all(self, symbol: str | None = None) -> list[Order]:
        book = self._book
        ended = [o for o in book.working() if symbol is None or o.request.symbol == symbol]
        for order in ended:
            book.finish(order, OrderStatus.CANCELLED, None, self._market_ns())
        for name in {o.request.symbol for o in ended}:
            book.compact(name)
        return [order.to_order() for order in ended]

    def amend(self, client_order_id: str, *, quantity: float | None = None,
              limit_price: float | None = None, stop_price: float | None = None) -> Order:
        order = self._working_order(client_order_id, "amend")
        old = order.request
        new = replace(
            old,
            quantity=old.quantity if quantity is None else quantity,
            limit_price=old.limit_price if limit_price is None else limit_price,
            stop_price=old.stop_price if stop_price is None else stop_price,
        )
        problem = request_problem(new, self._account.mark_of(old.symbol))
        if problem is None and new.quantity <= order.filled * (1.0 + QTY_TOL):
            problem = f"invalid_quantity (already filled {order.filled:g})"
        if problem is not None:
            raise ExecutionError(
                f"cannot amend order {client_order_id!r}: {problem}",
                field="quantity" if problem.startswith("invalid_quantity") else "price",
                hint="quantity must exceed the filled quantity; a limit price only on "
                "limit / stop-limit orders and a stop price only on stop / stop-limit orders",
            )
        order.set_request(new)
        order.arm_after_ns = max(order.arm_after_ns, self._latest_ts)
        order.updated_ns = self._market_ns()
        self._book.log.order_changed(client_order_id)
        return order.to_order()

    def order(self, client_order_id: str) -> Order | None:
        found = self._book.get(client_order_id)
        return None if found is None else report_of(found)

    def orders(self) -> list[Order]:
        return [report_of(known) for known in self._book.every()]

    def open_orders(self) -> list[Order]:
        if not self._book.has_working:
            return []
        return [order.to_order() for order in self._book.working()]

    def positions(self) -> list[Position]:
        return self._account.positions()

    def position(self, symbol: str) -> Position:
        """The position in ``symbol``, flat or not, with its realised PnL (fees excluded)."""
        return self._account.position(symbol)

    def account(self) -> AccountSnapshot:
        return self._account.snapshot()

    def deposit(self, amount: float) -> None:
        """Cash paid into the simulated account: a paper top-up (``runner.bankroll``)."""
        self._account.cash += amount

    @property
    def fees_paid(self) -> float:
        return self._account.fees_paid

    def updates(self, cursor: int) -> ExecutionUpdates:
        return self._book.updates_since(cursor)

    @property
    def update_count(self) -> int:
        return self._book.log.count

    def drain_fills(self) -> list[Fill]:
        """The fills since the previous call (a cursor of its own on ``updates``)."""
        log = self._book.log
        fills = log.fills_since(self._drained)
        self._drained = log.count
        return fills

    # -- internals -------------------------------------------------------------------------

    def _market_ns(self) -> int:
        """Market time: the newest bar time seen (0 before any)."""
        return self._latest_ts if self._latest_ts != _NEVER else 0

    def _working_order(self, client_order_id: str, action: str) -> WorkingOrder:
        order = self._book.get(client_order_id)
        if order is None:
            raise ExecutionError(
                f"cannot {action} order {client_order_id!r}: the simulator has no such order",
                field="client_order_id",
                hint="use the client_order_id of an order submitted to this simulator",
            )
        if isinstance(order, Order) or not order.is_working:
            raise ExecutionError(
                f"cannot {action} order {client_order_id!r}: it is already {order.status}",
                field="client_order_id",
                hint="only NEW or PARTIALLY_FILLED orders can be cancelled or amended",
            )
        return order

    def _submit_problem(self, request: OrderRequest, mark: float | None) -> str | None:
        side, quantity = request.side, request.quantity
        signed = quantity if side is _BUY else -quantity if side is _SELL else quantity * side.sign
        if request.reduce_only:
            held = self._account.quantity(request.symbol)
            if held == 0.0 or (held > 0.0) == (signed > 0.0):
                return "reduce_only_no_position"
            return None
        price = estimate_price(request, mark, self._slip)
        fee = self._fees.order_fee(request.quantity * price)
        return self._account.check(request.symbol, signed, price, fee)

    def _fill_at_close(self, order: WorkingOrder, mark: float) -> None:
        symbol = order.request.symbol
        ts = self._mark_ts.get(symbol, self._latest_ts)
        budget = self._close_budget.get(symbol, math.inf)
        touch = market_touch(order.is_buy, mark, self._slip)
        filled = self._filler.take(order, touch, ts, budget, False)
        if symbol in self._close_budget:
            self._close_budget[symbol] = budget - filled
        self._expire_if_immediate(order, ts)

    def _match(self, symbol: str, orders: list[WorkingOrder], ts: int, bar: BarPrices) -> None:
        budget = math.inf if self._cap is None else self._cap * bar.volume
        open_ = bar.open
        # a market order needs only the open: the range is read for the first order that
        # needs it (NaN until then, which no market order looks at)
        high = low = math.nan
        ranged = False
        stale = False
        i = 0
        while i < len(orders):  # bracket children created on this bar are appended, seen too
            order = orders[i]
            i += 1
            if not order.is_working:
                stale = True
                continue
            if ts <= order.arm_after_ns:
                continue
            if order.is_day:
                if order.day is None:
                    order.day = ts // _DAY_NS
                elif ts // _DAY_NS > order.day:
                    self._book.finish(order, OrderStatus.CANCELLED, "expired", ts)
                    stale = True
                    continue
            if not ranged and (order.kind is not _MARKET or order.request.oco_group is not None):
                high, low = bar.high, bar.low  # an OCO group's other members may need it
                ranged = True
            touch = touch_order(order, ts, open_, high, low, self._slip, True)
            if touch is not None:
                winner = order
                if order.request.oco_group is not None:
                    members = self._book.group(order.request.oco_group)
                    winner, touch = oco_winner(members, order, touch, ts, open_, high, low,
                                               self._slip)
                budget -= self._filler.take(winner, touch, ts, budget, True)
                stale = True  # something filled, was rejected or was cancelled: compact
            if order.immediate:
                self._expire_if_immediate(order, ts)
                stale = True
        if stale:
            self._book.compact(symbol)

    def _expire_if_immediate(self, order: WorkingOrder, ts: int) -> None:
        if order.is_working and order.immediate:
            tif = order.request.time_in_force.value
            self._book.finish(order, OrderStatus.CANCELLED, f"{tif}_expired", ts)
