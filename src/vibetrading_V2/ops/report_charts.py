"""The report's time charts: one plotly figure whose rows share a single time axis.

Rows, top to bottom: equity with buy and hold, drawdown, each strategy's net PnL (a run of
several strategies: ``strategy_equity.csv``'s columns), then per symbol its candles (or
its close when the data has no open/high/low) with every trade's entry and exit, and its
volume. Zooming or panning any row moves them all: the x axes of every row match the
first. Trading-state changes (a halt, a resume) are vertical lines through every row,
labelled at the top.

The figure is written as plain plotly.js JSON (traces and layout as dicts, number arrays as
base64 typed arrays) rather than through ``plotly.graph_objects``: on a million-bar run
the Python objects' validation cost more than everything else the report does, and the
page needs only the JSON. Determinism: fixed div id, no clock, no dict order from inputs.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from vibetrading_V2.ops.report_series import (
    FloatArray,
    buy_and_hold,
    candles,
    minmax_indices,
    utc_times,
)

__all__ = ["MAX_TRADE_MARKERS", "TIMELINE_DIV_ID", "timeline_div"]

TIMELINE_DIV_ID = "timeline"
MAX_TRADE_MARKERS = 500
"""Trades marked on one symbol's chart, at most: more are unreadable and weigh megabytes."""
_WIN, _LOSS, _FLAT = "#2ca02c", "#d62728", "#7f7f7f"
_MAX_STATE_LABELS = 20  # a line for every change, a text label on the first few
_ROW_PX = {"equity": 320, "drawdown": 160, "strategies": 240, "price": 320, "volume": 110}
_AXIS_TITLE = {"equity": "equity", "drawdown": "drawdown [%]", "strategies": "net PnL",
               "price": "price", "volume": "volume"}  # fmt: skip
_STRATEGY_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
                    "#e377c2", "#17becf")  # fmt: skip
_GAP_PX, _TOP_PX, _BOTTOM_PX = 42, 40, 40
_GRID = {"gridcolor": "#ebf0f8", "zerolinecolor": "#ebf0f8", "linecolor": "#ebf0f8"}
_CONFIG = {"displaylogo": False, "responsive": True}
_PNL_SCALE = [[0.0, _LOSS], [0.5, "#bdbdbd"], [1.0, _WIN]]

Trace = dict[str, Any]


def _array(values: Any) -> dict[str, str]:
    """A float64 typed array as plotly.js reads it: dtype plus base64 of the bytes."""
    raw = np.ascontiguousarray(values, dtype="<f8").tobytes()
    return {"dtype": "f8", "bdata": base64.b64encode(raw).decode("ascii")}


def _ms(times: pd.DatetimeIndex) -> FloatArray:
    """UTC times as epoch milliseconds, which a date axis reads."""
    ms: FloatArray = times.asi8.astype(np.float64) / 1e6
    return ms


def _thinned(title: str, kept: int, total: int) -> str:
    if kept == total:
        return title
    return f"{title} ({kept:,} of {total:,} points shown, min/max kept)"


def _line(ms: FloatArray, values: FloatArray, name: str, **style: Any) -> tuple[Trace, int]:
    keep = minmax_indices(values)
    trace = {"type": "scatter", "mode": "lines", "name": name, "x": _array(ms[keep]),
             "y": _array(values[keep]), **style}  # fmt: skip
    return trace, len(keep)


def _equity_rows(
    times: pd.DatetimeIndex, equity: pd.DataFrame, closes: Mapping[str, pd.Series],
    initial: float,
) -> tuple[list[Trace], str, Trace, str]:  # fmt: skip
    """Equity with buy and hold (sampled where the equity line is), and the drawdown."""
    values = equity["equity"].to_numpy(dtype=float)
    ms = _ms(times)
    keep = minmax_indices(values)
    traces = [{"type": "scatter", "mode": "lines", "name": "equity", "x": _array(ms[keep]),
               "y": _array(values[keep]), "line": {"color": "#1f77b4", "width": 1.5}}]
    hold = buy_and_hold(times[keep], closes, initial)
    if hold is not None:
        traces.append({"type": "scatter", "mode": "lines", "name": "buy & hold (equal weight)",
                       "x": _array(ms[keep]), "y": _array(hold),
                       "line": {"color": "#ff7f0e", "width": 1, "dash": "dot"}})
    if "drawdown" in equity.columns:
        drawdown = 100.0 * equity["drawdown"].to_numpy(dtype=float)
    else:
        drawdown = 100.0 * (values / np.fmax.accumulate(values) - 1.0)
    down, kept = _line(ms, drawdown, "drawdown", fill="tozeroy", showlegend=False,
                       line={"color": _LOSS, "width": 1})
    return (traces, _thinned("Equity and buy & hold", len(keep), len(values)), down,
            _thinned("Drawdown [%]", kept, len(drawdown)))  # fmt: skip


