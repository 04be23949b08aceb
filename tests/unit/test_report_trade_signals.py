"""The report's trades table shows each trade's signal bars beside its entry and exit times."""

from __future__ import annotations

import re

import pandas as pd

from vibetrading_V2.ops.report_tables import trades_table

HOURS = pd.date_range("2024-01-01", periods=6, freq="h", tz="UTC")


def _trades(*, with_signals: bool) -> pd.DataFrame:
    frame = pd.DataFrame({
        "strategy_id": "s1", "symbol": ["AAA", "BBB"], "direction": ["long", "short"],
        "entry_time": HOURS[[1, 2]], "exit_time": pd.DatetimeIndex([HOURS[4], pd.NaT]),
        "quantity": [1.0, 2.0], "entry_price": [100.0, 50.0], "exit_price": [101.0, 49.0],
        "pnl": [1.0, 2.0], "fees": [0.0, 0.0], "net_pnl": [1.0, 2.0],
        "return_pct": [1.0, 2.0], "exit_reason": ["stop", "open"],
    })  # fmt: skip
    if with_signals:
        frame["entry_signal_time"] = HOURS[[0, 1]]
        frame["exit_signal_time"] = pd.DatetimeIndex([HOURS[1], pd.NaT])
    return frame


def _cells(table: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    return [re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row) for row in rows]


def test_trades_table_when_signal_times_given_then_each_shows_before_its_fill_time() -> None:
    head, first, second = _cells(trades_table(_trades(with_signals=True)))

    assert head[3:9] == ["Entry signal", "Entry time", "Entry price", "Exit signal",
                         "Exit time", "Exit price"]
    assert first[3:9] == ["2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", "100",
                          "2024-01-01T01:00:00Z", "2024-01-01T04:00:00Z", "101"]
    assert (second[6], second[7]) == ("-", "-")  # still open: no exit, no exit signal


def test_trades_table_when_an_older_trades_csv_lacks_signal_times_then_shows_dashes() -> None:
    _, first, _ = _cells(trades_table(_trades(with_signals=False)))

    assert (first[3], first[6]) == ("-", "-")
    assert first[4] == "2024-01-01T01:00:00Z"
