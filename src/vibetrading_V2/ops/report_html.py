"""The self-contained HTML backtest report: metrics table and plotly charts, byte-stable.

Why its own module: determinism needs care that the CSV side does not. Every plot gets a
fixed div id, the plotly template is named explicitly (not read from plotly's global
default), plotly.js is inlined once, and nothing time- or random-dependent is written.
Long series are thinned with a min/max-preserving downsampler so the file stays small
while peaks, troughs and every trade marker stay exact.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from vibetrading_V2.ops.formatting import display_value, flatten_summary

__all__ = [
    "DRAWDOWN_DIV_ID",
    "EQUITY_DIV_ID",
    "MAX_LINE_POINTS",
    "minmax_indices",
    "price_div_id",
    "render_report_html",
]

EQUITY_DIV_ID = "equity-curve"
DRAWDOWN_DIV_ID = "drawdown-curve"
MAX_LINE_POINTS = 5000
_TEMPLATE = "plotly_white"
_PLOT_CONFIG = {"displaylogo": False, "responsive": True}
_CSS = """
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em; }
h1 { font-size: 1.5em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table.metrics { border-collapse: collapse; font-size: 0.9em; }
table.metrics td { border-bottom: 1px solid #ddd; padding: 0.25em 1em 0.25em 0; }
table.metrics td.value { text-align: right; font-variant-numeric: tabular-nums; }
.plot { height: 420px; }
"""


def price_div_id(index: int, symbol: str) -> str:
    """The div id of the ``index``-th symbol's price chart (symbols in sorted order)."""
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", symbol).strip("-") or "symbol"
    return f"price-{index}-{slug}"


def minmax_indices(values: np.ndarray, max_points: int = MAX_LINE_POINTS) -> np.ndarray:
    """Sorted row positions to keep so a line of ``values`` has at most ``max_points``.

    The series is cut into equal buckets; each keeps its lowest and highest point, and the
    first and last points are always kept. Short series are returned whole.
    """
    n = len(values)
    if n <= max_points:
        return np.arange(n)
    buckets = max(1, (max_points - 2) // 2)
    size = -(-n // buckets)
    whole = n // size
    head = values[: whole * size].reshape(whole, size)
    starts = np.arange(whole) * size
    keep = [starts + np.nanargmin(head, axis=1), starts + np.nanargmax(head, axis=1)]
    tail = values[whole * size :]
    if len(tail):
        offset = whole * size
        keep.append(np.array([offset + np.nanargmin(tail), offset + np.nanargmax(tail)]))
    keep.append(np.array([0, n - 1]))
    return np.unique(np.concatenate(keep))


def _utc_times(values: pd.Series | pd.Index, what: str) -> pd.DatetimeIndex:
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return pd.DatetimeIndex(values).tz_convert("UTC")
    if pd.api.types.is_datetime64_dtype(values.dtype):
        if pd.isna(values).all():  # no times at all: nothing is ambiguous
            return pd.DatetimeIndex(values).tz_localize("UTC")
        raise ValueError(f"{what} has times without a time zone; give UTC times")
    return pd.DatetimeIndex(pd.to_datetime(values, utc=True, format="ISO8601"))


def _figure(title: str, yaxis_title: str, *, percent: bool = False) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        template=_TEMPLATE,
        title={"text": html.escape(title)},
        height=420,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        hovermode="closest",
        legend={"orientation": "h", "y": -0.15},
        yaxis={"title": {"text": yaxis_title}, "tickformat": ".1%" if percent else None},
    )
    return fig


def _line(fig: go.Figure, times: pd.DatetimeIndex, values: np.ndarray, name: str,
          **style: Any) -> int:
    keep = minmax_indices(values)
    fig.add_trace(go.Scatter(x=times[keep], y=values[keep], mode="lines", name=name, **style))
    return len(keep)


def _thinned(title: str, kept: int, total: int) -> str:
    if kept == total:
        return title
    return f"{title} ({kept} of {total} points shown, min/max kept)"


def _equity_plot(equity: pd.DataFrame) -> str:
    times = _utc_times(equity["timestamp"], "equity.timestamp")
    values = equity["equity"].to_numpy(dtype=float)
    fig = _figure("Equity", "equity")
    kept = _line(fig, times, values, "equity", line={"color": "#1f77b4"})
    fig.update_layout(title={"text": _thinned("Equity", kept, len(values))})
    return _div(fig, EQUITY_DIV_ID)


def _drawdown_plot(equity: pd.DataFrame) -> str:
    times = _utc_times(equity["timestamp"], "equity.timestamp")
    values = equity["drawdown"].to_numpy(dtype=float)
    fig = _figure("Drawdown", "drawdown", percent=True)
    kept = _line(fig, times, values, "drawdown", fill="tozeroy", line={"color": "#d62728"})
    fig.update_layout(title={"text": _thinned("Drawdown", kept, len(values))})
    return _div(fig, DRAWDOWN_DIV_ID)


def _trade_labels(trades: pd.DataFrame) -> list[str]:
    return [
        f"{html.escape(str(s))} {html.escape(str(d))} qty {display_value(q)}"
        f" net {display_value(p)}"
        for s, d, q, p in zip(
            trades["strategy_id"], trades["direction"], trades["quantity"], trades["net_pnl"],
            strict=True,
        )
    ]


def _price_plot(index: int, symbol: str, bars: pd.DataFrame | None, trades: pd.DataFrame) -> str:
    fig = _figure(symbol, "price")
    title = f"{symbol} close"
    if bars is not None:
        if "close" not in bars.columns:
            raise ValueError(f"prices[{symbol!r}] has no 'close' column")
        times = _utc_times(bars.index.to_series(), f"prices[{symbol!r}].index")
        closes = bars["close"].to_numpy(dtype=float)
        kept = _line(fig, times, closes, "close", line={"color": "#7f7f7f", "width": 1})
        title = _thinned(title, kept, len(closes))
    mine = trades[trades["symbol"] == symbol]
    labels = np.array(_trade_labels(mine), dtype=object)
    entry_times = _utc_times(mine["entry_time"], "trades.entry_time")
    direction = mine["direction"].astype(str).str.lower().to_numpy()
    for side, symbol_shape, color in (
        ("long", "triangle-up", "#2ca02c"),
        ("short", "triangle-down", "#d62728"),
    ):
        rows = direction == side
        if not rows.any():
            continue
        fig.add_trace(go.Scatter(
            x=entry_times[rows], y=mine["entry_price"].to_numpy(dtype=float)[rows],
            mode="markers", name=f"{side} entry", text=labels[rows], hoverinfo="x+y+text",
            marker={"symbol": symbol_shape, "size": 10, "color": color},
        ))  # fmt: skip
    exit_times = _utc_times(mine["exit_time"], "trades.exit_time")
    closed = ~pd.isna(exit_times)
    if closed.any():
        fig.add_trace(go.Scatter(
            x=exit_times[closed], y=mine["exit_price"].to_numpy(dtype=float)[closed],
            mode="markers", name="exit", text=labels[closed], hoverinfo="x+y+text",
            marker={"symbol": "x", "size": 9, "color": "#000000"},
        ))  # fmt: skip
    fig.update_layout(title={"text": html.escape(title)})
    return _div(fig, price_div_id(index, symbol))


def _div(fig: go.Figure, div_id: str) -> str:
    body: str = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config=_PLOT_CONFIG,
        default_height="420px",
    )
    return f'<div class="plot">{body}</div>'


def _metrics_table(summary: Mapping[str, object]) -> str:
    rows = "\n".join(
        f'<tr><td class="name">{html.escape(k)}</td>'
        f'<td class="value">{html.escape(display_value(v))}</td></tr>'
        for k, v in flatten_summary(summary).items()
    )
    return f'<table class="metrics">\n{rows}\n</table>'


def render_report_html(
    *,
    title: str,
    summary: Mapping[str, object],
    equity: pd.DataFrame,
    trades: pd.DataFrame,
    prices: Mapping[str, pd.DataFrame],
) -> str:
    """The whole report page as text (frames already in the ``ops.report`` schemas)."""
    symbols = sorted(set(prices) | {str(s) for s in trades["symbol"].dropna()})
    sections = [
        "<h2>Metrics</h2>",
        _metrics_table(summary),
        "<h2>Equity</h2>",
        _equity_plot(equity),
        _drawdown_plot(equity),
        "<h2>Prices and trades</h2>",
    ]
    sections += [_price_plot(i, s, prices.get(s), trades) for i, s in enumerate(symbols)]
    head = (
        '<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        f"<style>{_CSS}</style>\n"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
    )
    body = "\n".join([f"<h1>{html.escape(title)}</h1>", *sections])
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n{head}\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )
