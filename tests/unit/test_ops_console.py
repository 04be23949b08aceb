"""The console summary: grouped as ``ops.summary_layout`` says, units shown, nothing dropped."""

from __future__ import annotations

import io
import time

from rich.console import Console

from vibetrading_V2.ops.console import RunProgress, print_summary_table, summary_footer


def _printed(summary: dict[str, object]) -> str:
    buffer = io.StringIO()
    print_summary_table(summary, Console(file=buffer, width=100, color_system=None))
    return buffer.getvalue()


def test_summary_table_when_printed_then_groups_in_layout_order_with_units() -> None:
    text = _printed({"sharpe": 1.5, "total_return_pct": 12.5, "bars": 2148, "n_trades": 3,
                     "duration_days": 30.0})

    assert text.index("Period") < text.index("Returns") < text.index("Risk") < text.index(
        "Trades"
    )
    assert "Return " in text and "12.50 %" in text and "[%]" not in text
    assert "Duration [days]" in text
    assert "2,148" in text and "1.500" in text


def test_summary_table_when_key_outside_layout_then_listed_under_other() -> None:
    text = _printed({"bars": 5, "mystery_figure": 7, "vetoes": {"total": 2, "by_reason": []}})

    assert "Other" in text and "mystery_figure" in text
    assert "by_reason" not in text  # nested diagnostics have tables of their own


def test_summary_table_when_identity_and_timing_given_then_footer_not_figures() -> None:
    text = _printed({"bars": 5, "strategy_id": "s@1.0.0", "env": "dev", "config_hash": "ab",
                     "engine_seconds": 0.5, "bars_per_second": 10.0})

    footer = text.strip().splitlines()[-1]
    assert "s@1.0.0" in footer and "config_hash ab" in footer and "0.50 s" in footer
    assert "Other" not in text


def test_summary_footer_when_run_is_paced_below_one_bar_a_second_then_rate_not_zero() -> None:
    slow = summary_footer({"engine_seconds": 3.23, "bars_per_second": 0.3096})
    fast = summary_footer({"engine_seconds": 0.5, "bars_per_second": 185_578.4})

    assert "(0.31 bars/s)" in slow
    assert "(185,578 bars/s)" in fast


def test_run_progress_when_run_is_short_then_nothing_is_printed() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, force_terminal=True)
    with RunProgress(console, lambda: 10, delay=5.0) as progress:
        progress.advance(10)

    assert buffer.getvalue() == ""


def test_run_progress_when_run_is_long_then_total_and_eta_are_shown() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=100, force_terminal=True)
    with RunProgress(console, lambda: 1_000, delay=0.0) as progress:
        deadline = time.monotonic() + 5.0
        while not progress.shown and time.monotonic() < deadline:  # the timer's thread
            time.sleep(0.01)
        progress.advance(250)
        progress._progress.refresh()  # what the display's own thread does ten times a second

    shown = buffer.getvalue()
    assert "250/1000" in shown and "ETA" in shown


def test_run_progress_when_label_and_status_given_then_the_line_shows_both() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, force_terminal=True)
    calls: list[int] = []

    def status() -> str:
        calls.append(1)
        return f"2017-05-0{len(calls)}T00:00:00Z  equity 100,000.00"

    with RunProgress(console, lambda: 10, delay=0.0, label="paper", status=status) as progress:
        deadline = time.monotonic() + 5.0
        while not progress.shown and time.monotonic() < deadline:
            time.sleep(0.01)
        progress.advance(1)
        progress.advance(1)
        progress._progress.refresh()

    shown = buffer.getvalue()
    assert "paper" in shown and "2/10" in shown
    assert "2017-05-02T00:00:00Z  equity 100,000.00" in shown  # the newest status
    assert len(calls) == 2  # computed on advance, in the caller's thread
