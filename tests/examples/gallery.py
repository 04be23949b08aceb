"""The gallery's runs through the real ``python -m cli.backtest``, and how a trade is read.

Every example strategy runs once per test session on its data: the bundled EUR/USD for
the single-symbol ones, the synthetic basket of ``examples/data`` for the basket.
"""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from tests.integration.backtest_runs import ROOT, Case

__all__ = [
    "BASKET_CSV",
    "EXAMPLES",
    "GALLERY_CASES",
    "NEXT_BAR_CASES",
    "TRADE_COLUMNS",
    "trade_rows",
    "trades_digest",
]

EXAMPLES = ROOT / "examples" / "strategies"
BASKET_CSV = ROOT / "examples" / "data" / "basket_1d.csv"
# the columns a pin covers: a column added to trades.csv later does not move a pin
TRADE_COLUMNS = ("strategy_id", "symbol", "direction", "entry_time", "exit_time", "quantity",
                 "entry_price", "exit_price", "pnl", "fees", "net_pnl", "exit_reason")
GALLERY_CASES = {
    "sma_cross": Case(["--strategy", str(EXAMPLES / "sma_cross.py")]),
    "rsi_reversion": Case(["--strategy", str(EXAMPLES / "rsi_reversion.py")]),
    "bollinger_breakout": Case(["--strategy", str(EXAMPLES / "bollinger_breakout.py")]),
    "sma_reversal": Case(["--strategy", str(EXAMPLES / "sma_reversal.py")]),
    "macd_basket": Case(["--strategy", str(EXAMPLES / "macd_basket.py"),
                         "--data", str(BASKET_CSV)]),
    "donchian_atr_stop": Case(["--strategy", str(EXAMPLES / "donchian_atr_stop.py")]),
}  # fmt: skip
# the same strategy under the other bracket arming rule (the cost model's option)
NEXT_BAR_CASES = {
    "donchian_atr_stop@next_bar": Case(["--strategy", str(EXAMPLES / "donchian_atr_stop.py")],
                                       env={"VT_EXECUTION__BRACKET_ARMING": "next_bar"}),
}


def trade_rows(out: Path) -> list[dict[str, str]]:
    """The rows of ``out/trades.csv`` as the text the run wrote, column by column."""
    with (out / "trades.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def trades_digest(out: Path) -> str:
    """sha256 of the pinned columns of every trade, as written (no float re-parsing)."""
    lines = (",".join(row[column] for column in TRADE_COLUMNS) for row in trade_rows(out))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