def _price_traces(symbol: str, bars: pd.DataFrame | None) -> tuple[list[Trace], Trace | None, str]:
    if bars is None or not len(bars):
        return [], None, f"{symbol}: no prices"
    if "close" not in bars.columns:
        raise ValueError(f"prices[{symbol!r}] has no 'close' column")
    times = utc_times(bars.index, f"prices[{symbol!r}].index")
    if {"open", "high", "low"} <= set(bars.columns):
        merged, span = candles(bars.set_axis(times))
        span *= int(bars.attrs.get("bars_per_candle", 1))  # the run kept merged candles
        x = _array(_ms(pd.DatetimeIndex(merged.index)))
        price = {
            "type": "candlestick", "name": f"{symbol} OHLC", "showlegend": False, "x": x,
            **{k: _array(merged[k].to_numpy(dtype=float)) for k in ("open", "high", "low",
                                                                     "close")},
            "increasing": {"line": {"color": "#26a69a", "width": 1}},
            "decreasing": {"line": {"color": "#ef5350", "width": 1}},
        }  # fmt: skip
        per = f", {span:,} bars per candle" if span > 1 else ""
        return [price], _volume(x, merged), f"{symbol}: {len(merged):,} candles{per}"
    closes = bars["close"].to_numpy(dtype=float)
    line, kept = _line(_ms(times), closes, f"{symbol} close", showlegend=False,
                       line={"color": _FLAT, "width": 1})
    return [line], None, _thinned(f"{symbol} close", kept, len(closes))


def _closes(bars: pd.DataFrame) -> pd.Series:
    """A symbol's closes at the times they were the last price: merged candles close at
    their ``close_time`` (so buy and hold never reads a close before its time)."""
    if "close_time" not in bars.columns:
        return bars["close"]
    return pd.Series(bars["close"].to_numpy(), index=pd.DatetimeIndex(bars["close_time"]))


def _volume(x: dict[str, str], merged: pd.DataFrame) -> Trace | None:
    if "volume" not in merged.columns:
        return None
    volume = merged["volume"].to_numpy(dtype=float)
    if not np.isfinite(volume).any() or not np.nansum(np.abs(volume)):
        return None
    return {"type": "bar", "name": "volume", "showlegend": False, "x": x, "y": _array(volume),
            "marker": {"color": "#9aa5b1", "line": {"width": 0}}}


def _markers(name: str, x: FloatArray, y: FloatArray, pnl: FloatArray, scale: float,
             symbol: str, what: str) -> Trace:  # fmt: skip
    """One marker per trade, coloured on a red-grey-green scale by its net PnL."""
    return {
        "type": "scatter", "mode": "markers", "name": name, "showlegend": False,
        "x": _array(x), "y": _array(y), "customdata": _array(pnl),
        "hovertemplate": f"{what}<br>%{{x}}<br>price %{{y}}<br>net PnL %{{customdata:,.2f}}"
                         "<extra></extra>",
        "marker": {"symbol": symbol, "size": 9 if symbol != "x" else 8, "color": _array(pnl),
                   "cmin": -scale, "cmax": scale, "colorscale": _PNL_SCALE,
                   "line": {"width": 1, "color": "#333333"} if symbol != "x" else {}},
    }  # fmt: skip


