"""The report's time charts: one plotly figure whose rows share a single time axis.

Rows, top to bottom: equity with buy and hold, drawdown, then per symbol its candles (or
its close when the data has no open/high/low) with every trade's entry and exit, and its
volume. Zooming or panning any row moves them all, because they are one figure with
matched x axes. Trading-state changes (a halt, a resume) are vertical lines through every
row, labelled on the equity row.

Determinism: the figure gets a fixed div id and a named template, times are written as
naive UTC text, and nothing depends on the clock or on dict order of the inputs.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from vibetrading_V2.ops.formatting import display_value
from vibetrading_V2.ops.report_series import (
    FloatArray,
    buy_and_hold,
    candles,
    minmax_indices,
    utc_times,
)

__all__ = ["TIMELINE_DIV_ID", "timeline_div"]

TIMELINE_DIV_ID = "timeline"
_TEMPLATE = "plotly_white"
_PLOT_CONFIG = {"displaylogo": False, "responsive": True}
_WIN, _LOSS, _FLAT = "#2ca02c", "#d62728", "#7f7f7f"
_MAX_STATE_LABELS = 20  # a line for every change, a text label on the first few
_ROW_PX = {"equity": 320, "drawdown": 160, "price": 320, "volume": 110}
_GAP_PX = 42


@dataclass(frozen=True, slots=True)
class _Row:
    kind: str
    title: str


def _naive(times: pd.DatetimeIndex) -> FloatArray:
    """UTC times as epoch milliseconds: a date axis reads them, and as a typed array they
    take half the space of date text."""
    ms: FloatArray = times.asi8.astype(np.float64) / 1e6
    return ms


def _thinned(title: str, kept: int, total: int) -> str:
    if kept == total:
        return title
    return f"{title} ({kept:,} of {total:,} points shown, min/max kept)"


def _line(times: pd.DatetimeIndex, values: FloatArray, name: str, **style: Any) -> go.Scatter:
    keep = minmax_indices(values)
    return go.Scatter(x=_naive(times[keep]), y=values[keep], mode="lines", name=name, **style)


def _equity_traces(
    equity: pd.DataFrame, closes: Mapping[str, pd.Series], initial: float
) -> tuple[list[go.Scatter], str]:
    times = utc_times(equity["timestamp"], "equity.timestamp")
    values = equity["equity"].to_numpy(dtype=float)
    traces = [_line(times, values, "equity", line={"color": "#1f77b4", "width": 1.5})]
    hold = buy_and_hold(times, closes, initial)
    if hold is not None:
        traces.append(_line(times, hold, "buy & hold (equal weight)",
                            line={"color": "#ff7f0e", "width": 1, "dash": "dot"}))
    kept = len(traces[0].x)
    return traces, _thinned("Equity and buy & hold", kept, len(values))


def _drawdown_trace(equity: pd.DataFrame) -> tuple[go.Scatter, str]:
    times = utc_times(equity["timestamp"], "equity.timestamp")
    values = equity["equity"].to_numpy(dtype=float)
    if "drawdown" in equity.columns:
        drawdown = 100.0 * equity["drawdown"].to_numpy(dtype=float)
    else:
        drawdown = 100.0 * (values / np.fmax.accumulate(values) - 1.0)
    trace = _line(times, drawdown, "drawdown", fill="tozeroy", line={"color": _LOSS, "width": 1})
    return trace, _thinned("Drawdown [%]", len(trace.x), len(drawdown))


def _price_traces(symbol: str, bars: pd.DataFrame | None) -> tuple[list[Any], go.Bar | None, str]:
    if bars is None or not len(bars):
        return [], None, f"{symbol}: no prices"
    if "close" not in bars.columns:
        raise ValueError(f"prices[{symbol!r}] has no 'close' column")
    times = utc_times(bars.index.to_series(), f"prices[{symbol!r}].index")
    bars = bars.set_axis(times)
    if {"open", "high", "low"} <= set(bars.columns):
        merged, span = candles(bars)
        x = _naive(pd.DatetimeIndex(merged.index))
        price = go.Candlestick(
            x=x, open=merged["open"], high=merged["high"], low=merged["low"],
            close=merged["close"], name=f"{symbol} OHLC", showlegend=False,
            increasing={"line": {"color": "#26a69a", "width": 1}},
            decreasing={"line": {"color": "#ef5350", "width": 1}},
        )  # fmt: skip
        per = f", {span:,} bars per candle" if span > 1 else ""
        title = f"{symbol}: {len(merged):,} candles{per}"
        volume = _volume(x, merged)
        return [price], volume, title
    closes = bars["close"].to_numpy(dtype=float)
    line = _line(times, closes, f"{symbol} close", line={"color": _FLAT, "width": 1},
                 showlegend=False)
    return [line], None, _thinned(f"{symbol} close", len(line.x), len(closes))


def _volume(x: FloatArray, merged: pd.DataFrame) -> go.Bar | None:
    if "volume" not in merged.columns:
        return None
    volume = merged["volume"].to_numpy(dtype=float)
    if not np.isfinite(volume).any() or not np.nansum(np.abs(volume)):
        return None
    return go.Bar(x=x, y=volume, name="volume", showlegend=False,
                  marker={"color": "#9aa5b1", "line": {"width": 0}})


def _trade_text(row: pd.DataFrame) -> list[str]:
    return [
        f"{html.escape(str(d))} qty {display_value(q)}<br>net PnL {display_value(p)}"
        f"<br>return {display_value(r)} %<br>exit: {html.escape(str(e))}"
        for d, q, p, r, e in zip(
            row["direction"], row["quantity"], row["net_pnl"], row["return_pct"],
            row["exit_reason"], strict=True,
        )
    ]


def _trade_traces(symbol: str, trades: pd.DataFrame) -> list[go.Scatter]:
    """Entries (triangles) and exits (crosses) coloured by the trade's PnL, every trade."""
    mine = trades[trades["symbol"].astype(str) == symbol]
    if not len(mine):
        return []
    if "exit_reason" not in mine.columns:
        mine = mine.assign(exit_reason="-")
    pnl = mine["net_pnl"].to_numpy(dtype=float)
    colors = np.where(pnl > 0, _WIN, np.where(pnl < 0, _LOSS, _FLAT)).tolist()
    text = np.array(_trade_text(mine), dtype=object)
    long = mine["direction"].astype(str).str.lower().to_numpy() != "short"
    entries = _naive(utc_times(mine["entry_time"], "trades.entry_time"))
    exits = utc_times(mine["exit_time"], "trades.exit_time")
    closed = ~pd.isna(exits)
    traces = [go.Scatter(
        x=entries, y=mine["entry_price"].to_numpy(dtype=float), mode="markers",
        name=f"{symbol} entries", text=text, hoverinfo="x+y+text", showlegend=False,
        marker={"symbol": np.where(long, "triangle-up", "triangle-down").tolist(), "size": 9,
                "color": colors, "line": {"width": 1, "color": "#333333"}},
    )]  # fmt: skip
    if closed.any():
        traces.append(go.Scatter(
            x=_naive(exits[closed]), y=mine["exit_price"].to_numpy(dtype=float)[closed],
            mode="markers", name=f"{symbol} exits", text=text[closed], hoverinfo="x+y+text",
            showlegend=False,
            marker={"symbol": "x", "size": 8, "color": np.array(colors)[closed].tolist()},
        ))  # fmt: skip
    return traces


