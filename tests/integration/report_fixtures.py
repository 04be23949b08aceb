"""A small run with every report section filled, and a reader of the report's chart data.

The summary follows the issue-10 contract (flat figures of ``summary_layout`` plus the
nested diagnostics), so the report is tested against that contract before the producers
of each entry land.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vibetrading_V2.ops.report import write_backtest_outputs

IDX = pd.date_range("2024-01-01", periods=24 * 70, freq="h", tz="UTC")


def ohlcv(symbol_seed: int, n: int = len(IDX)) -> pd.DataFrame:
    """Deterministic hourly bars of one symbol."""
    rng = np.random.default_rng(symbol_seed)
    close = 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.004, n)))
    open_ = np.concatenate([[close[0]], close[:-1]])
    spread = np.abs(rng.normal(0.0, 0.002, n)) * close
    return pd.DataFrame({
        "open": open_, "high": np.maximum(open_, close) + spread,
        "low": np.minimum(open_, close) - spread, "close": close,
        "volume": rng.integers(100, 1000, n).astype(float),
    }, index=IDX[:n])  # fmt: skip


def equity_frame(n: int = len(IDX)) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    equity = 100_000.0 * np.exp(np.cumsum(rng.normal(0.0002, 0.002, n)))
    peak = np.maximum.accumulate(np.maximum(equity, 100_000.0))
    return pd.DataFrame({
        "timestamp": IDX[:n], "equity": equity, "cash": equity, "gross_exposure": 0.0,
        "drawdown": equity / peak - 1.0,
    })  # fmt: skip


def trades_frame() -> pd.DataFrame:
    rows = [
        ("AAA", "long", 10, 40, 5.0, 101.0, 104.0, 15.0, 2.97, "signal"),
        ("AAA", "short", 50, 90, 4.0, 103.0, 105.0, -8.0, -1.94, "stop"),
        ("BBB", "long", 100, 300, 2.0, 99.0, 98.0, -2.0, -1.01, "take_profit"),
        ("BBB", "long", 400, 900, 3.0, 97.0, 101.0, 12.0, 4.12, "risk"),
        ("AAA", "long", 1500, None, 1.0, 110.0, 111.0, 1.0, 0.91, "open"),
    ]
    frame = pd.DataFrame(rows, columns=[
        "symbol", "direction", "entry", "exit", "quantity", "entry_price", "exit_price",
        "net_pnl", "return_pct", "exit_reason",
    ])  # fmt: skip
    exits = [pd.NaT if row[3] is None else IDX[row[3]] for row in rows]
    return pd.DataFrame({
        "strategy_id": "s1", "symbol": frame["symbol"], "direction": frame["direction"],
        "entry_time": IDX[[row[2] for row in rows]],
        "exit_time": pd.DatetimeIndex(exits, tz="UTC"), "quantity": frame["quantity"],
        "entry_price": frame["entry_price"], "exit_price": frame["exit_price"],
        "pnl": frame["net_pnl"] + 0.5, "fees": 0.5, "net_pnl": frame["net_pnl"],
        "return_pct": frame["return_pct"], "exit_reason": frame["exit_reason"],
        "duration_days": [(e - IDX[r[2]]) / pd.Timedelta(days=1) for e, r in zip(
            exits, rows, strict=True)],
    })  # fmt: skip


def full_summary() -> dict[str, Any]:
    """Every flat figure of the layout, the run identity and each nested diagnostic."""
    return {
        "start": "2024-01-01T00:00:00Z", "end": "2024-03-10T23:00:00Z",
        "duration_days": 69.96, "timeframe": "1h", "symbols": ["AAA", "BBB"], "bars": 3360,
        "annualisation": {"periods_per_year": 8760.0, "timeframe": "1h", "session": "24x7",
                          "basis": "1h bars, 24x7 session: 8,760 periods a year"},
        "initial_equity": 100_000.0, "final_equity": 101_234.5, "peak_equity": 102_000.0,
        "total_return_pct": 1.2345, "buy_hold_return_pct": 3.5, "annual_return_pct": 6.6,
        "annual_volatility_pct": 9.1, "cagr_pct": 6.5, "exposure_pct": 42.0, "fees": 2.5,
        "sharpe": 1.2, "sortino": 1.7, "calmar": 0.9, "max_drawdown_pct": -7.25,
        "avg_drawdown_pct": -1.1, "max_drawdown_duration_days": 20.5,
        "avg_drawdown_duration_days": 3.2, "n_trades": 4, "win_rate_pct": 50.0,
        "best_trade_pct": 4.12, "worst_trade_pct": -1.94, "avg_trade_pct": 1.04,
        "max_trade_duration_days": 20.8, "avg_trade_duration_days": 7.0,
        "profit_factor": 2.7, "expectancy_pct": 1.04, "expectancy": 4.25, "sqn": 0.8,
        "kelly": 0.2, "n_open_positions": 1, "n_orders": 9, "n_fills": 9, "n_vetoes": 7,
        "n_resizes": 2, "n_strategy_errors": 3, "n_state_changes": 2,
        "strategy_id": "s1@1.0.0", "env": "dev", "config_hash": "abc123def4567890",
        "build": "compiled", "engine_seconds": 0.5, "bars_per_second": 6720.0,
        "vetoes": {"total": 7, "by_reason": [
            {"stage": "risk", "reason": "max_drawdown_halt", "count": 5,
             "first_time": "2024-02-01T00:00:00Z", "symbol": "AAA"},
            {"stage": "strategy_gate", "reason": "warming_up", "count": 2,
             "first_time": "2024-01-01T03:00:00Z", "symbol": "BBB"}]},
        "resizes": {"total": 2, "by_reason": [
            {"stage": "sizing", "reason": "per_trade_risk_cap", "count": 2,
             "first_time": "2024-01-05T00:00:00Z", "symbol": "AAA",
             "detail": "asked 1,000, sized 10.6"}]},
        "strategy_errors": {"count": 3, "disabled": False, "disabled_time": None,
                            "first_time": "2024-01-02T00:00:00Z",
                            "first_error": "ZeroDivisionError: division by zero",
                            "first_traceback": "Traceback (most recent call last):\n"
                                               "  File \"s1.py\", line 9, in on_bar\n"
                                               "ZeroDivisionError: division by zero\n"},
        "trading_state_changes": [
            {"time": "2024-02-01T00:00:00Z", "from": "ACTIVE", "to": "HALTED",
             "reason": "drawdown 7.3 % >= 7 % limit"},
            {"time": "2024-02-15T00:00:00Z", "from": "HALTED", "to": "ACTIVE",
             "reason": "manual resume"}],
        "open_positions": [
            {"strategy_id": "s1", "symbol": "AAA", "direction": "long", "quantity": 1.0,
             "entry_time": "2024-03-04T12:00:00Z", "entry_price": 110.0, "last_price": 111.0,
             "unrealised_pnl": 1.0, "return_pct": 0.91}],
        "strategies": [
            {"strategy_id": "s1@1.0.0", "n_trades": 3, "realized_pnl": 20.0,
             "unrealized_pnl": 1.0, "fees": 2.0, "net_pnl": 19.0, "return_pct": 0.019},
            {"strategy_id": "s2@1.0.0", "n_trades": 1, "realized_pnl": -2.0,
             "unrealized_pnl": 0.0, "fees": 0.5, "net_pnl": -2.5, "return_pct": -0.0025}],
        "warnings": ["trading HALTED at 2024-02-01T00:00:00Z: drawdown 7.3 % >= 7 % limit"],
    }  # fmt: skip


def write_full_report(out: Path, **overrides: Any) -> Path:
    """Write the whole fixture run into ``out``; return the report's path."""
    kwargs: dict[str, Any] = {
        "trades": trades_frame(), "orders": pd.DataFrame(), "equity": equity_frame(),
        "summary": full_summary(), "prices": {"AAA": ohlcv(1), "BBB": ohlcv(2)},
        "title": "s1 — backtest (dev)",
    }  # fmt: skip
    kwargs.update(overrides)
    return write_backtest_outputs(out, **kwargs)["report"]


def _decoded(value: Any) -> Any:
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        raw = base64.b64decode(value["bdata"])
        return np.frombuffer(raw, dtype=np.dtype(value["dtype"])).tolist()
    if isinstance(value, dict):
        return {k: _decoded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decoded(v) for v in value]
    return value


def chart_data(html_text: str, div_id: str = "timeline") -> tuple[list[dict[str, Any]], Any]:
    """The traces (typed arrays decoded to lists) and layout plotted into ``div_id``."""
    match = re.search(r'Plotly\.newPlot\(\s*"' + re.escape(div_id) + r'",\s*', html_text)
    assert match, f"no plot into {div_id}"
    decoder = json.JSONDecoder()
    traces, end = decoder.raw_decode(html_text, match.end())
    layout, _ = decoder.raw_decode(html_text, html_text.index("{", end))
    return _decoded(traces), _decoded(layout)
