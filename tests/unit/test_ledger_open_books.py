"""The ledger's open books: what is still held at the end, when it opened, its entry fees."""

from __future__ import annotations

import pytest

from tests.unit.test_ledger import fill
from vibetrading_V2.core.types import Side
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.open_positions import open_positions


def test_open_books_when_partly_closed_then_the_rest_keeps_its_entry_time_and_fee_share() -> None:
    ledger = Ledger(10_000.0)
    ledger.apply_fill(fill(Side.BUY, 10.0, 100.0, fee=1.0, ts=1, order="e"))
    ledger.apply_fill(fill(Side.SELL, 4.0, 110.0, fee=1.0, ts=2, order="x-sl"))

    ((sid, symbol, quantity, price, entry_ts, fees),) = ledger.open_books()
    assert (sid, symbol, quantity, price, entry_ts) == ("a", "BTC", 6.0, 100.0, 1)
    assert fees == pytest.approx(0.6)  # 6 of the 10 bought still carry their entry fee
    assert [t.exit_reason for t in ledger.trades()] == ["stop"]


def test_open_books_when_flipped_then_the_short_opened_at_the_flip() -> None:
    ledger = Ledger(10_000.0)
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0, ts=1, order="e"))
    ledger.apply_fill(fill(Side.SELL, 3.0, 90.0, fee=3.0, ts=5, order="f"))

    ((_, _, quantity, price, entry_ts, fees),) = ledger.open_books()
    assert (quantity, price, entry_ts) == (-2.0, 90.0, 5)
    assert fees == pytest.approx(2.0)  # the flip's fee split 1 closing : 2 opening
    (held,) = open_positions(ledger.open_books(), {"BTC": (9, 80.0)})
    assert (str(held.direction), held.quantity, held.unrealised_pnl) == ("short", 2.0, 20.0)
    assert held.net_pnl == pytest.approx(18.0)
    assert held.summary_row()["entry_time"] == "1970-01-01T00:00:00.000000005Z"


def test_open_books_when_flat_or_never_traded_then_empty() -> None:
    ledger = Ledger(10_000.0)
    assert ledger.open_books() == []
    ledger.apply_fill(fill(Side.BUY, 1.0, 100.0))
    ledger.apply_fill(fill(Side.SELL, 1.0, 101.0))
    assert ledger.open_books() == []
