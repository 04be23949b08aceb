"""Backtest outputs on disk: trades, orders and equity CSVs, ``summary.json`` and an HTML report.

The same inputs always give byte-identical files, so replay tests can compare runs and a
trader can diff two reports. ``write_backtest_outputs`` writes them all; a command that
frees the run's records before the report calls its two halves, ``write_tables`` (from the
records) and then ``write_report`` (from the small frames the report draws).

Input frames (one row per item; extra columns are kept, written after these):

``equity``   timestamp (ISO UTC text or datetime64[UTC]), equity, cash, gross_exposure,
             drawdown (fraction below the running equity peak, plotted as given: the
             portfolio writes it as ``equity / peak - 1``, so it is <= 0)
``trades``   strategy_id, symbol, direction ("long"/"short"), entry_time, exit_time
             (empty while open), quantity, entry_price, exit_price, pnl, fees, net_pnl,
             return_pct; a run's frame adds ``TRADE_RUN_COLUMNS`` right after them:
             exit_reason (signal, stop, take_profit, risk, or open: still held, valued at
             the last close), duration_days, entry_signal_time and exit_signal_time (the
             bar times the entry and exit orders were created at; empty when not known)
``orders``   client_order_id, strategy_id, symbol, side, order_type, quantity, limit_price,
             stop_price, status, filled_quantity, average_price, reason, created_time
``prices``   per symbol: a frame indexed by a UTC ``DatetimeIndex`` with a ``close`` column
             (``open``/``high``/``low``/``volume`` optional: drawn as candles and volume)

A frame with no rows may lack columns (it is written as a header line). A frame with rows
that lacks a listed column, or a time column without a time zone, raises ``ValueError``.

Files written to ``out_dir`` (created if missing):

``trades.csv``, ``orders.csv``, ``equity.csv``  header line, ``\\n`` line ends, listed
    columns first, floats as ``%.15g`` (every decimal of up to 15 significant digits
    round-trips exactly), missing values empty, times ISO-8601 UTC ending in ``Z``; the
    exact rules are in ``vibetrading_V2.ops.csv_writer``
``strategy_equity.csv``  only for a run of several strategies: timestamp, then one column
    per strategy id holding its net PnL (realised + unrealised - fees) since the start, in
    account currency; per timestamp, the columns sum to ``equity - initial cash``
``summary.json``  sorted keys, 2-space indent, floats rounded to 10 significant digits,
    None as null, NaN/inf as the strings "NaN"/"Infinity"/"-Infinity", final newline
``report.html``   self-contained (plotly.js inline, works offline), the summary minus
    ``timing_keys``: cards, grouped metrics, linked equity / drawdown / candle charts with
    the trades marked (at most ``MAX_TRADE_MARKERS`` a symbol: then the largest wins and
    losses, said in the chart's title), monthly returns, trade and diagnostic tables; the
    layout is in ``vibetrading_V2.ops.report_html``
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from vibetrading_V2.ops.csv_writer import Rows, conform_frame, write_csv
from vibetrading_V2.ops.formatting import json_safe
from vibetrading_V2.ops.report_html import render_report_html

__all__ = [
    "EQUITY_COLUMNS",
    "ORDER_COLUMNS",
    "TRADE_COLUMNS",
    "TRADE_RUN_COLUMNS",
    "write_backtest_outputs",
    "write_report",
    "write_summary_json",
    "write_tables",
]

EQUITY_COLUMNS = ("timestamp", "equity", "cash", "gross_exposure", "drawdown")
TRADE_COLUMNS = (
    "strategy_id", "symbol", "direction", "entry_time", "exit_time", "quantity",
    "entry_price", "exit_price", "pnl", "fees", "net_pnl", "return_pct",
)  # fmt: skip
TRADE_RUN_COLUMNS = ("exit_reason", "duration_days", "entry_signal_time", "exit_signal_time")
"""Written after ``TRADE_COLUMNS`` by every run; optional, so older trade tables still load."""
ORDER_COLUMNS = (
    "client_order_id", "strategy_id", "symbol", "side", "order_type", "quantity",
    "limit_price", "stop_price", "status", "filled_quantity", "average_price", "reason",
    "created_time",
)  # fmt: skip
DEFAULT_TIMING_KEYS = ("engine_seconds", "bars_per_second")


def write_summary_json(path: Path, summary: Mapping[str, object]) -> Path:
    """Write ``summary`` as sorted, indented JSON with 10-significant-digit floats."""
    text = json.dumps(
        json_safe(summary), sort_keys=True, indent=2, allow_nan=False, ensure_ascii=False
    )
    path.write_text(text + "\n", encoding="utf-8", newline="\n")
    return path


def write_backtest_outputs(
    out_dir: Path,
    *,
    trades: Rows,
    orders: Rows,
    equity: pd.DataFrame,
    summary: Mapping[str, object],
    prices: Mapping[str, pd.DataFrame],
    title: str,
    timing_keys: Sequence[str] = DEFAULT_TIMING_KEYS,
    strategy_equity: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write every backtest output into ``out_dir`` and return their paths.

    Keys of the result: ``trades``, ``orders``, ``equity``, ``summary``, ``report``, and
    ``strategy_equity`` when that frame is given (a run of several strategies).
    ``summary.json`` keeps every key; the HTML leaves out ``timing_keys`` (wall-clock
    measurements) so it is byte-identical between runs on the same inputs. The same as
    ``write_tables`` then ``write_report``.
    """
    paths = write_tables(out_dir, trades=trades, orders=orders, equity=equity,
                         summary=summary, strategy_equity=strategy_equity)
    paths["report"] = write_report(
        out_dir, title=title, summary=summary, equity=equity, trades=_whole(trades),
        prices=prices, timing_keys=timing_keys, strategy_equity=strategy_equity,
    )
    return paths


