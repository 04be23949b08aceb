"""The self-contained HTML backtest report: one file, opens offline, byte-identical per run.

Layout, top to bottom: title and warnings; header cards (``HEADER_CARDS``); the metrics in
``SUMMARY_GROUPS`` order; the linked time charts (``report_charts``); monthly returns;
trades (sortable), per symbol, per exit reason and per strategy (``report_strategies``);
vetoes, resizes, strategy errors and open positions (``report_diagnostics``); any other
summary figure; the run's identity (``FOOTER_KEYS``) in the footer. A section with no data
says "none" rather than vanish.

Size: the page inlines plotly.js once. It is the finance bundle of plotly.js 4.1 (1.28 MB,
vendored in ``ops/vendor`` with its licence and provenance), not the 4.8 MB full bundle:
the report draws only scatter, bar and candlestick traces, all in that bundle. Long series
are thinned for drawing (``report_series``) and each symbol's chart marks at most
``report_charts.MAX_TRADE_MARKERS`` trades, so a long run's page stays a few megabytes
whatever its bars and trades: the trades table lists the first ``MAX_TRADE_ROWS``.

Determinism: fixed element ids, colours written out (no plotly template looked up), no
time- or random-dependent text; the wall-clock keys are left out by the caller
(``ops.report``).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

import pandas as pd

from vibetrading_V2.ops.formatting import display_value, flatten_summary
from vibetrading_V2.ops.report_charts import TIMELINE_DIV_ID, timeline_div
from vibetrading_V2.ops.report_diagnostics import (
    open_positions_section,
    reason_section,
    strategy_errors_section,
    warnings_block,
)
from vibetrading_V2.ops.report_series import monthly_returns, utc_times
from vibetrading_V2.ops.report_strategies import strategies_table
from vibetrading_V2.ops.report_tables import (
    exit_reason_table,
    monthly_table,
    per_symbol_table,
    trades_table,
)
from vibetrading_V2.ops.summary_layout import (
    FOOTER_KEYS,
    HEADER_CARDS,
    SUMMARY_GROUPS,
    figure_text,
    grouped_figures,
)

__all__ = ["SECTION_IDS", "TIMELINE_DIV_ID", "plotly_bundle", "render_report_html"]

SECTION_IDS = (
    "cards", "metrics-section", "charts", "monthly", "trades-section", "per-symbol-section",
    "exit-reasons-section", "per-strategy-section", "vetoes-section", "resizes-section",
    "errors-section", "open-positions-section",
)  # fmt: skip
"""The id of every section the page always has, in page order."""

_NESTED = ("vetoes", "resizes", "strategy_errors", "trading_state_changes", "open_positions",
           "warnings", "annualisation", "strategy_disabled", "strategies")  # fmt: skip
_CSS = """
:root { --win: #1a7f37; --loss: #c62828; --muted: #667085; --line: #e4e7ec; }
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 1.5em 2em;
  color: #1d2939; }
h1 { font-size: 1.45em; margin-bottom: 0.4em; } h2 { font-size: 1.15em; margin-top: 1.8em; }
h3 { font-size: 0.95em; margin: 0 0 0.3em; color: var(--muted); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
  gap: 0.6em; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 0.5em 0.7em; }
.card .label { font-size: 0.78em; color: var(--muted); }
.card .value { font-size: 1.15em; font-variant-numeric: tabular-nums; margin-top: 0.15em; }
.groups { display: grid; grid-template-columns: repeat(auto-fill, minmax(290px, 1fr));
  gap: 1em 2em; }
table { border-collapse: collapse; font-size: 0.86em; }
td, th { border-bottom: 1px solid var(--line); padding: 0.22em 0.8em 0.22em 0; }
th { text-align: left; font-weight: 600; } td.n, th.num { text-align: right; }
td { font-variant-numeric: tabular-nums; }
table.metrics { width: 100%; } table.metrics td.value { text-align: right; }
table.metrics td:first-child { white-space: nowrap; }
table.sortable th { cursor: pointer; user-select: none; }
th[aria-sort="ascending"]::after { content: " \\25B2"; }
th[aria-sort="descending"]::after { content: " \\25BC"; }
.scroll { max-height: 32em; overflow: auto; }
.none, .note { color: var(--muted); font-style: italic; }
ul.warnings { background: #fff8e1; border: 1px solid #f5c542; padding: 0.6em 1.6em; }
pre.traceback { background: #f8f9fb; border: 1px solid var(--line); padding: 0.6em;
  overflow: auto; font-size: 0.8em; }
footer { margin-top: 2.5em; padding-top: 0.6em; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 0.82em; }
footer span { margin-right: 1.5em; }
"""
SORT_SCRIPT = """
function key(cell) {  /* data-v when given, else the text shown */
  var v = cell.getAttribute("data-v");
  return v === null ? cell.textContent : v;
}
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var up = th.getAttribute("aria-sort") !== "ascending";
      var num = th.getAttribute("data-kind") === "num";
      var body = table.tBodies[0];
      table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", up ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = key(a.cells[col]), y = key(b.cells[col]);
        if (x === y) { return 0; }
        if (x === "") { return 1; }  /* blanks last either way */
        if (y === "") { return -1; }
        var d = num ? parseFloat(x) - parseFloat(y) : (x < y ? -1 : 1);
        return up ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""


@cache
def plotly_bundle() -> str:
    """The vendored plotly.js finance bundle's text (see ``ops/vendor/README.md``)."""
    return (files("vibetrading_V2.ops") / "vendor" / "plotly-finance.min.js").read_text("utf-8")


def _cards(summary: Mapping[str, object]) -> str:
    layout = {f.key: f for _, figures in SUMMARY_GROUPS for f in figures}
    cards = []
    for key in HEADER_CARDS:
        figure = layout[key]
        text = figure_text(figure, summary.get(key))
        if figure.unit == "time" and text.endswith("Z"):  # 2017-04-19 09:00 UTC: fits a card
            text = text[:-1].replace("T", " ").removesuffix(":00") + " UTC"
        cards.append(
            f'<div class="card" data-key="{key}"><div class="label">'
            f"{html.escape(figure.heading)}</div>"
            f'<div class="value">{html.escape(text)}</div></div>'
        )
    return '<div class="cards" id="cards">\n' + "\n".join(cards) + "\n</div>"


def _metrics(summary: Mapping[str, object]) -> str:
    blocks = []
    for title, rows in grouped_figures(summary):
        lines = "\n".join(
            f'<tr data-key="{f.key}"><td>{html.escape(f.heading)}</td>'
            f'<td class="value">{html.escape(text)}</td></tr>'
            for f, text in rows
        )
        blocks.append(
            f'<div class="group" data-group="{html.escape(title)}"><h3>{html.escape(title)}</h3>'
            f'<table class="metrics">\n{lines}\n</table></div>'
        )
    if not blocks:
        return '<div id="metrics">' + '<p class="none">none — the summary is empty</p></div>'
    return '<div class="groups" id="metrics">\n' + "\n".join(blocks) + "\n</div>"


def _other_figures(summary: Mapping[str, object]) -> str:
    """Summary figures the layout does not list (e.g. per-strategy PnL), so none is hidden."""
    known = {f.key for _, figures in SUMMARY_GROUPS for f in figures}
    known |= set(FOOTER_KEYS) | set(_NESTED)
    rest = {k: v for k, v in summary.items() if k not in known}
    flat = {
        k: v for k, v in flatten_summary(rest).items()
        if not (isinstance(v, list) and any(isinstance(x, Mapping) for x in v))
    }  # fmt: skip
    if not flat:
        return ""
    lines = "\n".join(
        f'<tr><td>{html.escape(k)}</td><td class="value">{html.escape(display_value(v))}</td></tr>'
        for k, v in flat.items()
    )
    table = f'<table class="metrics" id="other-figures">\n{lines}\n</table>'
    return f'<h2 id="other">Other figures</h2>\n{table}'


def _footer(summary: Mapping[str, object]) -> str:
    parts = [
        f'<span data-key="{key}">{html.escape(key)}: {html.escape(display_value(summary.get(key)))}'
        "</span>"
        for key in FOOTER_KEYS
    ]
    return '<footer id="identity">' + "".join(parts) + "</footer>"


def _number(summary: Mapping[str, object], key: str) -> float | None:
    value = summary.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _section(section_id: str, title: str, body: str, *, scroll: bool = False) -> str:
    if scroll and body.startswith("<table"):
        body = f'<div class="scroll">{body}</div>'
    return f'<section id="{section_id}">\n<h2>{html.escape(title)}</h2>\n{body}\n</section>'


def render_report_html(
    *,
    title: str,
    summary: Mapping[str, object],
    equity: pd.DataFrame,
    trades: pd.DataFrame,
    prices: Mapping[str, pd.DataFrame],
    strategy_equity: pd.DataFrame | None = None,
) -> str:
    """The whole report page as text (frames already in the ``ops.report`` schemas)."""
    initial = _number(summary, "initial_equity")
    changes = summary.get("trading_state_changes")
    changes = [c for c in changes if isinstance(c, Mapping)] if isinstance(changes, list) else []
    times = utc_times(equity["timestamp"], "equity.timestamp")
    values = equity["equity"].to_numpy(dtype=float)
    base = initial if initial is not None else (float(values[0]) if len(values) else 1.0)
    charts = timeline_div(
        equity, trades, prices, times=times, initial_equity=base, state_changes=changes,
        strategy_pnl=strategy_equity,
    )
    body = [
        f"<h1>{html.escape(title)}</h1>",
        warnings_block(summary),
        _cards(summary),
        _section("metrics-section", "Metrics", _metrics(summary)),
        _section("charts", "Equity, drawdown and prices", charts),
        _section("monthly", "Monthly returns [%]",
                 monthly_table(monthly_returns(times, values, base))),
        _section("trades-section", f"Trades ({len(trades):,})", trades_table(trades),
                 scroll=True),
        _section("per-symbol-section", "Per symbol", per_symbol_table(trades)),
        _section("exit-reasons-section", "Exit reasons", exit_reason_table(trades)),
        _section("per-strategy-section", "Per strategy", strategies_table(summary)),
        _section("vetoes-section", "Vetoed intents",
                 reason_section(summary, "vetoes", "vetoes")),
        _section("resizes-section", "Resized intents",
                 reason_section(summary, "resizes", "resizes")),
        _section("errors-section", "Strategy errors", strategy_errors_section(summary)),
        _section("open-positions-section", "Open positions at the end",
                 open_positions_section(summary)),
        _other_figures(summary),
        _footer(summary),
    ]  # fmt: skip
    head = (
        '<meta charset="utf-8">\n<meta name="viewport" content="width=device-width">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n"
        f'<script type="text/javascript">{plotly_bundle()}</script>'
    )
    page = "\n".join(part for part in body if part)
    return (
        f'<!DOCTYPE html>\n<html lang="en">\n<head>\n{head}\n</head>\n<body>\n{page}\n'
        f"<script>{SORT_SCRIPT}</script>\n</body>\n</html>\n"
    )
