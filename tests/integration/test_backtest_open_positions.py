"""Issue 10 item 5 through the real command: a position still open at the end is reported.

Before: an always-long run showed 0 trades, an empty trades.csv and win rate "-".
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ALWAYS_LONG = '''"""Long EURUSD from the first bar to the last: never exits."""
from __future__ import annotations

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Params, StrategyBundle, StrategyMeta


class AlwaysLong(Strategy):
    def __init__(self, params: Params) -> None:
        self.go = Intent.long("EURUSD")

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.go


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(
            name="always_long", version="1.0.0", universe=("EURUSD",), timeframe="1h",
            required_fields=("close",), session="24x5",
        ),
        build=AlwaysLong,
    )
'''


@pytest.fixture(scope="module")
def always_long(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("always_long")
    strategy = base / "always_long.py"
    strategy.write_text(ALWAYS_LONG, encoding="utf-8")
    out = base / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("VT_")}
    done = subprocess.run(
        [sys.executable, "-m", "cli.backtest", "--env", "dev", "--strategy", str(strategy),
         "--symbols", "EURUSD", "--start", "2017-05-01", "--end", "2017-05-15",
         "--out", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return out


def test_backtest_when_always_long_then_trades_csv_has_one_open_row_with_unrealised_pnl(
    always_long: Path,
) -> None:
    with (always_long / "trades.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1
    row = rows[0]
    assert (row["exit_reason"], row["direction"], row["exit_time"]) == ("open", "long", "")
    pnl = float(row["pnl"])
    expected = float(row["quantity"]) * (float(row["exit_price"]) - float(row["entry_price"]))
    assert pnl == pytest.approx(expected)
    assert float(row["net_pnl"]) == pytest.approx(pnl - float(row["fees"]))
    with (always_long / "equity.csv").open(encoding="utf-8", newline="") as handle:
        last = list(csv.DictReader(handle))[-1]
    assert float(last["equity"]) == pytest.approx(100_000.0 + float(row["net_pnl"]))


def test_backtest_when_always_long_then_summary_lists_the_open_position(
    always_long: Path,
) -> None:
    summary = json.loads((always_long / "summary.json").read_text(encoding="utf-8"))
    assert summary["n_trades"] == 0 and summary["win_rate_pct"] is None  # closed trades only
    assert summary["n_open_positions"] == 1
    (held,) = summary["open_positions"]
    assert (held["symbol"], held["direction"]) == ("EURUSD", "long")
    assert held["unrealised_pnl"] == pytest.approx(
        held["quantity"] * (held["last_price"] - held["entry_price"]), rel=1e-9
    )
    assert summary["exposure_pct"] > 90.0
