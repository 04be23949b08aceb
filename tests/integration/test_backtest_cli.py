"""``python -m cli.backtest`` end to end, in subprocesses started together to save time.

Every run gets its own output and log directory under ``tmp_path``; ``VT_*`` variables of
the calling shell are dropped so only what a test sets reaches the command. The successful
run is narrowed to two weeks so the HTML report stays quick; the whole history is run
twice by ``tests/replay/test_determinism.py``.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.integration.backtest_runs import ROOT, Case, Done, run_backtests

EURUSD = ROOT / "data" / "curated" / "1h" / "EURUSD.parquet"
SUMMARY_KEYS = {
    "final_equity", "total_return_pct", "n_trades", "win_rate_pct", "profit_factor", "sharpe",
    "sortino", "max_drawdown_pct", "exposure_pct", "fees", "bars", "engine_seconds",
    "bars_per_second",
}
OUTPUTS = ("trades.csv", "orders.csv", "equity.csv", "summary.json", "report.html")
START, END = "2017-05-01", "2017-05-15"
FORBIDDEN_STRATEGY = '''"""Loads fine as Python, but imports os."""
from __future__ import annotations

import os

from strategies.my_strategy_a import get_bundle  # never reached: the scan refuses first

print(os.getcwd(), get_bundle)
'''


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    """Start every command at once (they are independent), then wait for all of them."""
    base = tmp_path_factory.mktemp("cli")
    strategy_file = base / "uses_os.py"
    strategy_file.write_text(FORBIDDEN_STRATEGY, encoding="utf-8")
    empty = base / "empty_catalog"
    empty.mkdir()
    cases = {
        "narrow": Case(["--symbols", "EURUSD", "--start", START, "--end", END]),
        "forbidden": Case(["--strategy", str(strategy_file)]),
        "empty_data": Case(["--data", str(empty)]),
        "typo_env": Case([], {"VT_POLICIES__RISK__MAX_LEVRAGE": "2"}),
    }
    return run_backtests(base, cases, timeout=120)


def test_backtest_cli_when_dev_env_then_writes_every_output(runs: dict[str, Done]) -> None:
    done = runs["narrow"]
    assert done.returncode == 0, done.stderr
    for name in OUTPUTS:
        assert (done.out / name).stat().st_size > 0, name
    assert f"report: {done.out / 'report.html'}" in done.stdout
    assert "<html" in (done.out / "report.html").read_text(encoding="utf-8").lower()


def test_backtest_cli_when_dev_env_then_summary_has_the_headline_keys(
    runs: dict[str, Done],
) -> None:
    done = runs["narrow"]
    summary = json.loads((done.out / "summary.json").read_text(encoding="utf-8"))
    assert summary.keys() >= SUMMARY_KEYS
    assert summary["env"] == "dev" and summary["strategy_id"] == "my_strategy_a@1.0.0"
    trades = pd.read_csv(done.out / "trades.csv")
    assert summary["n_trades"] + summary["n_open_positions"] == len(trades) > 0
    equity = pd.read_csv(done.out / "equity.csv")
    assert len(equity) == summary["bars"]
    assert equity["equity"].iloc[-1] == pytest.approx(summary["final_equity"])


def test_backtest_cli_when_symbols_start_end_given_then_the_run_is_narrowed(
    runs: dict[str, Done],
) -> None:
    done = runs["narrow"]
    assert done.returncode == 0, done.stderr
    summary = json.loads((done.out / "summary.json").read_text(encoding="utf-8"))
    stamps = pd.read_parquet(EURUSD, columns=["timestamp"])["timestamp"]
    after_end = pd.Timestamp(END, tz="UTC") + pd.Timedelta(days=1)  # --end DATE: all that day
    inside = (stamps >= pd.Timestamp(START, tz="UTC")) & (stamps < after_end)
    assert 0 < summary["bars"] == int(inside.sum()) < len(stamps)
    assert summary["symbols"] == ["EURUSD"]
    equity = pd.read_csv(done.out / "equity.csv", parse_dates=["timestamp"])
    assert equity["timestamp"].min() >= pd.Timestamp(START, tz="UTC")
    assert equity["timestamp"].max() < after_end


def test_backtest_cli_when_strategy_imports_os_then_exit_2_forbidden_import(
    runs: dict[str, Done],
) -> None:
    done = runs["forbidden"]
    assert done.returncode == 2
    assert "ForbiddenImportError" in done.stderr
    assert "line 4: os" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (done.out / "summary.json").exists()


def test_backtest_cli_when_data_dir_is_empty_then_exit_2_data_validation_error(
    runs: dict[str, Done],
) -> None:
    done = runs["empty_data"]
    assert done.returncode == 2
    assert "DataValidationError" in done.stderr
    assert "EURUSD" in done.stderr
    assert "Traceback" not in done.stderr


def test_backtest_cli_when_a_nested_vt_env_key_is_misspelt_then_exit_2_config_error(
    runs: dict[str, Done],
) -> None:
    # pydantic-settings hands VT_POLICIES__RISK__* to the nested RiskPolicy, whose
    # extra="forbid" refuses the unknown key (a misspelt top-level section is another
    # matter: see tests/integration/test_settings.py)
    done = runs["typo_env"]
    assert done.returncode == 2
    assert "ConfigError" in done.stderr
    assert "max_levrage" in done.stderr and "max_leverage" in done.stderr
    assert "Traceback" not in done.stderr
