"""``python -m cli.backtest`` says what it refused, resized or failed at (issue 10, 3, 4, 8).

Each case reproduces a symptom seen on main, in subprocesses started together:

* a strategy for EURUSD run on GOOG data: 0 trades, every intent vetoed, exit 0, silence;
* a strategy raising on every bar: disabled after 11 errors, exit 0, silence;
* ``--start`` after the data ends: an empty report and exit 0;
* ``stop_loss=0.01`` on EURUSD: the position shrunk 94x by the per-trade-risk cap, silently;
* a drawdown limit reached: trading REDUCING for the rest of the run, one log line.

Now each run writes its outputs and ``run.log.jsonl``, prints the veto table, the first
traceback or a warning, and exits 3 when it traded nothing useful.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.backtest_runs import ROOT, Case, Done, run_backtests

EURUSD = ROOT / "data" / "curated" / "1h" / "EURUSD.parquet"
START, END = "2017-05-01", "2017-05-22"
OUTPUTS = ("trades.csv", "orders.csv", "equity.csv", "summary.json", "report.html",
           "run.log.jsonl")
STALE_LINE = '{"event": "left by an earlier run"}\n'

RAISING = '''"""Raises on every bar."""
from __future__ import annotations

from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Params, StrategyBundle, StrategyMeta


class Raising(Strategy):
    def __init__(self, params: Params) -> None:
        self.warmup_bars = 0

    def on_bar(self, bar: BarView) -> StrategyOutput:
        return self.ratio(bar.close)

    def ratio(self, close: float) -> StrategyOutput:
        raise ZeroDivisionError(f"no ratio for {close}")


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(name="raising", version="1.0.0", universe=("EURUSD",),
                          timeframe="1h", required_fields=("close",)),
        build=Raising,
    )
'''


def _strategy_with_fractional_stop(base: Path) -> Path:
    text = (ROOT / "strategies" / "my_strategy_a.py").read_text(encoding="utf-8")
    long_intent = 'Intent.long(SYMBOL, rationale=("sma_fast_above_slow",))'
    assert long_intent in text
    path = base / "stop_fraction.py"
    path.write_text(text.replace(long_intent, "Intent.long(SYMBOL, stop_loss=0.01)")
                    .replace('name="my_strategy_a"', 'name="stop_fraction"'), encoding="utf-8")
    return path


def _goog_catalog(base: Path) -> Path:
    """GOOG-like hourly bars (EURUSD's, scaled): data the EURUSD strategy has no symbol in."""
    frame = pd.read_parquet(EURUSD)
    for column in ("open", "high", "low", "close"):
        frame[column] = frame[column] * 1_000.0
    (base / "catalog" / "1h").mkdir(parents=True)
    frame.to_parquet(base / "catalog" / "1h" / "GOOG.parquet", index=False)
    return base / "catalog"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    base = tmp_path_factory.mktemp("diag")
    raising = base / "raising.py"
    raising.write_text(RAISING, encoding="utf-8")
    narrow = ["--start", START, "--end", END]
    cases = {
        "goog": Case(["--data", str(_goog_catalog(base)), "--symbols", "GOOG", *narrow]),
        "raising": Case(["--strategy", str(raising), *narrow]),
        "after_end": Case(["--start", "2030-01-01"]),
        "stop_fraction": Case(["--strategy", str(_strategy_with_fractional_stop(base)), *narrow]),
        "drawdown": Case(narrow, {"VT_POLICIES__RISK__MAX_DRAWDOWN": "0.005"}),
    }
    for name in cases:  # a log left by an earlier run must be replaced, not appended to
        (base / name).mkdir()
        (base / name / "run.log.jsonl").write_text(STALE_LINE, encoding="utf-8")
    return run_backtests(base, cases)


def test_backtest_when_strategy_symbol_has_no_data_then_veto_table_and_exit_3(
    runs: dict[str, Done],
) -> None:
    done = runs["goog"]
    assert done.returncode == 3, done.stderr
    assert "Vetoed intents" in done.said and "no_valid_price" in done.said
    assert "every intent was vetoed" in done.said
    assert "no bars of EURUSD (it holds GOOG)" in done.said
    assert "nothing traded: every intent was vetoed" in done.said
    summary = done.summary()
    [row] = summary["vetoes"]["by_reason"]
    assert (row["stage"], row["reason"], row["symbol"]) == (
        "strategy_gate", "no_valid_price", "EURUSD")
    assert row["count"] == summary["vetoes"]["total"] == summary["n_vetoes"] > 0
    assert row["first_time"].endswith("Z")
    assert summary["n_orders"] == 0
    for name in OUTPUTS:
        assert (done.out / name).stat().st_size > 0, name


def test_backtest_when_strategy_raises_every_bar_then_first_traceback_and_exit_3(
    runs: dict[str, Done],
) -> None:
    done = runs["raising"]
    assert done.returncode == 3, done.stderr
    assert "strategy errors: 11 (disabled at" in done.said
    assert "Traceback (most recent call last)" in done.said
    assert 'raising.py", line 16, in ratio' in done.said
    assert "nothing traded: the strategy was disabled after 11 errors" in done.said
    errors = done.summary()["strategy_errors"]
    assert errors["count"] == 11 and errors["disabled"] is True
    assert errors["first_error"].startswith("ZeroDivisionError: no ratio for")
    assert errors["first_traceback"].endswith(errors["first_error"])


def test_backtest_when_start_is_after_the_data_then_outputs_written_and_exit_3(
    runs: dict[str, Done],
) -> None:
    done = runs["after_end"]
    assert done.returncode == 3, done.stderr
    assert "nothing traded: the run saw no bars" in done.said
    assert done.summary()["bars"] == 0
    assert (done.out / "report.html").exists()


def test_backtest_when_stop_loss_is_a_fraction_then_the_resize_is_reported(
    runs: dict[str, Done],
) -> None:
    done = runs["stop_fraction"]
    assert done.returncode == 0, done.stderr
    summary = done.summary()
    [row] = summary["resizes"]["by_reason"]
    assert (row["stage"], row["reason"]) == ("sizing", "per_trade_risk_cap")
    assert row["count"] == summary["n_resizes"] > 0
    assert "x smaller" in row["detail"]
    assert "Resized intents" in done.said and "sizing shrank" in done.said
    assert "stop_loss is a price, not a fraction" in done.said


def test_backtest_when_drawdown_limit_is_hit_then_the_state_change_is_warned_and_summarised(
    runs: dict[str, Done],
) -> None:
    done = runs["drawdown"]
    assert done.returncode == 0, done.stderr
    summary = done.summary()
    change = summary["trading_state_changes"][0]
    assert (change["from"], change["to"]) == ("active", "reducing")
    assert change["reason"].startswith("max_drawdown: drawdown")
    assert summary["n_state_changes"] == len(summary["trading_state_changes"])
    assert f"trading REDUCING at {change['time']}" in done.said
    assert "saw no new positions" in done.said


def test_backtest_when_run_then_its_log_is_fresh_in_the_out_dir_with_one_run_id(
    runs: dict[str, Done],
) -> None:
    ids = set()
    for done in runs.values():
        lines = (done.out / "run.log.jsonl").read_text(encoding="utf-8").splitlines()
        assert STALE_LINE.strip() not in lines  # written afresh, not appended
        records = [json.loads(line) for line in lines]
        assert records and records[-1]["event"] == "run_finished"
        run_ids = {r["run_id"] for r in records}
        assert len(run_ids) == 1
        ids |= run_ids
    assert len(ids) == len(runs)  # every run its own id
