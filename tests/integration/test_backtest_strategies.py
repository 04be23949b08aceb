"""``python -m cli.backtest --strategy A --strategy B``: two strategies on one account.

Each keeps its own parameters and PnL; the strategies' nets add up to the account's to
the cent, in ``summary.json`` and on every row of ``strategy_equity.csv``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from tests.integration.backtest_runs import Case, Done, run_backtests
from tests.integration.strategy_files import write_sma

INITIAL_CASH = 100_000.0


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    base = tmp_path_factory.mktemp("strategies")
    short = write_sma(base / "strategies", "sma_short", side="short", fast=5, slow=20)
    # the same long strategy under its own name: its PnL must be the one-strategy run's
    long = write_sma(base / "strategies", "sma_long")
    return run_backtests(base, {
        "two": Case(["--strategy", str(long), "--strategy", str(short),
                     "--param", "sma_short.fast=8", "--json"]),
        "long": Case(["--strategy", str(long)]),
        "ambiguous": Case(["--strategy", str(long), "--strategy", str(short),
                           "--param", "fast=8"]),
    })  # fmt: skip


def _rows(done: Done) -> dict[str, dict[str, Any]]:
    return {row["strategy_id"]: row for row in done.summary()["strategies"]}


def test_backtest_when_two_strategies_then_each_has_its_pnl_and_they_sum_to_the_account(
    runs: dict[str, Done],
) -> None:
    done = runs["two"]
    assert done.returncode == 0, done.stderr
    rows = _rows(done)
    assert set(rows) == {"sma_long@1.0.0", "sma_short@1.0.0"}
    assert all(row["n_trades"] > 0 for row in rows.values())
    account = done.summary()["final_equity"] - INITIAL_CASH
    assert abs(sum(row["net_pnl"] for row in rows.values()) - account) < 0.005
    trades = pd.read_csv(done.out / "trades.csv")
    assert set(trades["strategy_id"]) == set(rows)
    assert done.summary()["strategy_id"] == "sma_long@1.0.0, sma_short@1.0.0"


def test_backtest_when_two_strategies_then_strategy_equity_sums_to_equity_on_every_row(
    runs: dict[str, Done],
) -> None:
    done = runs["two"]
    series = pd.read_csv(done.out / "strategy_equity.csv")
    equity = pd.read_csv(done.out / "equity.csv")
    assert list(series.columns) == ["timestamp", "sma_long@1.0.0", "sma_short@1.0.0"]
    assert series["timestamp"].equals(equity["timestamp"])
    total = series["sma_long@1.0.0"] + series["sma_short@1.0.0"]
    assert (total - (equity["equity"] - INITIAL_CASH)).abs().max() < 0.005
    last = _rows(done)
    for sid in last:
        assert abs(series[sid].iloc[-1] - last[sid]["net_pnl"]) < 0.005
    report = (done.out / "report.html").read_text(encoding="utf-8")
    assert "sma_short@1.0.0" in report.split('id="per-strategy-section"', 1)[1]


def test_backtest_when_one_strategy_then_no_strategy_equity_file(runs: dict[str, Done]) -> None:
    done = runs["long"]
    assert done.returncode == 0, done.stderr
    assert not (done.out / "strategy_equity.csv").exists()
    (row,) = done.summary()["strategies"]
    assert abs(row["net_pnl"] - (done.summary()["final_equity"] - INITIAL_CASH)) < 0.005
    # beside a second strategy, the long one traded and earned exactly what it did alone
    beside = _rows(runs["two"])["sma_long@1.0.0"]
    assert (beside["n_trades"], round(beside["net_pnl"], 6)) == (
        row["n_trades"], round(row["net_pnl"], 6))


def test_backtest_when_two_strategies_and_a_bare_param_then_exit_2_with_the_fix(
    runs: dict[str, Done],
) -> None:
    done = runs["ambiguous"]
    assert done.returncode == 2
    assert "--param sma_long.fast=8" in done.said