def _marked(symbol: str, trades: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The symbol's trades to mark, in their order, and how many it has: all of them, or
    the ``MAX_TRADE_MARKERS`` of largest absolute net PnL (earlier first among equals)."""
    mine = trades[trades["symbol"].astype(str) == symbol]
    if len(mine) <= MAX_TRADE_MARKERS:
        return mine, len(mine)
    size = np.abs(mine["net_pnl"].to_numpy(dtype=float))
    largest = np.argsort(-np.nan_to_num(size, nan=-np.inf), kind="stable")[:MAX_TRADE_MARKERS]
    return mine.iloc[np.sort(largest)], len(mine)


def _trade_traces(mine: pd.DataFrame, symbol: str) -> list[Trace]:
    """Entries (triangles: up long, down short) and exits (crosses) of the trades ``mine``.

    Each trade's net PnL colours its markers and shows on hover; the page carries it as
    one typed array per trace, not a text per trade.
    """
    if not len(mine):
        return []
    pnl = mine["net_pnl"].to_numpy(dtype=float)
    finite = np.abs(pnl[np.isfinite(pnl)])
    scale = float(np.percentile(finite, 95)) if len(finite) and finite.any() else 1.0
    entry_x = _ms(utc_times(mine["entry_time"], "trades.entry_time"))
    entry_y = mine["entry_price"].to_numpy(dtype=float)
    long = mine["direction"].astype(str).str.lower().to_numpy() != "short"
    traces = [
        _markers(f"{symbol} {side} entries", entry_x[rows], entry_y[rows], pnl[rows], scale,
                 shape, f"{side} entry")
        for side, shape, rows in (("long", "triangle-up", long),
                                  ("short", "triangle-down", ~long))
        if rows.any()
    ]  # fmt: skip
    exits = utc_times(mine["exit_time"], "trades.exit_time")
    closed = ~np.asarray(pd.isna(exits))
    if closed.any():
        exit_y = mine["exit_price"].to_numpy(dtype=float)[closed]
        traces.append(_markers(f"{symbol} exits", _ms(exits[closed]), exit_y, pnl[closed],
                               scale, "x", "exit"))
    return traces


def _marked_title(title: str, marked: int, total: int) -> str:
    if marked == total:
        return title
    return (f"{title}; {marked:,} of {total:,} trades marked, the largest wins and losses "
            "(trades.csv has all)")


def _strategy_lines(pnl: pd.DataFrame) -> tuple[list[Trace], str]:
    """One line per strategy column of ``pnl`` (timestamp, then a column per strategy)."""
    ms = _ms(utc_times(pnl["timestamp"], "strategy_equity.timestamp"))
    traces, kept = [], 0
    for k, column in enumerate(c for c in pnl.columns if c != "timestamp"):
        color = _STRATEGY_COLORS[k % len(_STRATEGY_COLORS)]
        trace, n = _line(ms, pnl[column].to_numpy(dtype=float), str(column),
                         line={"color": color, "width": 1})
        traces.append(trace)
        kept = max(kept, n)
    return traces, _thinned("Net PnL per strategy", kept, len(ms))


def _state_marks(changes: Sequence[Mapping[str, object]]) -> tuple[list[Trace], list[Trace]]:
    shapes: list[Trace] = []
    labels: list[Trace] = []
    for change in changes:
        when = utc_times(pd.Index([str(change.get("time", ""))]), "trading_state_changes.time")
        if pd.isna(when[0]):
            continue
        x = float(_ms(when)[0])
        target = str(change.get("to", ""))
        color = _LOSS if "halt" in target.lower() else "#8c564b"
        shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x,
                       "y0": 0, "y1": 1, "line": {"color": color, "width": 1, "dash": "dash"}})
        if len(labels) < _MAX_STATE_LABELS:
            labels.append({
                "x": x, "xref": "x", "y": 1, "yref": "paper", "yanchor": "top",
                "xanchor": "left", "xshift": 3, "bgcolor": "rgba(255,255,255,0.8)",
                "showarrow": False, "text": html.escape(f"{change.get('from', '')} → {target}"),
                "hovertext": html.escape(str(change.get("reason", ""))),
                "font": {"size": 10, "color": color},
            })  # fmt: skip
    return shapes, labels


def _layout(kinds: list[str], titles: list[str]) -> dict[str, Any]:
    """Rows stacked top to bottom, each its own axes pair, every x axis matching the first."""
    heights = [_ROW_PX[k] for k in kinds]
    plot = sum(heights) + _GAP_PX * (len(kinds) - 1)
    layout: dict[str, Any] = {
        "height": plot + _TOP_PX + _BOTTOM_PX, "hovermode": "closest", "bargap": 0,
        "margin": {"l": 70, "r": 20, "t": _TOP_PX, "b": _BOTTOM_PX},
        "paper_bgcolor": "white", "plot_bgcolor": "white", "font": {"color": "#2a3f5f"},
        "legend": {"orientation": "h", "x": 0.01, "y": 1, "yanchor": "top", "xanchor": "left",
                   "bgcolor": "rgba(255,255,255,0.7)"},
        "annotations": [],
    }  # fmt: skip
    top = 0
    for i, (kind, title) in enumerate(zip(kinds, titles, strict=True), start=1):
        suffix = "" if i == 1 else str(i)
        domain = [round(1 - (top + heights[i - 1]) / plot, 6), round(1 - top / plot, 6)]
        layout[f"xaxis{suffix}"] = {
            "type": "date", "anchor": f"y{suffix}", "domain": [0, 1],
            "showticklabels": i == len(kinds), "rangeslider": {"visible": False},
            "showspikes": True, "spikemode": "across", "spikethickness": 1, **_GRID,
            **({"matches": "x"} if i > 1 else {}),
        }  # fmt: skip
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": domain,
                                    "title": {"text": _AXIS_TITLE[kind]}, **_GRID}
        layout["annotations"].append({
            "text": html.escape(title), "x": 0, "xref": "paper", "xanchor": "left",
            "y": domain[1], "yref": "paper", "yanchor": "bottom", "showarrow": False,
            "font": {"size": 14},
        })  # fmt: skip
        top += heights[i - 1] + _GAP_PX
    return layout


def _json(value: object) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def timeline_div(
    equity: pd.DataFrame,
    trades: pd.DataFrame,
    prices: Mapping[str, pd.DataFrame],
    *,
    times: pd.DatetimeIndex,
    initial_equity: float,
    state_changes: Sequence[Mapping[str, object]],
    strategy_pnl: pd.DataFrame | None = None,
) -> str:
    """The linked charts as a ``<div>`` and its script (the page inlines plotly.js once)."""
    symbols = sorted(set(prices) | {str(s) for s in trades["symbol"].dropna()})
    closes = {s: _closes(prices[s]) for s in sorted(prices) if "close" in prices[s].columns}
    lines, equity_title, drawdown, drawdown_title = _equity_rows(
        times, equity, closes, initial_equity
    )
    data = [{**t, "xaxis": "x", "yaxis": "y"} for t in lines]
    data.append({**drawdown, "xaxis": "x2", "yaxis": "y2"})
    kinds, titles = ["equity", "drawdown"], [equity_title, drawdown_title]
    if strategy_pnl is not None and len(strategy_pnl):
        per_strategy, title = _strategy_lines(strategy_pnl)
        kinds.append("strategies")
        titles.append(title)
        data += [{**t, "xaxis": "x3", "yaxis": "y3"} for t in per_strategy]
    for symbol in symbols:
        price, volume, title = _price_traces(symbol, prices.get(symbol))
        marked, total = _marked(symbol, trades)
        kinds.append("price")
        titles.append(_marked_title(title, len(marked), total))
        axes = {"xaxis": f"x{len(kinds)}", "yaxis": f"y{len(kinds)}"}
        data += [{**t, **axes} for t in [*price, *_trade_traces(marked, symbol)]]
        if volume is not None:
            kinds.append("volume")
            titles.append(f"{symbol} volume")
            data.append({**volume, "xaxis": f"x{len(kinds)}", "yaxis": f"y{len(kinds)}"})
    layout = _layout(kinds, titles)
    layout["shapes"], labels = _state_marks(state_changes)
    layout["annotations"] += labels
    return (
        f'<div class="plot"><div id="{TIMELINE_DIV_ID}" style="height:{layout["height"]}px;'
        f' width:100%;"></div>\n<script>Plotly.newPlot("{TIMELINE_DIV_ID}", {_json(data)},'
        f" {_json(layout)}, {_json(_CONFIG)});</script></div>"
    )
