"""The ledger by hand: cash, netting, flips, fees, attribution, round trips, dedup."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.types import Direction, Fill, Position, Side
from vibetrading_V2.portfolio.ledger import Ledger, StrategyPnl

_counter = iter(range(1_000_000))


def fill(
    side: Side,
    qty: float,
    price: float,
    *,
    fee: float = 0.0,
    symbol: str = "BTC",
    sid: str = "a",
    ts: int = 0,
    order: str = "",
    exec_id: str | None = None,
) -> Fill:
    return Fill(
        execution_id=exec_id or f"x{next(_counter)}",
        client_order_id=order,
        symbol=symbol,
        side=side,
        quantity=qty,
        price=price,
        fee=fee,
        ts_ns=ts,
        strategy_id=sid,
    )


def test_apply_fill_when_buy_then_cash_position_and_fees_move() -> None:
    ledger = Ledger(1000.0)
    assert ledger.apply_fill(fill(Side.BUY, 2.0, 100.0, fee=1.0)) is True
    assert ledger.cash() == pytest.approx(1000.0 - 200.0 - 1.0)
    assert ledger.position("BTC") == Position("BTC", 2.0, 100.0, 0.0)
    assert ledger.fees() == 1.0
    assert ledger.equity() == pytest.approx(999.0)


def test_apply_fill_when_same_execution_id_twice_then_second_ignored() -> None:
    ledger = Ledger(1000.0)
    first = fill(Side.BUY, 1.0, 100.0, fee=0.5, exec_id="e1")
    assert ledger.apply_fill(first) is True
    assert ledger.apply_fill(first) is False
    assert ledger.position("BTC").quantity == 1.0
    assert ledger.cash() == pytest.approx(899.5)
    assert ledger.fees() == 0.5


def test_apply_fill_when_adding_then_average_price_is_size_weighted() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0))
    ledger.apply_fill(fill(Side.BUY, 3.0, 120.0))
    assert ledger.position("BTC").average_price == pytest.approx(115.0)


def test_apply_fill_when_partial_reduce_then_realizes_on_closed_part_only() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 4.0, 100.0))
    ledger.apply_fill(fill(Side.SELL, 1.0, 110.0))
    ledger.mark("BTC", 105.0)
    pos = ledger.position("BTC")
    assert (pos.quantity, pos.average_price, pos.realized_pnl) == (3.0, 100.0, 10.0)
    assert ledger.realized_pnl() == pytest.approx(10.0)
    assert ledger.unrealized_pnl() == pytest.approx(15.0)


def test_apply_fill_when_short_covered_lower_then_profit() -> None:
    ledger = Ledger(1000.0)
    ledger.apply_fill(fill(Side.SELL, 2.0, 50.0))
    assert ledger.cash() == pytest.approx(1100.0)
    ledger.mark("BTC", 45.0)
    assert ledger.unrealized_pnl() == pytest.approx(10.0)
    assert ledger.equity() == pytest.approx(1010.0)
    ledger.apply_fill(fill(Side.BUY, 2.0, 40.0))
    assert ledger.realized_pnl() == pytest.approx(20.0)
    assert ledger.position("BTC").is_flat
    assert ledger.equity() == pytest.approx(1020.0)


def test_apply_fill_when_flip_then_old_trade_closed_and_new_opened_at_fill_price() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0, fee=1.0, ts=1))
    ledger.apply_fill(fill(Side.SELL, 3.0, 110.0, fee=3.0, ts=2))
    pos = ledger.position("BTC")
    assert (pos.quantity, pos.average_price) == (-2.0, 110.0)
    assert ledger.realized_pnl() == pytest.approx(10.0)
    [trade] = ledger.trades()
    assert trade.direction is Direction.LONG
    assert (trade.quantity, trade.entry_price, trade.exit_price) == (1.0, 100.0, 110.0)
    assert trade.fees == pytest.approx(1.0 + 1.0)  # all entry fee + 1/3 of the flip fee
    assert trade.net_pnl == pytest.approx(8.0)
    assert trade.return_pct == pytest.approx(8.0)
    assert (trade.entry_ts_ns, trade.exit_ts_ns) == (1, 2)
    ledger.apply_fill(fill(Side.BUY, 2.0, 100.0, fee=2.0, ts=3))
    short = ledger.trades()[1]
    assert short.direction is Direction.SHORT
    assert short.pnl == pytest.approx(20.0)
    assert short.fees == pytest.approx(2.0 + 2.0)
    assert short.entry_ts_ns == 2


def test_trades_when_partial_closes_of_different_orders_then_one_trade_each() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 4.0, 100.0, fee=4.0, order="o1"))
    ledger.apply_fill(fill(Side.SELL, 1.0, 110.0, fee=1.0, order="o2"))
    ledger.apply_fill(fill(Side.SELL, 3.0, 90.0, fee=3.0, order="o3"))
    first, second = ledger.trades()
    assert (first.quantity, first.pnl, first.fees) == (1.0, 10.0, 2.0)
    assert (second.quantity, second.pnl, second.fees) == (3.0, -30.0, 6.0)
    assert ledger.strategy_pnl("a").n_trades == 2


def test_trades_when_partial_fills_of_one_closing_order_then_merged() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 4.0, 100.0, order="o1", ts=1))
    ledger.apply_fill(fill(Side.SELL, 1.0, 110.0, order="o2", ts=2))
    ledger.apply_fill(fill(Side.SELL, 3.0, 90.0, order="o2", ts=3))
    [trade] = ledger.trades()
    assert trade.quantity == 4.0
    assert trade.exit_price == pytest.approx(95.0)
    assert trade.pnl == pytest.approx(-20.0)
    assert trade.exit_ts_ns == 3
    assert ledger.strategy_pnl("a").n_trades == 1


def test_strategy_pnl_when_two_strategies_then_attributed_separately() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0, fee=1.0, sid="a"))
    ledger.apply_fill(fill(Side.SELL, 1.0, 110.0, fee=1.0, sid="b"))
    ledger.mark("BTC", 120.0)
    assert ledger.position("BTC").is_flat
    assert ledger.strategy_pnl("a") == StrategyPnl(0.0, 20.0, 1.0, 0)
    assert ledger.strategy_pnl("b") == StrategyPnl(0.0, -10.0, 1.0, 0)
    assert ledger.strategy_pnl("nobody") == StrategyPnl(0.0, 0.0, 0.0, 0)
    assert ledger.strategy_ids() == ["a", "b"]
    total = ledger.realized_pnl() + ledger.unrealized_pnl() - ledger.fees()
    assert total == pytest.approx(ledger.equity() - ledger.initial_cash)
    assert ledger.strategy_position("a", "BTC").quantity == 1.0


def test_equity_when_never_marked_then_valued_at_first_fill_price() -> None:
    ledger = Ledger(1000.0)
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0))
    assert ledger.last_price("BTC") == 100.0
    ledger.apply_fill(fill(Side.BUY, 1.0, 120.0))
    assert ledger.last_price("BTC") == 100.0
    ledger.mark("BTC", 130.0)
    assert ledger.equity() == pytest.approx(1000.0 - 220.0 + 260.0)


def test_gross_notional_when_long_and_short_then_sums_absolute_values() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 2.0, 10.0, symbol="A"))
    ledger.apply_fill(fill(Side.SELL, 3.0, 20.0, symbol="B"))
    assert ledger.gross_notional() == pytest.approx(80.0)
    assert [p.symbol for p in ledger.positions()] == ["A", "B"]


def test_positions_when_closed_by_float_dust_then_flat() -> None:
    ledger = Ledger(0.0)
    ledger.apply_fill(fill(Side.BUY, 0.1, 10.0))
    ledger.apply_fill(fill(Side.BUY, 0.2, 10.0))
    ledger.apply_fill(fill(Side.SELL, 0.3, 11.0))
    assert ledger.position("BTC").quantity == 0.0
    assert ledger.positions() == []
    assert len(ledger.trades()) == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"execution_id": ""}, "execution_id"),
        ({"quantity": 0.0}, "quantity"),
        ({"quantity": -1.0}, "quantity"),
        ({"quantity": float("nan")}, "quantity"),
        ({"price": float("inf")}, "price"),
        ({"fee": float("nan")}, "fee"),
    ],
)
def test_apply_fill_when_invalid_then_execution_error_names_field(
    changes: dict[str, Any], field: str
) -> None:
    bad = replace(fill(Side.BUY, 1.0, 1.0), **changes)
    ledger = Ledger(0.0)
    with pytest.raises(ExecutionError) as info:
        ledger.apply_fill(bad)
    assert info.value.field == field
    assert ledger.cash() == 0.0


def test_mark_when_not_finite_then_value_error() -> None:
    with pytest.raises(ValueError, match="finite"):
        Ledger(0.0).mark("BTC", float("nan"))
