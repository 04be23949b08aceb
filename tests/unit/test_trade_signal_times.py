"""Issue 12 item 7: each trade's signal bars, the bars its entry and exit orders were made at.

A market order sent at bar t's close fills at bar t+1's open: the trade's time is t+1, its
signal time t. An exit no close decided (a stop hit) carries the bar its order was made at.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pandas as pd
import pytest

from tests.unit.engine_helpers import HOUR, INITIAL_CASH, T0, Scripted, bars, make_rig, merge
from tests.unit.test_ledger import fill
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Direction, Intent, Order, OrderRequest, OrderStatus, Side
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.trades import RoundTrip
from vibetrading_V2.runner.record_tables import signal_times, trade_table
from vibetrading_V2.runner.results import BacktestResults, build_results
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

CLOSES = [100.0, 101.0, 102.0, 103.0, 104.0, 105.0]
OPENS = [c - 0.5 for c in CLOSES]
# a long stopped at 95 on bar 5 (low 93); moved to 97, on bar 4 (low 96)
STOP_CLOSES = [100.0, 100.0, 100.0, 100.0, 96.0, 93.0, 92.0]
STOP_OPENS = [100.0, 100.0, 100.0, 100.0, 100.0, 96.0, 93.0]


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _results(
    decide: Callable[[BarView], StrategyOutput],
    guard: RuntimeGuard,
    batch: BarBatch,
    universe: tuple[str, ...] = ("AAA",),
) -> BacktestResults:
    rig = make_rig(Scripted(decide), guard, universe=universe)
    run = rig.run(batch)
    return build_results(
        run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH, periods_per_year=8760.0
    )


def _ns(column: pd.Series) -> list[int | None]:
    """A time column as nanoseconds, ``None`` where empty."""
    return [None if pd.isna(t) else int(t.value) for t in column]


def _bar(i: int) -> int:
    return T0 + i * HOUR


def test_trades_when_entry_and_exit_fill_at_the_next_open_then_signal_bars_are_one_before(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        return Intent.flat("AAA") if bar.index >= 2 else Intent.long("AAA", quantity=1.0)

    trades = _results(decide, guard, bars("AAA", CLOSES, opens=OPENS)).trades

    # long decided at bar 0's close, bought at bar 1's open; flat decided at bar 2, sold at 3
    assert _ns(trades["entry_time"]) == [_bar(1)]
    assert _ns(trades["entry_signal_time"]) == [_bar(0)]
    assert _ns(trades["exit_time"]) == [_bar(3)]
    assert _ns(trades["exit_signal_time"]) == [_bar(2)]


def test_trades_when_signal_times_read_then_they_are_the_orders_created_times(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        return Intent.long("AAA", quantity=1.0) if bar.index % 2 == 0 else Intent.flat("AAA")

    results = _results(decide, guard, bars("AAA", CLOSES, opens=OPENS))

    orders = results.orders
    created = sorted(_ns(orders["created_time"][orders["status"] == "filled"]))
    trades = results.trades
    signals = [*_ns(trades["entry_signal_time"]), *_ns(trades["exit_signal_time"])]
    assert sorted(s for s in signals if s is not None) == created
    assert len(trades) == 3 and trades["exit_reason"].tolist()[-1] == "open"


def test_trades_when_the_stop_is_hit_then_exit_signal_is_the_bar_the_stop_was_placed_at(
    guard: RuntimeGuard,
) -> None:
    go = Intent.long("AAA", quantity=10.0, stop_loss=95.0)
    trades = _results(lambda bar: go, guard, bars("AAA", STOP_CLOSES, opens=STOP_OPENS)).trades

    # the stop leg is placed when the entry fills (bar 1) and hit on bar 5: no close decided it
    assert trades["exit_reason"].tolist() == ["stop"]
    assert _ns(trades["entry_signal_time"]) == [_bar(0)]
    assert _ns(trades["exit_time"]) == [_bar(5)]
    assert _ns(trades["exit_signal_time"]) == [_bar(1)]


def test_trades_when_the_stop_was_moved_then_exit_signal_stays_the_bar_it_was_placed_at(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        stop = 97.0 if bar.index >= 3 else 95.0  # moved at bar 3's close: an amend
        return Intent.long("AAA", quantity=10.0, stop_loss=stop)

    results = _results(decide, guard, bars("AAA", STOP_CLOSES, opens=STOP_OPENS))

    trades = results.trades
    assert (trades["exit_reason"].tolist(), trades["exit_price"].tolist()) == (["stop"], [97.0])
    assert _ns(trades["exit_time"]) == [_bar(4)]
    assert _ns(trades["exit_signal_time"]) == [_bar(1)]  # an amend creates no order
    assert len(results.orders) == 2  # the entry and its one stop leg


def test_trades_when_two_symbols_then_each_trade_has_its_own_symbols_signal_bars(
    guard: RuntimeGuard,
) -> None:
    enter = {"AAA": 0, "BBB": 2}  # the bar each symbol goes long at; flat two bars later

    def decide(bar: BarView) -> StrategyOutput:
        first = enter[bar.symbol]
        if first <= bar.index < first + 2:
            return Intent.long(bar.symbol, quantity=1.0)
        return Intent.flat(bar.symbol)

    batch = merge(bars("AAA", CLOSES, opens=OPENS), bars("BBB", [50.0] * 6))
    trades = _results(decide, guard, batch, universe=("AAA", "BBB")).trades

    by_symbol = {row["symbol"]: row for _, row in trades.iterrows()}
    assert set(by_symbol) == {"AAA", "BBB"}
    for symbol, first in enter.items():
        row = by_symbol[symbol]
        assert (row["entry_signal_time"].value, row["entry_time"].value) == (
            _bar(first), _bar(first + 1))
        assert (row["exit_signal_time"].value, row["exit_time"].value) == (
            _bar(first + 2), _bar(first + 3))


def test_trades_when_flipped_then_the_flip_order_is_the_exit_and_the_next_entry_signal(
    guard: RuntimeGuard,
) -> None:
    def decide(bar: BarView) -> StrategyOutput:
        if bar.index < 2:
            return Intent.long("AAA", quantity=1.0)
        return Intent.short("AAA", quantity=1.0)

    trades = _results(decide, guard, bars("AAA", CLOSES, opens=OPENS)).trades

    assert trades["exit_reason"].tolist() == ["signal", "open"]
    assert _ns(trades["entry_signal_time"]) == [_bar(0), _bar(2)]
    assert _ns(trades["exit_signal_time"]) == [_bar(2), None]  # still open: no exit yet


def _trip(entry_order: str, exit_order: str) -> RoundTrip:
    return RoundTrip("a", "BTC", Direction.LONG, 10, 20, 1.0, 100.0, 101.0, 1.0, 0.0, 1.0, 1.0,
                     entry_order_id=entry_order, exit_order_id=exit_order)


def _order(client_order_id: str, created_ns: int) -> Order:
    request = OrderRequest(client_order_id, "BTC", Side.BUY, 1.0, created_ns=created_ns)
    return Order(request, OrderStatus.FILLED, 1.0, 100.0)


def test_signal_times_when_orders_given_then_only_the_trades_orders_are_kept() -> None:
    orders = [_order("e", 5), _order("x", 15), _order("other", 7)]

    assert signal_times(orders, [_trip("e", "x"), _trip("", "gone")]) == {"e": 5, "x": 15}


def test_trade_table_when_an_order_is_unknown_then_its_signal_time_is_empty() -> None:
    frame = trade_table([_trip("e", "gone")], created_ns={"e": 5}).frame()

    assert _ns(frame["entry_signal_time"]) == [5]
    assert _ns(frame["exit_signal_time"]) == [None]


def test_round_trip_when_closed_in_parts_of_one_order_then_one_trade_keeps_both_order_ids() -> None:
    ledger = Ledger(10_000.0)
    ledger.apply_fill(fill(Side.BUY, 2.0, 100.0, ts=1, order="e"))
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0, ts=2, order="add"))  # adding keeps "e"
    ledger.apply_fill(fill(Side.SELL, 1.0, 101.0, ts=3, order="x"))
    ledger.apply_fill(fill(Side.SELL, 1.0, 102.0, ts=4, order="x"))

    (trade,) = ledger.trades()
    assert (trade.entry_order_id, trade.exit_order_id, trade.quantity) == ("e", "x", 2.0)
    assert ledger.entry_order_id("a", "BTC") == "e"
    ledger.apply_fill(fill(Side.SELL, 1.0, 102.0, ts=5, order="y"))
    assert ledger.entry_order_id("a", "BTC") == ""  # flat: no open position
