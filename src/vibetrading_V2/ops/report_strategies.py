"""The report's per-strategy table: each strategy's share of the account's PnL.

Read from ``summary.json``'s ``strategies`` rows (``portfolio/attribution.py``), with a
total row: the strategies' net PnLs add up to the account's.
"""

from __future__ import annotations

from collections.abc import Mapping

from vibetrading_V2.ops.report_tables import Cell, html_table, none_note

__all__ = ["strategies_table"]

_MONEY = (("realized_pnl", "Realised PnL"), ("unrealized_pnl", "Unrealised PnL"),
          ("fees", "Fees"), ("net_pnl", "Net PnL"))  # fmt: skip


def _number(row: Mapping[str, object], key: str) -> float:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) else float("nan")


def _money(value: float) -> Cell:
    return Cell(f"{value:,.2f}", value)


def strategies_table(summary: Mapping[str, object]) -> str:
    """Strategy, trades, realised, unrealised, fees, net PnL and return, then the total."""
    given = summary.get("strategies")
    rows = [r for r in given if isinstance(r, Mapping)] if isinstance(given, list) else []
    if not rows:
        return none_note("no strategy traded")
    cells = []
    for row in rows:
        trades = _number(row, "n_trades")
        cells.append([
            Cell(str(row.get("strategy_id", ""))), Cell(f"{trades:,.0f}", trades),
            *(_money(_number(row, key)) for key, _ in _MONEY),
            Cell(f"{_number(row, 'return_pct'):,.2f}", _number(row, "return_pct")),
        ])
    if len(rows) > 1:
        trades = sum(_number(r, "n_trades") for r in rows)
        cells.append([
            Cell("total"), Cell(f"{trades:,.0f}", trades),
            *(_money(sum(_number(r, key) for r in rows)) for key, _ in _MONEY),
            Cell(f"{sum(_number(r, 'return_pct') for r in rows):,.2f}"),
        ])
    headings = [("Strategy", "text"), ("Trades", "num"),
                *((label, "num") for _, label in _MONEY), ("Return [%]", "num")]
    return html_table(headings, cells, table_id="per-strategy")
