"""Every gallery trade's signal bars, read in its trades.csv against the bars of its data.

A market order decided at a bar's close fills at the next bar's open: a trade's
``entry_signal_time`` is the bar before its ``entry_time`` (a signal exit's likewise), and
a stop or target, placed when the entry filled, carries the entry's bar.
"""

from __future__ import annotations

from itertools import pairwise

import pandas as pd
import pytest

from tests.examples.gallery import BASKET_CSV, GALLERY_CASES, NEXT_BAR_CASES, trade_rows
from tests.integration.backtest_runs import ROOT, Done

EURUSD = ROOT / "data" / "curated" / "1h" / "EURUSD.parquet"


def _bar_before(name: str) -> dict[tuple[str, str], str]:
    """``(symbol, bar time) -> the time of the symbol's bar before it``, as trades.csv writes."""
    if name == "macd_basket":
        bars = pd.read_csv(BASKET_CSV)
        bars["timestamp"] = pd.to_datetime(bars["timestamp"], utc=True)
    else:
        bars = pd.read_parquet(EURUSD).assign(symbol="EURUSD")
    before: dict[tuple[str, str], str] = {}
    for symbol, rows in bars.groupby("symbol"):
        text = rows["timestamp"].sort_values().dt.strftime("%Y-%m-%dT%H:%M:%SZ").tolist()
        before.update({(str(symbol), t): prev for prev, t in pairwise(text)})
    return before


@pytest.mark.parametrize("name", sorted(GALLERY_CASES | NEXT_BAR_CASES))
def test_gallery_trades_when_read_then_signal_bars_are_the_bars_that_decided_them(
    gallery_runs: dict[str, Done], name: str
) -> None:
    done = gallery_runs[name]
    assert done.returncode == 0, done.stderr
    before = _bar_before(name)
    rows = trade_rows(done.out)
    assert rows
    for row in rows:
        symbol, reason = row["symbol"], row["exit_reason"]
        assert row["entry_signal_time"] == before[symbol, row["entry_time"]], row
        if reason == "signal":
            assert row["exit_signal_time"] == before[symbol, row["exit_time"]], row
        elif reason in ("stop", "take_profit"):  # placed when the entry filled
            assert row["exit_signal_time"] == row["entry_time"], row
        else:
            assert (reason, row["exit_signal_time"]) == ("open", ""), row


def test_donchian_when_stopped_out_then_the_signal_bar_is_not_the_bar_before_the_exit(
    gallery_runs: dict[str, Done],
) -> None:
    before = _bar_before("donchian_atr_stop")
    rows = trade_rows(gallery_runs["donchian_atr_stop"].out)
    stops = [r for r in rows if r["exit_reason"] == "stop"]
    assert stops  # the stop rule above is exercised on real data
    assert any(r["exit_signal_time"] != before["EURUSD", r["exit_time"]] for r in stops)
