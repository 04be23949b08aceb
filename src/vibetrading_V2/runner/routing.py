"""Between the bar loop and the order side: a strategy's outputs in, its fills back out.

The loop calls ``dispatch`` when a strategy's output changed and ``book_fill`` for each fill
the execution reported for this router's strategy; both are compiled with the loop
(``native_modules.txt``).
"""

from __future__ import annotations

from array import array

from vibetrading_V2.core.client_ids import LEG_SUFFIXES
from vibetrading_V2.core.errors import StrategyError
from vibetrading_V2.core.types import Fill, Intent
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.marks import AccountMarks
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.safety import StrategyBreaker
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.guard import RuntimeGuard

__all__ = ["IntentRouter"]


class IntentRouter:
    """Hands a strategy's intents to the pipeline and books the fills its orders got.

    Why it exists: an output that is not an intent must be counted as the strategy's error,
    an intent must be priced from the run's last closes, and every fill must be recorded,
    booked and shown to the strategy (``on_fill``, under the guard) in one fixed order.

    A stop loss or take profit that closes the strategy's position ends the intents that
    opened it: the outputs naming its symbol are forgotten from ``last_out`` (the slot's
    last output acted on, by symbol code), so the strategy's next output is acted on as
    new, even if it repeats the one before (re-entry after a stop-out).
    """

    def __init__(
        self,
        *,
        strategy: Strategy,
        strategy_id: str,
        pipeline: OrderPipeline,
        ledger: Ledger,
        guard: RuntimeGuard,
        breaker: StrategyBreaker,
    ) -> None:
        self._strategy = strategy
        self._strategy_id = strategy_id
        self._pipeline = pipeline
        self._ledger = ledger
        self._guard = guard
        self._breaker = breaker
        # the base class's on_fill does nothing: skip the call (and the guard) unless overridden
        self._has_on_fill = type(strategy).on_fill is not Strategy.on_fill
        self.last_out: list[object] = []  # the slot's, shared (``SlotState`` sets it)

    def dispatch(
        self,
        ts: int,
        out: object,
        cursor: BarCursor,
        cursor_of: list[BarCursor],
        account: AccountMarks,
    ) -> None:
        """Send each intent of ``out`` (seen at bar ``ts`` of ``cursor``) down the pipeline.

        An intent is priced at its symbol's last close, read from that symbol's cursor
        (kept as the account's last close of it: the order may fill at once and make it a
        holding).
        """
        if isinstance(out, Intent):  # the usual case: one intent
            self._handle(ts, out, cursor, cursor_of, account)
            return
        if not isinstance(out, (list, tuple)):
            self._breaker.failed(ts, cursor.symbol, StrategyError(
                f"on_bar returned {type(out).__name__}; return an Intent, a list of Intents "
                "or None"))
            return
        for intent in out:
            if isinstance(intent, Intent):
                self._handle(ts, intent, cursor, cursor_of, account)
            else:
                self._breaker.failed(
                    ts, cursor.symbol,
                    StrategyError(f"on_bar returned {type(intent).__name__}, not an Intent"),
                )

    def _handle(
        self,
        ts: int,
        intent: Intent,
        cursor: BarCursor,
        cursor_of: list[BarCursor],
        account: AccountMarks,
    ) -> None:
        own = intent.symbol == cursor.symbol
        vol = cursor.volatility if own else None
        price = account.price_of(account.code_of(intent.symbol), cursor_of)
        if not own and price == price:
            self._ledger.mark(intent.symbol, price)
        self._pipeline.handle(ts, intent, price, vol)

    def book_fill(
        self,
        fill: Fill,
        row: int,
        fills: list[Fill],
        fill_rows: array[int],
        cursor_of: list[BarCursor],
        account: AccountMarks,
        *,
        tell: bool = True,
    ) -> None:
        """Record and book one fill (seen at timeline row ``row``); tell the strategy.

        ``tell=False`` books a fill no slot of this run sent (its ``on_fill`` is not called).
        """
        if not self._pipeline.record_fill(fill):
            return
        fills.append(fill)
        fill_rows.append(row)
        code = account.code_of(fill.symbol)
        if code >= 0:
            cursor = cursor_of[code]
            held = self._ledger.strategy_quantity(self._strategy_id, fill.symbol)
            cursor.position = held
            cid = fill.client_order_id
            if held == 0.0 and cid.endswith(LEG_SUFFIXES):
                self._end_intents(fill.symbol)
        if tell and self._has_on_fill and not self._breaker.disabled:
            self._guard.active = True
            try:
                self._strategy.on_fill(fill)
            except Exception as exc:
                self._guard.active = False
                self._breaker.failed(fill.ts_ns, fill.symbol, exc)
            self._guard.active = False

    def _end_intents(self, symbol: str) -> None:
        """Forget every last output that holds an intent for ``symbol`` (a bracket exit)."""
        last_out = self.last_out
        for k in range(len(last_out)):
            out = last_out[k]
            if isinstance(out, Intent):
                if out.symbol == symbol:
                    last_out[k] = None
            elif isinstance(out, (list, tuple)) and any(
                isinstance(i, Intent) and i.symbol == symbol for i in out
            ):
                last_out[k] = None

