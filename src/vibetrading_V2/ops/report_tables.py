"""The report's trade tables and its monthly-returns heatmap, as plain HTML.

Why plain HTML and not plotly tables: they are searchable with the browser's find, copy
into a spreadsheet, weigh a fraction of a chart, and the trades table sorts on a header
click with a few lines of script (``report_html.SORT_SCRIPT``), reading each cell's
``data-v`` sort key. A section with nothing to show says so (``none_note``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vibetrading_V2.ops.formatting import display_value, iso_utc_strings
from vibetrading_V2.ops.report_series import utc_times

__all__ = [
    "MAX_TRADE_ROWS",
    "Cell",
    "exit_reason_table",
    "html_table",
    "monthly_table",
    "none_note",
    "per_symbol_table",
    "trades_table",
]

MAX_TRADE_ROWS = 2000
"""The trades table lists at most this many trades (the first ones); trades.csv has all."""
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Cell:
    """One table cell: the text shown and, for sorting, a key (a number or ISO time)."""

    text: str
    sort: float | str | None = None
    style: str = ""


def none_note(what: str) -> str:
    """The line shown in place of an empty section."""
    return f'<p class="none">none — {html.escape(what)}</p>'


def _sort_attr(cell: Cell) -> str:
    """The cell's sort key, left out when it is the cell's own text (the script reads that)."""
    key = cell.sort
    if key is None or (isinstance(key, float) and not math.isfinite(key)):
        return ' data-v=""'
    if isinstance(key, float):
        return f' data-v="{float(key):.12g}"'
    return "" if key == cell.text else f' data-v="{html.escape(key)}"'


def html_table(
    headings: Sequence[tuple[str, str]],
    rows: Sequence[Sequence[Cell]],
    *,
    table_id: str,
    sortable: bool = False,
) -> str:
    """A table; ``headings`` are ``(text, kind)`` with kind ``"num"`` (right-aligned)
    or ``"text"``."""
    classes = "data sortable" if sortable else "data"
    head = "".join(
        f'<th data-kind="{kind}" class="{kind}">{html.escape(text)}</th>' for text, kind in headings
    )
    opens = ["<td" if kind == "text" else '<td class="n"' for _, kind in headings]
    lines = []
    for row in rows:
        cells = []
        for start, cell in zip(opens, row, strict=True):
            attrs = _sort_attr(cell) if sortable else ""
            if cell.style:
                attrs += f' style="{cell.style}"'
            cells.append(f"{start}{attrs}>{html.escape(cell.text)}</td>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    body = "\n".join(lines)
    thead = f"<thead><tr>{head}</tr></thead>\n" if any(t for t, _ in headings) else ""
    return (
        f'<table id="{table_id}" class="{classes}">\n{thead}'
        f"<tbody>\n{body}\n</tbody>\n</table>"
    )


def _money(value: float) -> Cell:
    return Cell("-" if not math.isfinite(value) else f"{value:,.2f}", value)


def _pct(value: float) -> Cell:
    return Cell("-" if not math.isfinite(value) else f"{value:,.2f}", value)


def _number(value: float) -> Cell:
    return Cell(display_value(value) if math.isfinite(value) else "-", value)


def _duration(seconds: float) -> Cell:
    if not math.isfinite(seconds):
        return Cell("-", None)
    minutes = round(seconds / 60.0)
    days, rest = divmod(minutes, 1440)
    return Cell(f"{days}d {rest // 60:02d}:{rest % 60:02d}", seconds / 86400.0)


def _times(column: pd.Series, what: str) -> list[str | None]:
    return iso_utc_strings(pd.Series(utc_times(column, what)))


def _text_column(trades: pd.DataFrame, name: str, default: str = "-") -> list[str]:
    if name not in trades.columns:
        return [default] * len(trades)
    column = trades[name]
    text = column.astype(object).where(column.notna(), "").astype(str)
    result: list[str] = text.where(text != "", "-").tolist()
    return result


def _signal_times(trades: pd.DataFrame, name: str) -> list[str | None]:
    """A signal-time column as text (None where empty, or all None for a table without it)."""
    if name not in trades.columns:
        return [None] * len(trades)
    return _times(trades[name], f"trades.{name}")


def trades_table(trades: pd.DataFrame) -> str:
    """Every trade (up to ``MAX_TRADE_ROWS``) with entry, exit, their signal bars, PnL,
    duration, exit reason."""
    if not len(trades):
        return none_note("no trades")
    shown = trades.iloc[:MAX_TRADE_ROWS]
    entry = _times(shown["entry_time"], "trades.entry_time")
    exits = _times(shown["exit_time"], "trades.exit_time")
    signals = [_signal_times(shown, "entry_signal_time"), _signal_times(shown, "exit_signal_time")]
    if "duration_days" in shown.columns:  # trades.csv's own (open trades: to the last bar)
        held = 86400.0 * shown["duration_days"].to_numpy(dtype=float)
    else:
        held = (
            utc_times(shown["exit_time"], "trades.exit_time").asi8
            - utc_times(shown["entry_time"], "trades.entry_time").asi8
        ) / 1e9
        held = np.where(pd.isna(exits), np.nan, held)
    columns = {name: shown[name].to_numpy(dtype=float) for name in (
        "quantity", "entry_price", "exit_price", "net_pnl", "return_pct")}  # fmt: skip
    pnl = columns["net_pnl"]
    rows = []
    for i, (symbol, side, reason) in enumerate(zip(
        _text_column(shown, "symbol"), _text_column(shown, "direction"),
        _text_column(shown, "exit_reason"), strict=True,
    )):  # fmt: skip
        tone = "win" if pnl[i] > 0 else "loss" if pnl[i] < 0 else ""
        rows.append([
            Cell(str(i + 1), float(i + 1)), Cell(symbol, symbol), Cell(side, side),
            Cell(signals[0][i] or "-", signals[0][i]),
            Cell(entry[i] or "-", entry[i]), _number(columns["entry_price"][i]),
            Cell(signals[1][i] or "-", signals[1][i]),
            Cell(exits[i] or "-", exits[i]), _number(columns["exit_price"][i]),
            _number(columns["quantity"][i]),
            Cell(_money(pnl[i]).text, float(pnl[i]), f"color:var(--{tone})" if tone else ""),
            _pct(columns["return_pct"][i]), _duration(float(held[i])), Cell(reason, reason),
        ])  # fmt: skip
    headings = [
        ("#", "num"), ("Symbol", "text"), ("Side", "text"), ("Entry signal", "text"),
        ("Entry time", "text"), ("Entry price", "num"), ("Exit signal", "text"),
        ("Exit time", "text"), ("Exit price", "num"), ("Qty", "num"),
        ("Net PnL", "num"), ("Return [%]", "num"), ("Duration", "num"),
        ("Exit reason", "text"),
    ]  # fmt: skip
    table = html_table(headings, rows, table_id="trades", sortable=True)
    if len(trades) > MAX_TRADE_ROWS:
        note = f"the first {MAX_TRADE_ROWS:,} of {len(trades):,} trades; trades.csv has all"
        table = f'<p class="note">{html.escape(note)}</p>\n{table}'
    return table


def _grouped(trades: pd.DataFrame, key: str, heading: str, table_id: str) -> str:
    pnl = trades["net_pnl"].to_numpy(dtype=float)
    fees = trades["fees"].to_numpy(dtype=float) if "fees" in trades.columns else pnl * np.nan
    frame = pd.DataFrame({"pnl": pnl, "win": pnl > 0, "fees": fees,
                          "ret": trades["return_pct"].to_numpy(dtype=float)})  # fmt: skip
    groups = frame.groupby(np.array(_text_column(trades, key), dtype=object), sort=True)
    stats = groups.agg(
        n=("pnl", "size"), wins=("win", "sum"), pnl=("pnl", "sum"), fees=("fees", "sum"),
        mean=("ret", "mean"), best=("ret", "max"), worst=("ret", "min"),
    )
    rows = [
        [Cell(str(name)), Cell(f"{int(n):,}", float(n)), _pct(100.0 * wins / n), _money(pnl),
         _money(fees), _pct(mean), _pct(best), _pct(worst)]
        for name, n, wins, pnl, fees, mean, best, worst in stats.itertuples()
    ]  # fmt: skip
    headings = [
        (heading, "text"), ("Trades", "num"), ("Win rate [%]", "num"), ("Net PnL", "num"),
        ("Fees", "num"), ("Avg return [%]", "num"), ("Best [%]", "num"), ("Worst [%]", "num"),
    ]  # fmt: skip
    return html_table(headings, rows, table_id=table_id)


def per_symbol_table(trades: pd.DataFrame) -> str:
    """Trades, win rate, PnL, fees and returns per symbol."""
    if not len(trades):
        return none_note("no trades")
    return _grouped(trades, "symbol", "Symbol", "per-symbol")


def exit_reason_table(trades: pd.DataFrame) -> str:
    """The same figures per exit reason (signal, stop, take_profit, risk, open, ...)."""
    if not len(trades):
        return none_note("no trades")
    if "exit_reason" not in trades.columns:
        return none_note("trades.csv has no exit_reason column")
    return _grouped(trades, "exit_reason", "Exit reason", "exit-reasons")


def _heat(value: float, scale: float) -> str:
    """A background from red (losses) through white to green (gains)."""
    if not math.isfinite(value) or scale <= 0:
        return ""
    strength = min(1.0, abs(value) / scale)
    rgb = (214, 39, 40) if value < 0 else (44, 160, 44)
    mixed = [round(255 - (255 - c) * 0.75 * strength) for c in rgb]
    return "background:#{:02x}{:02x}{:02x}".format(*mixed)


def monthly_table(grid: pd.DataFrame) -> str:
    """Years by months of percent returns, each cell coloured by its sign and size."""
    if not len(grid):
        return none_note("no equity rows")
    months = grid[list(range(1, 13))].to_numpy(dtype=float)
    finite = np.abs(months[np.isfinite(months)])
    scale = float(np.percentile(finite, 95)) if len(finite) else 0.0
    rows = []
    for year, values in zip(grid.index, grid.to_numpy(dtype=float), strict=True):
        cells = [Cell(str(year))]
        for i, value in enumerate(values):
            text = "" if not math.isfinite(value) else f"{value:.2f}"
            cells.append(Cell(text, None, _heat(value, scale if i < 12 else scale * 3)))
        rows.append(cells)
    headings = [("Year", "text"), *((m, "num") for m in _MONTHS), ("Year [%]", "num")]
    return html_table(headings, rows, table_id="monthly-returns")
