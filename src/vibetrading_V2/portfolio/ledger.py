"""The ledger: the framework's own book of cash, positions, PnL and fees, driven by fills.

The venue is the truth, but the runner needs its own book to size orders, feed the risk
gate and attribute PnL to strategies between reconciliations, and a backtest has no venue
at all. The ledger is that book: deterministic, fed only by fills (deduplicated by
``execution_id``) and marks.

Two views of the same fills are kept:

* per symbol, netted across strategies, as a venue would report it (``position``,
  ``positions``, ``gross_notional``, ``equity``);
* per (strategy, symbol), for attribution (``strategy_pnl``, ``strategy_position``,
  ``trades``, and the totals ``realized_pnl`` / ``unrealized_pnl``).

When two strategies hold opposite positions in one symbol, the venue-style symbol view
nets them (and may realise PnL the strategy view still holds as unrealised); the total
PnL is the same in both views. ``realized_pnl() + unrealized_pnl() - fees()`` always equals
``equity() - initial_cash - deposits()``. Realised PnL is gross; fees are reported apart.
A deposit (a paper account's top-up) moves cash and no PnL.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.numeric import is_finite
from vibetrading_V2.core.order_ports import PositionBook
from vibetrading_V2.core.types import Fill, Position, Side
from vibetrading_V2.portfolio.netting import NetPosition
from vibetrading_V2.portfolio.trades import RoundTrip, TradeTracker

__all__ = ["Ledger", "OpenBook", "StrategyPnl"]

OpenBook = tuple[str, str, float, float, int, float]
"""An open position of one strategy: see :meth:`Ledger.open_books`."""

_BUY: Final = Side.BUY  # module constants: enum attribute access is slow in 3.11
_SELL: Final = Side.SELL


@dataclass(slots=True, init=False, unsafe_hash=True)
class StrategyPnl:
    """PnL attributed to one strategy: realised (gross), unrealised, fees, closed trades."""

    realized: Final[float]
    unrealized: Final[float]
    fees: Final[float]
    n_trades: Final[int]

    def __init__(
        self,
        realized: float,
        unrealized: float,
        fees: float,
        n_trades: int,
    ) -> None:
        self.realized = realized
        self.unrealized = unrealized
        self.fees = fees
        self.n_trades = n_trades

    @property
    def net(self) -> float:
        """Realised plus unrealised, minus fees."""
        return self.realized + self.unrealized - self.fees


@dataclass(slots=True)
class _StrategyBook:
    position: NetPosition
    tracker: TradeTracker


class _SymbolBook:
    """One symbol's net position and its last mark, side by side (read on every intent)."""

    __slots__ = ("mark", "net")

    def __init__(self, net: NetPosition, mark: float) -> None:
        self.net = net
        self.mark = mark


class _StrategyAccount:
    """One strategy's share of the ledger: its books by symbol, fees and closed trades."""

    __slots__ = ("books", "fees", "n_trades")

    def __init__(self) -> None:
        self.books: dict[str, _StrategyBook] = {}
        self.fees = 0.0
        self.n_trades = 0


