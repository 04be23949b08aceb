"""The report's account of what the run refused, resized, failed at and still holds.

Reads the nested diagnostics of ``summary.json`` (``vetoes``, ``resizes``,
``strategy_errors``, ``open_positions``, ``warnings``). Each is optional and may be of an
older shape (a bare count): a section then says "none" or shows the count, never raises,
because a report must render whatever run it is given.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from vibetrading_V2.ops.formatting import display_value
from vibetrading_V2.ops.report_tables import Cell, html_table, none_note

__all__ = [
    "open_positions_section",
    "reason_section",
    "strategy_errors_section",
    "warnings_block",
]


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, Mapping) else {}


def _rows(value: object) -> list[Mapping[str, object]]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [row for row in value if isinstance(row, Mapping)]


def _text(value: object) -> str:
    return "-" if value is None or value == "" else display_value(value)


def _count(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def reason_section(summary: Mapping[str, object], key: str, table_id: str) -> str:
    """``vetoes`` or ``resizes``: one row per (stage, reason) with its count and first time."""
    block = summary.get(key)
    rows = _rows(_mapping(block).get("by_reason"))
    total = _mapping(block).get("total", block if _count(block) is not None else None)
    if not rows:
        if _count(total):
            return none_note(f"{display_value(total)} in all, no breakdown by reason")
        return none_note(f"no {key}")
    with_detail = any("detail" in row for row in rows)
    headings = [("Stage", "text"), ("Reason", "text"), ("Count", "num"),
                ("First time", "text"), ("Symbol", "text")]  # fmt: skip
    if with_detail:
        headings.append(("Detail", "text"))
    cells = []
    for row in rows:
        line = [Cell(_text(row.get("stage"))), Cell(_text(row.get("reason"))),
                Cell(_text(row.get("count"))), Cell(_text(row.get("first_time"))),
                Cell(_text(row.get("symbol")))]  # fmt: skip
        if with_detail:
            line.append(Cell(_text(row.get("detail"))))
        cells.append(line)
    caption = f"<p>{html.escape(display_value(total))} in all</p>\n" if total is not None else ""
    return caption + html_table(headings, cells, table_id=table_id)


def strategy_errors_section(summary: Mapping[str, object]) -> str:
    """How often the strategy raised, whether it was disabled, and its first traceback."""
    block = summary.get("strategy_errors")
    errors = _mapping(block)
    count = _count(errors.get("count", block))
    if not count:
        return none_note("the strategy raised no error")
    disabled = bool(errors.get("disabled", summary.get("strategy_disabled", False)))
    facts = [
        ("Errors", display_value(int(count))),
        ("Disabled", "yes, at " + _text(errors.get("disabled_time")) if disabled else "no"),
        ("First error at", _text(errors.get("first_time"))),
        ("First error", _text(errors.get("first_error"))),
    ]
    table = html_table([("", "text"), ("", "text")], [[Cell(k), Cell(v)] for k, v in facts],
                       table_id="strategy-errors")
    trace = errors.get("first_traceback")
    if isinstance(trace, str) and trace:
        table += f'\n<pre class="traceback">{html.escape(trace)}</pre>'
    return table


_POSITION_COLUMNS = (
    ("strategy_id", "Strategy", "text"), ("symbol", "Symbol", "text"),
    ("direction", "Side", "text"), ("quantity", "Qty", "num"),
    ("entry_time", "Entry time", "text"), ("entry_price", "Entry price", "num"),
    ("last_price", "Last price", "num"), ("unrealised_pnl", "Unrealised PnL", "num"),
    ("return_pct", "Return [%]", "num"),
)  # fmt: skip


def _position_text(key: str, value: object) -> str:
    if key in ("unrealised_pnl", "return_pct") and _count(value) is not None:
        return f"{_count(value):,.2f}"
    return _text(value)


def open_positions_section(summary: Mapping[str, object]) -> str:
    """Positions still open when the data ended, with their unrealised PnL."""
    rows = _rows(summary.get("open_positions"))
    if not rows:
        return none_note("no position open at the end")
    headings = [(title, kind) for _, title, kind in _POSITION_COLUMNS]
    cells = [[Cell(_position_text(key, row.get(key))) for key, _, _ in _POSITION_COLUMNS]
             for row in rows]  # fmt: skip
    return html_table(headings, cells, table_id="open-positions")


def warnings_block(summary: Mapping[str, object]) -> str:
    """The run's warnings (a halt, a disabled strategy, ...) as a highlighted list."""
    items = summary.get("warnings")
    if not isinstance(items, Sequence) or isinstance(items, str) or not items:
        return ""
    lines = "".join(f"<li>{html.escape(str(item))}</li>" for item in items)
    return f'<ul class="warnings" id="warnings">{lines}</ul>'
