"""The usual mistakes and habits of a new user, through the real ``python -m cli.backtest``.

Issue 10, items 6 and 7 and the CLI section: an output path that cannot be written is
refused before the backtest runs, without a traceback; ``--end`` includes the bar stamped
at it; ``--start`` after ``--end`` is said in the flags' terms; the project's config is
found from any directory; ``--param`` and ``VT_STRATEGY__PARAMS__*`` override parameters
alike; ``--json`` prints ``summary.json``. The commands start together to save time.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.integration.backtest_runs import Case, Done, run_backtests

WINDOW = ["--start", "2017-05-01", "--end", "2017-05-12"]
LAST_BAR = "2017-04-27T15:00:00Z"  # a bar of data/curated/1h/EURUSD.parquet


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    base = tmp_path_factory.mktemp("usage")
    a_file = base / "a_file"
    a_file.write_text("keep me\n", encoding="utf-8")
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    cases = {
        "out_is_file": Case(["--out", str(a_file), *WINDOW]),
        "out_under_file": Case(["--out", str(a_file / "sub"), *WINDOW]),
        "end_inclusive": Case(["--start", "2017-04-25T13:00:00Z", "--end", LAST_BAR]),
        "start_after_end": Case(["--start", "2013-01-01", "--end", "2012-06-30"]),
        "empty_end": Case(["--end", ""]),
        "from_elsewhere": Case(["--out", "rel_out", *WINDOW], cwd=elsewhere),
        "bad_config_dir": Case(WINDOW, {"VT_CONFIG_DIR": str(elsewhere)}),
        "default_params": Case(WINDOW),
        "param_flag": Case(["--param", "fast=20", *WINDOW]),
        "param_env": Case(WINDOW, {"VT_STRATEGY__PARAMS__FAST": "20"}),
        "param_out_of_range": Case(["--param", "fast=500", *WINDOW]),
        "json": Case(["--json", *WINDOW]),
    }
    return run_backtests(base, cases)


def _refused(done: Done, *phrases: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Backtest summary" not in done.stdout  # refused before any backtest output
    for phrase in phrases:
        assert phrase in done.stderr, done.stderr


def test_backtest_when_out_names_an_existing_file_then_exit_2_before_running(
    runs: dict[str, Done],
) -> None:
    done = runs["out_is_file"]
    _refused(done, "ConfigError", "--out names an existing file", str(done.out), "fix:")
    assert done.out.read_text(encoding="utf-8") == "keep me\n"


def test_backtest_when_out_is_below_a_file_then_exit_2_naming_the_file(
    runs: dict[str, Done],
) -> None:
    _refused(runs["out_under_file"], "--out cannot be created", "is a file")


def test_backtest_when_end_is_a_bar_time_then_that_bar_is_included(
    runs: dict[str, Done],
) -> None:
    done = runs["end_inclusive"]
    assert done.returncode == 0, done.stderr
    equity = pd.read_csv(done.out / "equity.csv", parse_dates=["timestamp"])
    assert equity["timestamp"].max() == pd.Timestamp(LAST_BAR)
    assert len(equity) == 51  # bars 100..150 of the file, both ends included


def test_backtest_when_start_after_end_then_exit_2_in_the_flags_terms(
    runs: dict[str, Done],
) -> None:
    done = runs["start_after_end"]
    _refused(done, "--start 2013-01-01 is after --end 2012-06-30")
    assert "start_ns" not in done.stderr


def test_backtest_when_end_is_empty_then_exit_2_instead_of_an_unbounded_run(
    runs: dict[str, Done],
) -> None:
    _refused(runs["empty_end"], "--end '' names no time")


def test_backtest_when_run_from_another_directory_then_project_config_is_found(
    runs: dict[str, Done],
) -> None:
    done = runs["from_elsewhere"]
    assert done.returncode == 0, done.stderr
    assert (done.out / "summary.json").is_file()  # --out relative to where it was typed


def test_backtest_when_config_dir_variable_holds_no_base_yaml_then_exit_2_naming_it(
    runs: dict[str, Done],
) -> None:
    _refused(runs["bad_config_dir"], "VT_CONFIG_DIR", "holds no base.yaml")


def test_backtest_when_param_flag_or_variable_sets_fast_then_both_run_with_it(
    runs: dict[str, Done],
) -> None:
    flag, variable, default = runs["param_flag"], runs["param_env"], runs["default_params"]
    for done in (flag, variable, default):
        assert done.returncode == 0, done.stderr
    trades = {name: (done.out / "trades.csv").read_bytes()
              for name, done in (("flag", flag), ("variable", variable), ("default", default))}
    assert trades["flag"] == trades["variable"] != trades["default"]


def test_backtest_when_param_out_of_range_then_exit_2_naming_value_and_range(
    runs: dict[str, Done],
) -> None:
    _refused(runs["param_out_of_range"], "'fast'", "500", "[2, 200]")


def test_backtest_when_json_then_stdout_is_summary_json(runs: dict[str, Done]) -> None:
    done = runs["json"]
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads((done.out / "summary.json").read_text())


def test_backtest_when_run_then_grouped_summary_table_on_stdout(runs: dict[str, Done]) -> None:
    stdout = runs["default_params"].stdout
    assert "Backtest summary" in stdout
    assert stdout.index("Period") < stdout.index("Returns") < stdout.index("report:")