def write_tables(
    out_dir: Path,
    *,
    trades: Rows,
    orders: Rows,
    equity: pd.DataFrame,
    summary: Mapping[str, object],
    strategy_equity: pd.DataFrame | None = None,
) -> dict[str, Path]:
    """Write the CSVs and ``summary.json`` into ``out_dir`` (made if missing); their paths.

    ``trades`` and ``orders`` may be ``FrameChunks`` (a run's records): they are then
    written a chunk at a time, never held as one frame.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {
        "trades": write_csv(out_dir / "trades.csv", "trades", trades, TRADE_COLUMNS),
        "orders": write_csv(out_dir / "orders.csv", "orders", orders, ORDER_COLUMNS),
        "equity": write_csv(out_dir / "equity.csv", "equity", equity, EQUITY_COLUMNS),
        "summary": write_summary_json(out_dir / "summary.json", summary),
    }
    stale = out_dir / "strategy_equity.csv"
    if strategy_equity is None:  # one strategy: no file (not an older run's either)
        stale.unlink(missing_ok=True)
    else:
        paths["strategy_equity"] = write_csv(
            stale, "strategy_equity", strategy_equity,
            tuple(map(str, strategy_equity.columns)),
        )
    return paths


def write_report(
    out_dir: Path,
    *,
    title: str,
    summary: Mapping[str, object],
    equity: pd.DataFrame,
    trades: pd.DataFrame,
    prices: Mapping[str, pd.DataFrame],
    timing_keys: Sequence[str] = DEFAULT_TIMING_KEYS,
    strategy_equity: pd.DataFrame | None = None,
) -> Path:
    """Write ``report.html`` into ``out_dir`` (which exists) without ``timing_keys``."""
    shown = {k: v for k, v in summary.items() if k not in set(timing_keys)}
    html = render_report_html(
        title=title,
        summary=shown,
        equity=conform_frame("equity", equity, EQUITY_COLUMNS),
        trades=conform_frame("trades", trades, TRADE_COLUMNS),
        prices=prices,
        strategy_equity=strategy_equity,
    )
    report = out_dir / "report.html"
    report.write_text(html, encoding="utf-8", newline="\n")
    return report


def _whole(rows: Rows) -> pd.DataFrame:
    return rows if isinstance(rows, pd.DataFrame) else rows.frame()
