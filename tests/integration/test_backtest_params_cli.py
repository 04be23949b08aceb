"""``python -m cli.backtest --param ...`` on a strategy whose meta takes its universe and
timeframe from parameters: the flags change the run, a bad value stops it with the fix, and
one file runs as two labelled slots with their own parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.integration.backtest_runs import Case, Done, run_backtests

SOURCE = '''"""Breakout above the previous n-bar high, on whichever symbols the run gives it."""

from __future__ import annotations

import pandas as pd

from vibetrading_V2.core.types import Intent
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta


class Breakout(Strategy):
    def __init__(self, params: Params) -> None:
        self.n = self.warmup_bars = int(params.lookback)
        size = float(params.quantity)
        self.go_long = {{s: Intent.long(s, quantity=size) for s in params.universe}}
        self.go_flat = {{s: Intent.flat(s) for s in params.universe}}

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({{"top": frame["high"].rolling(self.n).max()}}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        above = bar.close > bar.prev("top")
        return (self.go_long if above else self.go_flat)[bar.symbol]


def get_bundle() -> StrategyBundle:
    return StrategyBundle(
        meta=StrategyMeta(name="breakout", version="1.0.0",
                          universe=Param({universe!r}, doc="symbols traded"),
                          timeframe=Param("1h", choices=("1h", "4h")),
                          required_fields=("high", "close"),
                          params={{"lookback": Param(20, low=2, high=500),
                                  "quantity": Param(1000.0, low=1.0)}}),
        build=Breakout,
    )
'''


def _write(directory: Path, name: str, universe: tuple[str, ...]) -> str:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.py"
    path.write_text(SOURCE.format(universe=universe), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    base = tmp_path_factory.mktemp("params")
    eur = _write(base / "strategies", "breakout", ("EURUSD",))
    elsewhere = _write(base / "strategies", "breakout_gbp", ("GBPUSD",))  # not in the data
    return run_backtests(base, {
        "default": Case(["--strategy", eur, "--json"]),
        "longer": Case(["--strategy", eur, "--param", "lookback=60", "--json"]),
        "symbols": Case(["--strategy", elsewhere, "--symbols", "EURUSD", "--json"]),
        "bad": Case(["--strategy", eur, "--param", "timeframe=2h"]),
        "two": Case(["--strategy", f"short={eur}", "--strategy", f"long={eur}",
                     "--param", "short.lookback=20", "--param", "long.lookback=60", "--json"]),
    })  # fmt: skip


def _trades(done: Done) -> dict[str, Any]:
    assert done.returncode == 0, done.stderr
    return {row["strategy_id"]: row["n_trades"] for row in done.summary()["strategies"]}


def test_backtest_when_param_given_then_the_run_changes(runs: dict[str, Done]) -> None:
    default, longer = _trades(runs["default"]), _trades(runs["longer"])

    assert set(default) == set(longer) == {"breakout@1.0.0"}
    assert default["breakout@1.0.0"] > longer["breakout@1.0.0"] > 0


def test_backtest_when_symbols_given_then_they_are_the_tunable_universe(
    runs: dict[str, Done],
) -> None:
    # the file's own universe (GBPUSD) has no data; --symbols EURUSD trades the default run
    assert list(_trades(runs["symbols"]).values()) == list(_trades(runs["default"]).values())


def test_backtest_when_param_value_not_allowed_then_exit_2_naming_param_file_and_fix(
    runs: dict[str, Done],
) -> None:
    done = runs["bad"]

    assert done.returncode == 2
    assert "ConfigError" in done.said and "'timeframe' must be one of" in done.said
    assert "breakout.py" in done.said and "fix:" in done.said
    assert "Traceback" not in done.stderr


def test_backtest_when_one_file_in_two_labelled_slots_then_each_runs_its_own_params(
    runs: dict[str, Done],
) -> None:
    two = _trades(runs["two"])

    assert two == {"breakout#short@1.0.0": _trades(runs["default"])["breakout@1.0.0"],
                   "breakout#long@1.0.0": _trades(runs["longer"])["breakout@1.0.0"]}
