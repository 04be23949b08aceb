"""write_backtest_outputs: exact CSV/JSON on a tiny run, byte-stable HTML, empty inputs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.integration.report_fixtures import chart_data
from vibetrading_V2.ops.report import write_backtest_outputs
from vibetrading_V2.ops.report_html import SECTION_IDS, TIMELINE_DIV_ID

IDX = pd.date_range("2024-01-01", periods=4, freq="h", tz="UTC")


def _equity() -> pd.DataFrame:
    return pd.DataFrame({
        "timestamp": IDX,
        "equity": [10000.0, 10050.5, 9990.25, 10100.0],
        "cash": [10000.0, 5000.0, 5000.0, 10100.0],
        "gross_exposure": [0.0, 0.5025, 0.4995, 0.0],
        "drawdown": [0.0, 0.0, -0.1 / 1.0050, 0.0],
    })  # fmt: skip


def _trades() -> pd.DataFrame:
    return pd.DataFrame({
        "strategy_id": ["sma"], "symbol": ["BTCUSDT"], "direction": ["long"],
        "entry_time": [IDX[1]], "exit_time": [IDX[3]], "quantity": [0.1],
        "entry_price": [50000.0], "exit_price": [51000.0], "pnl": [100.0], "fees": [0.3],
        "net_pnl": [99.7], "return_pct": [0.02], "exit_reason": ["take_profit"],
        "duration_days": [2 / 24],
    })  # fmt: skip


def _orders() -> pd.DataFrame:
    return pd.DataFrame({
        "client_order_id": ["sma-BTCUSDT-1", "sma-BTCUSDT-2"], "strategy_id": ["sma", "sma"],
        "symbol": ["BTCUSDT"] * 2, "side": ["buy", "sell"], "order_type": ["market", "limit"],
        "quantity": [0.1, 0.1], "limit_price": [None, 51000.0], "stop_price": [None, None],
        "status": ["filled", "filled"], "filled_quantity": [0.1, 0.1],
        "average_price": [50000.0, 51000.0], "reason": [None, "take, profit"],
        "created_time": ["2024-01-01T01:00:00Z", "2024-01-01T02:00:00Z"],
    })  # fmt: skip


def _prices() -> dict[str, pd.DataFrame]:
    return {"BTCUSDT": pd.DataFrame({"close": [49900.0, 50000.0, 50500.0, 51000.0]}, index=IDX)}


SUMMARY = {
    "total_return": 0.01,
    "sharpe": 1.234567890123,
    "max_drawdown": -0.1 / 1.0050,
    "profit_factor": float("inf"),
    "trades": 1,
    "avg_hold": None,
    "per_strategy": {"sma": {"net_pnl": 99.7}},
    "engine_seconds": 0.0123,
    "bars_per_second": 325.2,
}


def _write(out: Path, **overrides: object) -> dict[str, Path]:
    kwargs: dict[str, object] = {
        "trades": _trades(), "orders": _orders(), "equity": _equity(),
        "summary": SUMMARY, "prices": _prices(), "title": "sma on BTCUSDT",
    }  # fmt: skip
    kwargs.update(overrides)
    return write_backtest_outputs(out, **kwargs)  # type: ignore[arg-type]


def test_report_when_written_then_all_files_exist_under_out_dir(tmp_path: Path) -> None:
    paths = _write(tmp_path / "run")
    assert sorted(paths) == ["equity", "orders", "report", "summary", "trades"]
    assert {p.name for p in paths.values()} == {
        "trades.csv", "orders.csv", "equity.csv", "summary.json", "report.html",
    }
    assert all(p.parent == tmp_path / "run" and p.is_file() for p in paths.values())


def test_report_csvs_when_tiny_run_then_exact_content(tmp_path: Path) -> None:
    paths = _write(tmp_path)
    assert paths["trades"].read_bytes().decode() == (
        "strategy_id,symbol,direction,entry_time,exit_time,quantity,entry_price,exit_price,"
        "pnl,fees,net_pnl,return_pct,exit_reason,duration_days\n"
        "sma,BTCUSDT,long,2024-01-01T01:00:00Z,2024-01-01T03:00:00Z,0.1,50000,51000,100,"
        "0.3,99.7,0.02,take_profit,0.0833333333333333\n"
    )
    assert paths["orders"].read_bytes().decode() == (
        "client_order_id,strategy_id,symbol,side,order_type,quantity,limit_price,stop_price,"
        "status,filled_quantity,average_price,reason,created_time\n"
        "sma-BTCUSDT-1,sma,BTCUSDT,buy,market,0.1,,,filled,0.1,50000,,2024-01-01T01:00:00Z\n"
        'sma-BTCUSDT-2,sma,BTCUSDT,sell,limit,0.1,51000,,filled,0.1,51000,"take, profit",'
        "2024-01-01T02:00:00Z\n"
    )
    assert paths["equity"].read_bytes().decode() == (
        "timestamp,equity,cash,gross_exposure,drawdown\n"
        "2024-01-01T00:00:00Z,10000,10000,0,0\n"
        "2024-01-01T01:00:00Z,10050.5,5000,0.5025,0\n"
        "2024-01-01T02:00:00Z,9990.25,5000,0.4995,-0.0995024875621891\n"
        "2024-01-01T03:00:00Z,10100,10100,0,0\n"
    )


def test_report_summary_json_when_written_then_sorted_rounded_and_newline(
    tmp_path: Path,
) -> None:
    text = _write(tmp_path)["summary"].read_text(encoding="utf-8")
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2) + "\n"
    assert json.loads(text) == {
        "avg_hold": None,
        "bars_per_second": 325.2,
        "engine_seconds": 0.0123,
        "max_drawdown": -0.09950248756,
        "per_strategy": {"sma": {"net_pnl": 99.7}},
        "profit_factor": "Infinity",
        "sharpe": 1.23456789,
        "total_return": 0.01,
        "trades": 1,
    }


def test_report_html_when_written_twice_with_other_timings_then_byte_identical(
    tmp_path: Path,
) -> None:
    first = _write(tmp_path / "a")["report"].read_bytes()
    other = dict(SUMMARY, engine_seconds=99.0, bars_per_second=1.0)
    second = _write(tmp_path / "b", summary=other)["report"].read_bytes()
    assert first == second
    text = first.decode("utf-8")
    assert f'id="{TIMELINE_DIV_ID}"' in text
    assert all(f'id="{section}"' in text for section in SECTION_IDS)
    assert "engine_seconds" not in text
    assert "<script src=" not in text and "* plotly.js (finance - minified) v" in text
    assert '<td>Sharpe ratio</td><td class="value">1.235</td>' in text  # grouped, 3 decimals
    assert '<td>total_return</td><td class="value">0.01</td>' in text  # unlisted: "Other"
    assert '"name":"BTCUSDT long entries"' in text and '"name":"BTCUSDT exits"' in text


def test_report_when_trades_and_orders_empty_then_header_only_csvs_and_html(
    tmp_path: Path,
) -> None:
    paths = _write(tmp_path, trades=pd.DataFrame(), orders=pd.DataFrame())
    assert paths["trades"].read_text().count("\n") == 1
    assert paths["orders"].read_text().startswith("client_order_id,strategy_id,")
    text = paths["report"].read_text()
    assert f'id="{TIMELINE_DIV_ID}"' in text and "BTCUSDT close" in text
    assert '<section id="trades-section">' in text and "none — no trades" in text


def test_report_when_everything_empty_then_still_writes(tmp_path: Path) -> None:
    paths = _write(
        tmp_path, trades=pd.DataFrame(), orders=pd.DataFrame(), equity=pd.DataFrame(),
        prices={}, summary={},
    )  # fmt: skip
    assert paths["equity"].read_text() == "timestamp,equity,cash,gross_exposure,drawdown\n"
    assert paths["summary"].read_text() == "{}\n"
    text = paths["report"].read_text()
    assert f'id="{TIMELINE_DIV_ID}"' in text
    assert "none — the summary is empty" in text and "none — no equity rows" in text


def test_report_when_long_price_series_then_line_downsampled_markers_exact(
    tmp_path: Path,
) -> None:
    idx = pd.date_range("2024-01-01", periods=50_000, freq="min", tz="UTC")
    close = 100.0 + np.sin(np.arange(len(idx)) / 500.0)
    trades = _trades().assign(entry_time=[idx[123]], exit_time=[idx[40_001]],
                              entry_price=[100.123456789], exit_price=[99.5])
    text = _write(
        tmp_path, trades=trades, prices={"BTCUSDT": pd.DataFrame({"close": close}, index=idx)}
    )["report"].read_text()
    assert "of 50,000 points shown, min/max kept" in text
    traces, _ = chart_data(text)
    markers = {t["name"]: t for t in traces if t.get("mode") == "markers"}
    assert markers["BTCUSDT long entries"]["x"] == [idx[123].value / 1e6]  # exact, never thinned
    assert markers["BTCUSDT exits"]["x"] == [idx[40_001].value / 1e6]
    assert markers["BTCUSDT long entries"]["y"] == [100.123456789]


def test_report_when_trades_frame_lacks_columns_then_value_error_names_them(
    tmp_path: Path,
) -> None:
    with pytest.raises(ValueError, match=r"trades frame lacks column.*net_pnl"):
        _write(tmp_path, trades=_trades().drop(columns=["net_pnl"]))


def test_report_when_naive_times_then_value_error(tmp_path: Path) -> None:
    naive = _equity().assign(timestamp=IDX.tz_localize(None))
    with pytest.raises(ValueError, match="without a time zone"):
        _write(tmp_path, equity=naive)


def test_report_when_extra_columns_then_written_after_schema_columns(tmp_path: Path) -> None:
    trades = _trades()
    trades.insert(0, "trade_id", [7])
    header = _write(tmp_path, trades=trades)["trades"].read_text().splitlines()[0]
    assert header.endswith(",return_pct,trade_id,exit_reason,duration_days")


def test_report_when_the_run_kept_merged_candles_then_spans_multiply_and_hold_waits_for_closes(
    tmp_path: Path,
) -> None:
    idx = pd.date_range("2024-01-01", periods=2_000, freq="4min", tz="UTC")
    close = 100.0 + np.arange(len(idx), dtype=np.float64)
    kept = pd.DataFrame({"open": close, "high": close + 1.0, "low": close - 1.0,
                         "close": close, "volume": np.ones(len(idx)),
                         "close_time": idx + pd.Timedelta(minutes=3)}, index=idx)
    kept.attrs["bars_per_candle"] = 4
    equity = pd.DataFrame({"timestamp": idx[:3], "equity": [1.0e4] * 3, "cash": [1.0e4] * 3,
                           "gross_exposure": [0.0] * 3, "drawdown": [0.0] * 3})

    text = _write(tmp_path, prices={"BTCUSDT": kept}, equity=equity)["report"].read_text()

    assert "BTCUSDT: 1,000 candles, 8 bars per candle" in text
    traces, _ = chart_data(text)
    hold = next(t for t in traces if t["name"].startswith("buy & hold"))
    # the first candle closed 3 minutes after it opened: until then nothing is held
    assert hold["y"] == [1.0e4, 1.0e4 * 100.0 / 100.0, 1.0e4 * 101.0 / 100.0]
