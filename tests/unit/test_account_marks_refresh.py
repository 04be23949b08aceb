"""``AccountMarks.refresh``: re-reading only the filled symbols equals a full re-read."""

from __future__ import annotations

import random

from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.marks import AccountMarks

SYMBOLS = [f"S{k}" for k in range(7)]


def test_refresh_when_only_filled_symbols_reread_then_bit_identical_to_full_reread() -> None:
    rng = random.Random(11)
    ledger = Ledger(1_000_000.0)
    partial, full = AccountMarks(ledger), AccountMarks(ledger)
    for marks in (partial, full):
        for symbol in SYMBOLS:
            marks.add(symbol)
    for k in range(300):
        code = rng.randrange(len(SYMBOLS))
        symbol = SYMBOLS[code]
        price = rng.uniform(50.0, 150.0) / 3.0
        for marks in (partial, full):
            marks.select(code)
            marks.marks[code].close = price
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        ledger.apply_fill(Fill(f"e{k}", f"c{k}", symbol, side, rng.uniform(0.1, 3.0) / 7.0,
                               price, 0.01, k))
        partial.refresh([symbol])
        full.refresh()
        assert [m.qty for m in partial.marks] == [m.qty for m in full.marks]
        assert (partial.market_value, partial.cash, partial.held) == (
            full.market_value, full.cash, full.held)


def test_refresh_when_filled_symbol_unknown_then_full_reread() -> None:
    ledger = Ledger(1_000.0)
    marks = AccountMarks(ledger)
    marks.add("A")
    ledger.apply_fill(Fill("e", "c", "A", Side.BUY, 2.0, 10.0, 0.0, 1))
    marks.refresh(["Z"])
    assert [m.qty for m in marks.marks] == [2.0]
