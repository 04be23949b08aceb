"""The per-strategy outputs on disk: the report's table and ``strategy_equity.csv``."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from tests.integration.report_fixtures import IDX, full_summary, write_full_report


def _rows(html: str) -> list[list[str]]:
    table = html.split('id="per-strategy"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td[^>]*>([^<]*)</td>", row) for row in table.split("<tr>")[2:]]


def test_report_when_two_strategies_then_a_row_each_and_their_total(tmp_path: Path) -> None:
    html = write_full_report(tmp_path).read_text(encoding="utf-8")
    assert 'id="per-strategy-section"' in html
    rows = _rows(html)
    assert [r[0] for r in rows] == ["s1@1.0.0", "s2@1.0.0", "total"]
    assert rows[2][1:6] == ["4", "18.00", "1.00", "2.50", "16.50"]


def test_report_when_no_strategy_rows_then_the_section_says_none(tmp_path: Path) -> None:
    summary = {k: v for k, v in full_summary().items() if k != "strategies"}
    html = write_full_report(tmp_path, summary=summary).read_text(encoding="utf-8")
    section = html.split('id="per-strategy-section"', 1)[1].split("</section>", 1)[0]
    assert "none — no strategy traded" in section


def test_outputs_when_strategy_equity_given_then_written_else_an_old_one_removed(
    tmp_path: Path,
) -> None:
    frame = pd.DataFrame({"timestamp": IDX[:3], "a@1": [0.0, 1.5, -2.0], "b@1": [0.0, 0.0, 3.25]})
    write_full_report(tmp_path, strategy_equity=frame)
    written = (tmp_path / "strategy_equity.csv").read_text(encoding="utf-8")
    assert written.splitlines() == [
        "timestamp,a@1,b@1", "2024-01-01T00:00:00Z,0,0", "2024-01-01T01:00:00Z,1.5,0",
        "2024-01-01T02:00:00Z,-2,3.25"]
    write_full_report(tmp_path)
    assert not (tmp_path / "strategy_equity.csv").exists()