def _rows(symbols: Sequence[str], volumes: Mapping[str, bool]) -> list[_Row]:
    rows = [_Row("equity", ""), _Row("drawdown", "")]
    for symbol in symbols:
        rows.append(_Row("price", symbol))
        if volumes[symbol]:
            rows.append(_Row("volume", f"{symbol} volume"))
    return rows


def _state_marks(fig: go.Figure, changes: Sequence[Mapping[str, object]]) -> None:
    for i, change in enumerate(changes):
        when = utc_times(pd.Series([str(change.get("time", ""))]), "trading_state_changes.time")
        if pd.isna(when[0]):
            continue
        x = float(_naive(when)[0])
        target = str(change.get("to", ""))
        color = _LOSS if "halt" in target.lower() else "#8c564b"
        fig.add_shape(type="line", xref="x", yref="paper", x0=x, x1=x, y0=0, y1=1,
                      line={"color": color, "width": 1, "dash": "dash"})
        if i < _MAX_STATE_LABELS:
            fig.add_annotation(
                x=x, xref="x", y=1, yref="paper", yanchor="bottom", showarrow=False,
                text=html.escape(f"{change.get('from', '')} → {target}"),
                hovertext=html.escape(str(change.get("reason", ""))),
                font={"size": 10, "color": color},
            )