class Ledger(PositionBook):
    """Cash, net positions, realised/unrealised PnL and fees, per symbol and per strategy.

    ``apply_fill`` (or ``apply_recorded_fill``, see there) moves cash by
    ``-(signed quantity * price + fee)`` and nets the fill into the symbol's and the
    strategy's positions. ``mark`` sets the last price used for
    valuation; a symbol never marked is valued at its last fill price.
    """

    def __init__(self, initial_cash: float) -> None:
        if not is_finite(initial_cash):
            raise ValueError(f"initial_cash must be a finite number, got {initial_cash!r}")
        self._initial_cash = float(initial_cash)
        self._cash = float(initial_cash)
        self._deposits = 0.0
        self._fees = 0.0
        self._seen: set[str] = set()
        self._marks: dict[str, float] = {}
        self._symbols: dict[str, NetPosition] = {}
        # per strategy: read on every intent and fill, one look-up for all of its totals
        self._strategies: dict[str, _StrategyAccount] = {}
        self._trades: list[RoundTrip] = []
        # Read on every intent: each traded symbol's position beside its mark, in symbol
        # order (kept in step when a symbol first appears and on every mark), so valuing
        # the account needs no look-up per symbol; and the immutable ``Position`` reports,
        # built on first read and dropped when a fill moves their book.
        self._books: dict[str, _SymbolBook] = {}
        self._by_symbol: list[_SymbolBook] = []
        self._position_cache: dict[str, Position] = {}
        self._strategy_position_cache: dict[tuple[str, str], Position] = {}

    @property
    def initial_cash(self) -> float:
        return self._initial_cash

    def apply_fill(self, fill: Fill) -> bool:
        """Book ``fill``; return ``False`` (and change nothing) if its id was already seen."""
        _check_fill(fill)
        seen = self._seen
        n_seen = len(seen)
        seen.add(fill.execution_id)  # one look-up: the set grows only for a new id
        if len(seen) == n_seen:
            return False
        self._book_fill(fill)
        return True

    def apply_recorded_fill(self, fill: Fill) -> None:
        """Book ``fill``, which the caller's state store has just recorded as new.

        The store's check of the execution id is then the one deduplication (the pipeline
        records a fill before it books it); this ledger keeps no id of its own for it, a
        set of a million ids being ~40 MB. Mixing it with ``apply_fill`` on the same fills
        would book them twice.
        """
        _check_fill(fill)
        self._book_fill(fill)

    def restore_fills(self, fills: Sequence[Fill]) -> int:
        """Book a restarted run's recorded fills, in order, each execution id once; return
        how many were booked. Like ``apply_recorded_fill``, it keeps no id: the store that
        recorded them is the deduplication of the fills still to come."""
        seen: set[str] = set()
        for fill in fills:
            if fill.execution_id not in seen:
                seen.add(fill.execution_id)
                _check_fill(fill)
                self._book_fill(fill)
        return len(seen)

    def _book_fill(self, fill: Fill) -> None:
        symbol = fill.symbol
        price = fill.price
        fee = fill.fee
        side, quantity = fill.side, fill.quantity
        signed = quantity if side is _BUY else -quantity if side is _SELL else side.sign * quantity
        self._cash -= signed * price + fee
        self._fees += fee
        sid = fill.strategy_id
        account = self._strategies.get(sid)
        if account is None:
            account = self._strategies[sid] = _StrategyAccount()
        account.fees += fee
        if symbol not in self._marks:
            self._marks[symbol] = price
        net = self._symbols.get(symbol)
        if net is None:
            net = self._symbols[symbol] = NetPosition()
            self._books[symbol] = _SymbolBook(net, self._marks[symbol])
            self._by_symbol = [self._books[s] for s in sorted(self._books)]
        net.move(signed, price)
        if symbol in self._position_cache:
            del self._position_cache[symbol]
        book = account.books.get(symbol)
        if book is None:
            book = account.books[symbol] = _StrategyBook(NetPosition(), TradeTracker())
        move = book.position.move(signed, price)
        if self._strategy_position_cache:
            self._strategy_position_cache.pop((sid, symbol), None)
        trades = self._trades
        before = len(trades)
        book.tracker.record(fill, move, trades)
        account.n_trades += len(trades) - before

    def mark(self, symbol: str, price: float) -> None:
        """Set the last price of ``symbol`` used to value its position."""
        if not is_finite(price):
            raise ValueError(f"mark price of {symbol} must be finite, got {price!r}")
        mark = float(price)
        self._marks[symbol] = mark
        book = self._books.get(symbol)
        if book is not None:
            book.mark = mark

    def last_price(self, symbol: str) -> float | None:
        """The price ``symbol`` is valued at, or ``None`` if it was never marked nor filled."""
        return self._marks.get(symbol)

    def cash(self) -> float:
        return self._cash

    def deposit(self, amount: float) -> None:
        """Cash paid into the account (a paper top-up): cash, not profit."""
        if not (is_finite(amount) and amount > 0.0):
            raise ValueError(f"a deposit must be a positive finite amount, got {amount!r}")
        self._cash += amount
        self._deposits += amount

    def deposits(self) -> float:
        """The cash paid in since ``initial_cash`` (never PnL)."""
        return self._deposits

    def equity(self) -> float:
        """Cash plus every net position valued at its mark."""
        return self.valuation()[0]

    def valuation(self) -> tuple[float, float]:
        """``(equity(), gross_notional())`` from one pass over the positions: in symbol
        order, a flat symbol skipped (it would add a zero, its mark being finite)."""
        value = 0.0
        gross = 0.0
        for book in self._by_symbol:
            quantity = book.net.quantity
            if quantity != 0.0:
                notional = quantity * book.mark
                value += notional
                gross += abs(notional)
        return self._cash + value, gross

    def gross_notional(self) -> float:
        """Sum of ``|quantity| * mark`` over the net positions of every symbol."""
        return self.valuation()[1]

    def realized_pnl(self) -> float:
        """Gross realised PnL, summed over every strategy's books."""
        return sum((b.position.realized_pnl for _, b in self._sorted_books()), 0.0)

    def unrealized_pnl(self) -> float:
        """Mark-to-market PnL of every strategy's open positions."""
        return sum((b.position.unrealized(self._marks[k[1]]) for k, b in self._sorted_books()), 0.0)

    def fees(self) -> float:
        """Total fees paid (negative fees, i.e. rebates, reduce it)."""
        return self._fees

    def net_quantity(self, symbol: str) -> float:
        """``position(symbol).quantity`` without building the report."""
        net = self._symbols.get(symbol)
        return 0.0 if net is None else net.quantity

    def strategy_quantity(self, strategy_id: str, symbol: str) -> float:
        """``strategy_position(strategy_id, symbol).quantity`` without building the report."""
        book = self._book(strategy_id, symbol)
        return 0.0 if book is None else book.position.quantity

    def position(self, symbol: str) -> Position:
        """The net position in ``symbol`` across strategies (flat if never traded)."""
        cached = self._position_cache.get(symbol)
        if cached is not None:
            return cached
        net = self._symbols.get(symbol)
        if net is None:
            return Position(symbol, 0.0, 0.0, 0.0)
        report = Position(symbol, net.quantity, net.average_price, net.realized_pnl)
        self._position_cache[symbol] = report
        return report

    def positions(self) -> list[Position]:
        """Every non-flat net position, sorted by symbol."""
        return [self.position(s) for s in sorted(self._symbols) if self._symbols[s].quantity]

    def strategy_position(self, strategy_id: str, symbol: str) -> Position:
        """The position one strategy holds in ``symbol`` (flat if it never traded it)."""
        key = (strategy_id, symbol)
        cached = self._strategy_position_cache.get(key)
        if cached is not None:
            return cached
        book = self._book(strategy_id, symbol)
        if book is None:
            return Position(symbol, 0.0, 0.0, 0.0)
        net = book.position
        report = Position(symbol, net.quantity, net.average_price, net.realized_pnl)
        self._strategy_position_cache[key] = report
        return report

    def strategy_ids(self) -> list[str]:
        """Every strategy id seen in a fill, sorted."""
        return sorted(self._strategies)

    def strategy_pnl(self, strategy_id: str) -> StrategyPnl:
        """PnL attributed to ``strategy_id`` (all zeros if it never traded)."""
        books = [(k, b) for k, b in self._sorted_books() if k[0] == strategy_id]
        account = self._strategies.get(strategy_id)
        return StrategyPnl(
            realized=sum((b.position.realized_pnl for _, b in books), 0.0),
            unrealized=sum((b.position.unrealized(self._marks[k[1]]) for k, b in books), 0.0),
            fees=account.fees if account is not None else 0.0,
            n_trades=account.n_trades if account is not None else 0,
        )

    def trades(self) -> list[RoundTrip]:
        """Closed round trips in the order they were closed."""
        return list(self._trades)

    def open_books(self) -> list[OpenBook]:
        """Every strategy's open position per symbol, in (strategy, symbol) order.

        Each as ``(strategy_id, symbol, quantity, average entry price, entry time in ns,
        entry fees not yet charged to a closed trade)``; ``quantity`` is signed.
        """
        return [
            (key[0], key[1], book.position.quantity, book.position.average_price,
             book.tracker.entry_ts_ns, book.tracker.open_fees)
            for key, book in self._sorted_books()
            if book.position.quantity != 0.0
        ]

    def entry_order_id(self, strategy_id: str, symbol: str) -> str:
        """The client id of the order that opened the strategy's open position ("": none)."""
        book = self._book(strategy_id, symbol)
        return "" if book is None or book.position.quantity == 0.0 else book.tracker.entry_order_id

    def _book(self, strategy_id: str, symbol: str) -> _StrategyBook | None:
        account = self._strategies.get(strategy_id)
        return None if account is None else account.books.get(symbol)

    def _sorted_books(self) -> list[tuple[tuple[str, str], _StrategyBook]]:
        """Every book keyed ``(strategy_id, symbol)``, in key order."""
        books = [
            ((sid, symbol), book)
            for sid, account in self._strategies.items()
            for symbol, book in account.books.items()
        ]
        return sorted(books, key=lambda item: item[0])


def _check_fill(fill: Fill) -> None:
    problem: tuple[str, str] | None = None
    if not fill.execution_id:
        problem = ("execution_id", "is empty; every fill needs a unique execution id")
    elif not (is_finite(fill.quantity) and fill.quantity > 0.0):
        problem = ("quantity", f"must be a positive finite number, got {fill.quantity!r}")
    elif not is_finite(fill.price):
        problem = ("price", f"must be finite, got {fill.price!r}")
    elif not is_finite(fill.fee):
        problem = ("fee", f"must be finite, got {fill.fee!r}")
    if problem is not None:
        raise ExecutionError(
            f"fill {fill.execution_id!r} of {fill.symbol}: {problem[0]} {problem[1]}",
            field=problem[0],
            hint="the execution adapter must report fills with valid values",
        )
