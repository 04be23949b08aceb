"""What each section of ``report.html`` shows, from a run with every diagnostic filled."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.integration.report_fixtures import (
    chart_data,
    equity_frame,
    full_summary,
    trades_frame,
    write_full_report,
)
from vibetrading_V2.ops.report_charts import MAX_TRADE_MARKERS
from vibetrading_V2.ops.report_html import plotly_bundle, render_report_html
from vibetrading_V2.ops.summary_layout import HEADER_CARDS

VENDOR = Path(__file__).resolve().parents[2] / "src/vibetrading_V2/ops/vendor"


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> str:
    return write_full_report(tmp_path_factory.mktemp("full")).read_text(encoding="utf-8")


def _between(text: str, start: str, end: str) -> str:
    return text[text.index(start) : text.index(end, text.index(start))]


def test_report_cards_when_full_summary_then_each_card_has_its_unit_and_sign(text: str) -> None:
    cards = _between(text, '<div class="cards"', "</div>\n<section")
    assert re.findall(r'data-key="([^"]+)"', cards) == list(HEADER_CARDS)
    assert '<div class="label">Max drawdown</div><div class="value">-7.25 %</div>' in cards
    assert '<div class="label">Return</div><div class="value">1.23 %</div>' in cards
    assert '<div class="label">Duration [days]</div><div class="value">70.0</div>' in cards
    assert '<div class="label">Start</div><div class="value">2024-01-01 00:00 UTC</div>' in cards
    assert "config_hash" not in cards and "abc123def4567890" not in cards


def test_report_metrics_when_full_summary_then_groups_in_layout_order_identity_in_footer(
    text: str,
) -> None:
    metrics = _between(text, '<div class="groups" id="metrics">', "</section>")
    groups = re.findall(r'data-group="([^"]+)"', metrics)
    assert groups == ["Period", "Returns", "Risk", "Trades", "Activity"]
    assert "1h bars, 24x7 session: 8,760 periods a year" in metrics
    assert "abc123def4567890" not in metrics and "engine_seconds" not in text
    footer = _between(text, '<footer id="identity">', "</footer>")
    for shown in ("strategy_id: s1@1.0.0", "env: dev", "config_hash: abc123def4567890",
                  "build: compiled"):  # fmt: skip
        assert shown in footer


def test_report_diagnostics_when_present_then_tables_show_each_row(text: str) -> None:
    vetoes = _between(text, '<section id="vetoes-section">', "</section>")
    assert "7 in all" in vetoes and "max_drawdown_halt" in vetoes and "warming_up" in vetoes
    resizes = _between(text, '<section id="resizes-section">', "</section>")
    assert "per_trade_risk_cap" in resizes and "asked 1,000, sized 10.6" in resizes
    errors = _between(text, '<section id="errors-section">', "</section>")
    assert "ZeroDivisionError: division by zero" in errors
    assert '<pre class="traceback">Traceback (most recent call last):' in errors
    positions = _between(text, '<section id="open-positions-section">', "</section>")
    assert '<td class="n">111</td>' in positions
    assert "trading HALTED at 2024-02-01T00:00:00Z" in _between(text, "<ul class", "</ul>")


def test_report_tables_when_trades_then_per_symbol_and_exit_reason_rows(text: str) -> None:
    per_symbol = _between(text, '<table id="per-symbol"', "</table>")
    assert re.findall(r"<tr><td>(\w+)</td>", per_symbol) == ["AAA", "BBB"]
    reasons = _between(text, '<table id="exit-reasons"', "</table>")
    assert re.findall(r"<tr><td>(\w+)</td>", reasons) == [
        "open", "risk", "signal", "stop", "take_profit",
    ]  # fmt: skip
    trades = _between(text, '<table id="trades"', "</table>")
    assert trades.count("<tr>") == 1 + len(trades_frame())
    assert '<td class="n" data-v="1.66666666667">1d 16:00</td>' in trades  # 40 hours


def test_report_charts_when_state_changes_then_lines_and_buy_and_hold_drawn(text: str) -> None:
    traces, layout = chart_data(text)
    names = [t.get("name") for t in traces]
    assert names[:3] == ["equity", "buy & hold (equal weight)", "drawdown"]
    assert [t["type"] for t in traces].count("candlestick") == 2
    assert [s["x0"] for s in layout["shapes"]] == [
        pd.Timestamp("2024-02-01", tz="UTC").value / 1e6,
        pd.Timestamp("2024-02-15", tz="UTC").value / 1e6,
    ]
    assert "ACTIVE → HALTED" in [a["text"] for a in layout["annotations"]]
    hold = traces[1]["y"]
    assert hold[0] == pytest.approx(100_000.0)
    exits = next(t for t in traces if t["name"] == "AAA exits")
    assert len(exits["x"]) == 2  # the open trade has no exit marker


def test_report_when_summary_has_old_shapes_then_sections_still_render() -> None:
    old = {"vetoes": 67, "strategy_errors": 11, "strategy_disabled": True, "sharpe": 1.0}
    text = render_report_html(
        title="old", summary=old, equity=equity_frame(), prices={},
        trades=trades_frame().drop(columns=["exit_reason"]),
    )  # fmt: skip
    assert "none — 67 in all, no breakdown by reason" in text
    assert "yes, at -" in text  # disabled, time unknown
    assert "none — trades.csv has no exit_reason column" in text


def test_report_when_a_million_bars_then_page_stays_small_and_every_marker_kept() -> None:
    n = 1_000_000
    idx = pd.date_range("2020-01-01", periods=n, freq="min", tz="UTC")
    bars = pd.DataFrame({"open": 1.0, "high": 1.5, "low": 0.5, "close": 1.0, "volume": 1.0},
                        index=idx)  # fmt: skip
    bars.iloc[123_456, 1] = 9.0  # one spike: it must survive the merge into wider candles
    equity = pd.DataFrame({"timestamp": idx, "equity": 1e5, "cash": 1e5,
                           "gross_exposure": 0.0, "drawdown": 0.0})  # fmt: skip
    trades = trades_frame().assign(symbol="AAA")
    page = render_report_html(title="1M", summary=full_summary(), equity=equity, trades=trades,
                              prices={"AAA": bars})  # fmt: skip
    assert len(page.encode()) < len(plotly_bundle()) + 400_000
    traces, _ = chart_data(page)
    candles = next(t for t in traces if t["type"] == "candlestick")
    assert len(candles["x"]) <= 1500 and max(candles["high"]) == 9.0
    assert sum(len(t["x"]) for t in traces if t.get("mode") == "markers") == 9  # none thinned


def test_report_when_a_symbol_has_more_trades_than_markers_then_largest_marked_and_said() -> None:
    one = trades_frame().iloc[[0]]
    n = MAX_TRADE_MARKERS + 7
    trades = pd.concat([one] * n, ignore_index=True)
    # net PnL 0, 1, -2, 3, ...: the largest wins and losses are the last trades
    trades["net_pnl"] = [(-1.0) ** i * i for i in range(n)]
    page = render_report_html(title="many", summary=full_summary(), equity=equity_frame(),
                              trades=trades, prices={})  # fmt: skip
    traces, layout = chart_data(page)
    entries = next(t for t in traces if t["name"] == "AAA long entries")
    assert sorted(map(abs, entries["customdata"])) == list(range(7, n))  # the largest, in order
    titles = [a["text"] for a in layout["annotations"]]
    assert f"AAA: no prices; 500 of {n:,} trades marked, the largest wins and losses " \
        "(trades.csv has all)" in titles
    assert f"Trades ({n:,})" in page


def test_report_bundle_when_vendored_then_checksum_and_version_match_its_readme() -> None:
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    digest = hashlib.sha256((VENDOR / "plotly-finance.min.js").read_bytes()).hexdigest()
    assert f"sha256  {digest}  plotly-finance.min.js" in readme
    version = re.search(r"version \*\*([\d.]+)\*\*", readme)
    assert version and f"(finance - minified) v{version.group(1)}\n" in plotly_bundle()[:200]
