"""Which summary figures a person sees, in which group and order, and in which unit.

``summary.json`` holds the figures under the keys below (its keys are sorted on write); the
console table, the report's cards and its metrics table all read this one layout, so they
show the same figures in the same grouped order with the same units. Percentages are stored
as percent numbers (``12.5`` is 12.5 %), durations in days, money in the account currency.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from vibetrading_V2.ops.formatting import display_value

__all__ = [
    "FOOTER_KEYS",
    "HEADER_CARDS",
    "SESSION_KEYS",
    "SUMMARY_GROUPS",
    "Figure",
    "figure_text",
    "grouped_figures",
]

Unit = Literal["text", "time", "count", "money", "pct", "days", "ratio"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One summary figure as people see it: its key in ``summary.json``, label and unit."""

    key: str
    label: str
    unit: Unit

    @property
    def heading(self) -> str:
        """The label with the unit its value does not show, e.g. ``Duration [days]``.

        A percent is labelled once, by its value (``12.50 %``).
        """
        return f"{self.label} [days]" if self.unit == "days" else self.label


def _figures(*rows: tuple[str, str, Unit]) -> tuple[Figure, ...]:
    return tuple(Figure(key, label, unit) for key, label, unit in rows)


SUMMARY_GROUPS: tuple[tuple[str, tuple[Figure, ...]], ...] = (
    ("Period", _figures(
        ("start", "Start", "time"),
        ("end", "End", "time"),
        ("duration_days", "Duration", "days"),
        ("timeframe", "Timeframe", "text"),
        ("symbols", "Symbols", "text"),
        ("bars", "Bars", "count"),
        ("annualisation", "Annualisation", "text"),
    )),
    ("Returns", _figures(
        ("initial_equity", "Initial equity", "money"),
        ("final_equity", "Final equity", "money"),
        ("peak_equity", "Peak equity", "money"),
        ("total_return_pct", "Return", "pct"),
        ("buy_hold_return_pct", "Buy & hold return", "pct"),
        ("annual_return_pct", "Return (ann.)", "pct"),
        ("annual_volatility_pct", "Volatility (ann.)", "pct"),
        ("cagr_pct", "CAGR", "pct"),
        ("exposure_pct", "Exposure time", "pct"),
        ("fees", "Fees", "money"),
        ("deposits", "Deposits (paper top-ups)", "money"),  # a paper session's only
        ("epochs", "Top-up epochs", "count"),
        ("net_pnl", "PnL (deposits excluded)", "money"),
    )),
    ("Risk", _figures(
        ("sharpe", "Sharpe ratio", "ratio"),
        ("sortino", "Sortino ratio", "ratio"),
        ("calmar", "Calmar ratio", "ratio"),
        ("max_drawdown_pct", "Max drawdown", "pct"),
        ("avg_drawdown_pct", "Avg drawdown", "pct"),
        ("max_drawdown_duration_days", "Max drawdown duration", "days"),
        ("avg_drawdown_duration_days", "Avg drawdown duration", "days"),
    )),
    ("Trades", _figures(
        ("n_trades", "Trades", "count"),
        ("win_rate_pct", "Win rate", "pct"),
        ("best_trade_pct", "Best trade", "pct"),
        ("worst_trade_pct", "Worst trade", "pct"),
        ("avg_trade_pct", "Avg trade", "pct"),
        ("max_trade_duration_days", "Max trade duration", "days"),
        ("avg_trade_duration_days", "Avg trade duration", "days"),
        ("profit_factor", "Profit factor", "ratio"),
        ("expectancy_pct", "Expectancy", "pct"),
        ("expectancy", "Expectancy per trade", "money"),
        ("sqn", "SQN", "ratio"),
        ("kelly", "Kelly criterion", "ratio"),
        ("n_open_positions", "Open positions at end", "count"),
    )),
    ("Activity", _figures(
        ("n_orders", "Orders", "count"),
        ("n_fills", "Fills", "count"),
        ("n_vetoes", "Vetoed intents", "count"),
        ("n_resizes", "Resized intents", "count"),
        ("n_strategy_errors", "Strategy errors", "count"),
        ("n_state_changes", "Trading-state changes", "count"),
    )),
)

SESSION_KEYS: tuple[str, ...] = ("deposits", "epochs", "net_pnl")
"""Figures only a paper session with top-ups has (``runner.results.deposit_figures``)."""

HEADER_CARDS: tuple[str, ...] = (
    "start", "end", "duration_days", "initial_equity", "final_equity", "total_return_pct",
    "cagr_pct", "sharpe", "max_drawdown_pct", "n_trades", "win_rate_pct", "exposure_pct",
)  # fmt: skip
"""Keys of the figures shown as cards at the top of the report, in this order."""

FOOTER_KEYS: tuple[str, ...] = ("strategy_id", "env", "config_hash", "build")
"""Keys that identify the run rather than measure it: the report's footer."""


def figure_text(figure: Figure, value: object) -> str:
    """``value`` as shown for ``figure``: ``"-"`` when missing, ``12.34 %`` for a percent."""
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Mapping):  # e.g. annualisation: its one-line basis
        return str(value.get("basis", display_value(value)))
    if figure.unit == "pct" and isinstance(value, int | float):
        return f"{value:,.2f} %"
    if figure.unit == "days" and isinstance(value, int | float):
        return f"{value:,.1f}"
    if figure.unit == "money" and isinstance(value, int | float):
        return f"{value:,.2f}"
    if figure.unit == "ratio" and isinstance(value, int | float):
        return f"{value:,.3f}"
    return display_value(value)


def grouped_figures(
    summary: Mapping[str, object],
) -> list[tuple[str, list[tuple[Figure, str]]]]:
    """Each group with its figures present in ``summary``, as ``(figure, text)`` pairs."""
    groups = []
    for title, figures in SUMMARY_GROUPS:
        rows = [(f, figure_text(f, summary[f.key])) for f in figures if f.key in summary]
        if rows:
            groups.append((title, rows))
    return groups