def _layout(fig: go.Figure, rows: list[_Row], heights: list[int]) -> None:
    total = sum(heights) + _GAP_PX * (len(rows) - 1) + 110
    fig.update_layout(
        template=_TEMPLATE, height=total, hovermode="closest", bargap=0,
        margin={"l": 70, "r": 20, "t": 40, "b": 40},
        legend={"orientation": "h", "x": 0.01, "y": 1, "yanchor": "top", "xanchor": "left",
                "bgcolor": "rgba(255,255,255,0.7)"},
    )
    fig.update_xaxes(type="date", rangeslider={"visible": False}, showspikes=True,
                     spikemode="across", spikethickness=1)
    for i, row in enumerate(rows, start=1):
        label = {"equity": "equity", "drawdown": "drawdown [%]", "price": "price",
                 "volume": "volume"}[row.kind]
        fig.update_yaxes(title={"text": label}, row=i, col=1)


def timeline_div(
    equity: pd.DataFrame,
    trades: pd.DataFrame,
    prices: Mapping[str, pd.DataFrame],
    *,
    initial_equity: float | None,
    state_changes: Sequence[Mapping[str, object]],
) -> str:
    """The linked charts as one ``<div>`` (the page inlines plotly.js once, elsewhere)."""
    symbols = sorted(set(prices) | {str(s) for s in trades["symbol"].dropna()})
    closes = {s: prices[s]["close"] for s in sorted(prices) if "close" in prices[s].columns}
    first = float(equity["equity"].iloc[0]) if len(equity) else 0.0
    initial = first if initial_equity is None else initial_equity
    equity_traces, equity_title = _equity_traces(equity, closes, initial)
    drawdown, drawdown_title = _drawdown_trace(equity)
    drawn = {s: _price_traces(s, prices.get(s)) for s in symbols}
    rows = _rows(symbols, {s: drawn[s][1] is not None for s in symbols})
    titles = [equity_title, drawdown_title]
    for symbol in symbols:
        titles.append(drawn[symbol][2])
        if drawn[symbol][1] is not None:
            titles.append(f"{symbol} volume")
    heights = [_ROW_PX[r.kind] for r in rows]
    fig = make_subplots(
        rows=len(rows), cols=1, shared_xaxes=True, row_heights=heights,
        vertical_spacing=_GAP_PX / (sum(heights) + _GAP_PX * (len(rows) - 1)),
        subplot_titles=[html.escape(t) for t in titles],
    )  # fmt: skip
    for trace in equity_traces:
        fig.add_trace(trace, row=1, col=1)
    fig.add_trace(drawdown, row=2, col=1)
    row = 3
    for symbol in symbols:
        price, volume, _ = drawn[symbol]
        for trace in [*price, *_trade_traces(symbol, trades)]:
            fig.add_trace(trace, row=row, col=1)
        if volume is not None:
            fig.add_trace(volume, row=row + 1, col=1)
        row += 2 if volume is not None else 1
    _layout(fig, rows, heights)
    _state_marks(fig, state_changes)
    body: str = fig.to_html(full_html=False, include_plotlyjs=False, div_id=TIMELINE_DIV_ID,
                            config=_PLOT_CONFIG, default_height=f"{fig.layout.height}px")
    return f'<div class="plot">{body}</div>'
