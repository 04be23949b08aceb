"""Invariants of the ledger over arbitrary fill sequences (hypothesis)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.ledger import Ledger

SYMBOLS = ("A", "B")
STRATEGIES = ("s1", "s2", "s3")

# (symbol, strategy, side, quantity, price, fee, order id)
_step = st.tuples(
    st.sampled_from(SYMBOLS),
    st.sampled_from(STRATEGIES),
    st.sampled_from((Side.BUY, Side.SELL)),
    st.sampled_from((0.5, 1.0, 1.5, 2.0, 3.0)),
    st.floats(min_value=1.0, max_value=200.0, allow_nan=False),
    st.floats(min_value=-0.5, max_value=2.0, allow_nan=False),
    st.sampled_from(("", "o1", "o2")),
)
steps = st.lists(_step, max_size=40)


def _fills(raw: list[tuple[str, str, Side, float, float, float, str]]) -> list[Fill]:
    return [
        Fill(f"e{i}", order, sym, side, qty, price, fee, i, strategy_id=sid)
        for i, (sym, sid, side, qty, price, fee, order) in enumerate(raw)
    ]


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=100, deadline=None, database=None)
@given(steps)
def test_ledger_when_every_fill_at_mark_then_equity_plus_fees_is_constant(
    raw: list[tuple[str, str, Side, float, float, float, str]],
) -> None:
    ledger = Ledger(10_000.0)
    for f in _fills(raw):
        ledger.mark(f.symbol, f.price)
        before = ledger.equity() + ledger.fees()
        ledger.apply_fill(f)
        assert _close(ledger.equity() + ledger.fees(), before)


@settings(max_examples=100, deadline=None, database=None)
@given(steps, st.floats(min_value=1.0, max_value=200.0), st.floats(min_value=1.0, max_value=200.0))
def test_ledger_when_any_fills_then_pnl_identities_hold(
    raw: list[tuple[str, str, Side, float, float, float, str]], mark_a: float, mark_b: float
) -> None:
    ledger = Ledger(10_000.0)
    fills = _fills(raw)
    for f in fills:
        ledger.apply_fill(f)
    ledger.mark("A", mark_a)
    ledger.mark("B", mark_b)

    # value: equity - initial == realised + unrealised - fees == sum of fill value changes
    pnl = ledger.realized_pnl() + ledger.unrealized_pnl() - ledger.fees()
    assert _close(ledger.equity() - ledger.initial_cash, pnl)
    marks = {"A": mark_a, "B": mark_b}
    by_fill = sum(f.side.sign * f.quantity * (marks[f.symbol] - f.price) - f.fee for f in fills)
    assert _close(pnl, by_fill)

    # attribution adds up
    parts = [ledger.strategy_pnl(s) for s in STRATEGIES]
    assert _close(sum(p.realized for p in parts), ledger.realized_pnl())
    assert _close(sum(p.unrealized for p in parts), ledger.unrealized_pnl())
    assert _close(sum(p.fees for p in parts), ledger.fees())
    assert sum(p.n_trades for p in parts) == len(ledger.trades())

    # positions are the signed sums of fill quantities, per symbol and per strategy
    for sym in SYMBOLS:
        signed = sum(f.side.sign * f.quantity for f in fills if f.symbol == sym)
        assert _close(ledger.position(sym).quantity, signed)
        for sid in STRATEGIES:
            own = sum(
                f.side.sign * f.quantity for f in fills if f.symbol == sym and f.strategy_id == sid
            )
            assert _close(ledger.strategy_position(sid, sym).quantity, own)


@settings(max_examples=100, deadline=None, database=None)
@given(steps)
def test_ledger_when_flat_at_end_then_trade_net_pnl_equals_realized_minus_fees(
    raw: list[tuple[str, str, Side, float, float, float, str]],
) -> None:
    fills = _fills(raw)
    ledger = Ledger(10_000.0)
    for f in fills:
        ledger.apply_fill(f)
    # flatten every strategy book with fee-bearing closing fills
    n = len(fills)
    for sid in STRATEGIES:
        for sym in SYMBOLS:
            qty = ledger.strategy_position(sid, sym).quantity
            if qty:
                side = Side.SELL if qty > 0 else Side.BUY
                ledger.apply_fill(Fill(f"c{n}", "", sym, side, abs(qty), 50.0, 0.25, n, sid))
                n += 1
    assert ledger.positions() == []
    trades = ledger.trades()
    assert _close(sum(t.net_pnl for t in trades), ledger.realized_pnl() - ledger.fees())
    assert _close(sum(t.pnl for t in trades), ledger.realized_pnl())
    assert _close(ledger.unrealized_pnl(), 0.0)
    for t in trades:
        assert t.quantity > 0.0
        assert t.entry_ts_ns <= t.exit_ts_ns
        assert _close(t.net_pnl, t.pnl - t.fees)


@settings(max_examples=50, deadline=None, database=None)
@given(steps)
def test_ledger_when_replayed_with_duplicates_then_identical_to_single_pass(
    raw: list[tuple[str, str, Side, float, float, float, str]],
) -> None:
    fills = _fills(raw)
    once, twice = Ledger(1_000.0), Ledger(1_000.0)
    for f in fills:
        once.apply_fill(f)
    for f in fills:
        assert twice.apply_fill(f) is True
        assert twice.apply_fill(f) is False
    assert twice.trades() == once.trades()
    assert twice.positions() == once.positions()
    assert (twice.cash(), twice.fees(), twice.realized_pnl()) == (
        once.cash(),
        once.fees(),
        once.realized_pnl(),
    )


@settings(max_examples=50, deadline=None, database=None)
@given(steps)
def test_ledger_when_fills_booked_as_recorded_then_identical_to_apply_fill(
    raw: list[tuple[str, str, Side, float, float, float, str]],
) -> None:
    fills = _fills(raw)
    checked, recorded = Ledger(1_000.0), Ledger(1_000.0)
    for f in fills:
        checked.apply_fill(f)
        recorded.apply_recorded_fill(f)
    assert recorded.trades() == checked.trades()
    assert recorded.positions() == checked.positions()
    assert [recorded.strategy_pnl(s) for s in STRATEGIES] == [
        checked.strategy_pnl(s) for s in STRATEGIES
    ]
    assert (recorded.cash(), recorded.fees(), recorded.realized_pnl()) == (
        checked.cash(),
        checked.fees(),
        checked.realized_pnl(),
    )


_marks = st.lists(
    st.tuples(st.sampled_from(("A", "B", "C")), st.floats(min_value=-50.0, max_value=300.0)),
    max_size=10,
)


@settings(max_examples=100, deadline=None, database=None)
@given(steps, _marks)
def test_ledger_when_marked_and_filled_then_equity_and_gross_are_the_symbol_order_sums(
    raw: list[tuple[str, str, Side, float, float, float, str]],
    marks: list[tuple[str, float]],
) -> None:
    ledger = Ledger(10_000.0)
    fills = _fills(raw)
    for k, f in enumerate(fills):  # marks before, between and after fills
        for symbol, price in marks[k % 3::3] if k < 3 else ():
            ledger.mark(symbol, price)
        ledger.apply_fill(f)
    for symbol, price in marks:
        ledger.mark(symbol, price)
    traded = sorted({f.symbol for f in fills})
    value, gross = 0.0, 0.0
    for symbol in traded:  # every traded symbol, flat ones too, in symbol order
        quantity = ledger.net_quantity(symbol)
        price = ledger.last_price(symbol)
        assert price is not None
        value += quantity * price
        gross += abs(quantity * price)
    assert ledger.equity().hex() == (ledger.cash() + value).hex()  # to the bit
    assert ledger.gross_notional().hex() == gross.hex()
