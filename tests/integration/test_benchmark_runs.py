"""The benchmark still runs end to end on a small input (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.bench_sma_cross import floor_loop, main, ratio_figures, synthetic_bars


def test_benchmark_when_run_on_small_input_then_writes_engine_and_full_command_figures(
    tmp_path: Path,
) -> None:
    assert main(["--bars", "3000", "--out", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "sma_cross_3000.json").read_text())
    for key in ("engine_seconds", "bars_per_second", "floor_seconds", "ratio_to_floor",
                "ratio_to_floor_median", "ratio_to_fastest_floor_run",
                "peak_rss_mb", "n_trades", "outputs_seconds", "outputs_to_engine",
                "full_command_seconds", "full_command_peak_rss_mb", "full_command_to_engine"):
        assert key in figures
    assert figures["n_trades"] > 0
    assert figures["build"] in ("compiled", "plain-python")
    assert "report.html" in figures["full_command_output_mb"]


def test_synthetic_bars_when_generated_then_deterministic_and_consistent() -> None:
    first, second = synthetic_bars(2000), synthetic_bars(2000)
    assert first.equals(second)
    assert (first["high"] >= first[["open", "close"]].max(axis=1)).all()
    assert (first["low"] <= first[["open", "close"]].min(axis=1)).all()
    assert floor_loop(first["close"].tolist()) > 0


def test_ratio_figures_when_floors_ran_back_to_back_then_a_turn_is_weighed_by_their_mean() -> None:
    figures = ratio_figures([0.50, 0.45], [[0.20, 0.10, 0.15], [0.16, 0.14, 0.15]])
    assert figures["floor_seconds"] == 0.15
    assert figures["ratio_to_floor"] == 3.0
    assert figures["ratio_to_floor_by_turn"] == [3.33, 3.0]
    assert figures["ratio_to_floor_median"] == 3.17
    assert figures["ratio_to_fastest_floor_run"] == 4.5
