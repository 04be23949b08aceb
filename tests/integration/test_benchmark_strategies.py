"""The five-strategies benchmark still runs end to end on a small input (no timing asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.bench_strategies import PAIRS, main


def test_benchmark_when_run_on_small_input_then_five_strategies_trade_on_one_account(
    tmp_path: Path,
) -> None:
    assert main(["--bars", "3000", "--repeat", "1", "--out", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "strategies_3000.json").read_text())
    for key in ("one_seconds", "five_seconds", "ratio_to_one", "ratio_to_five_ones",
                "ratio_to_five_ones_median", "five_ones_seconds", "five_peak_rss_mb"):
        assert figures[key] > 0, key
    assert len(figures["ratio_to_five_ones_by_turn"]) == 1
    per_strategy = figures["five_trades_per_strategy"]
    assert sorted(per_strategy) == [f"sma_pair_{k}@1.0.0" for k in range(1, len(PAIRS) + 1)]
    assert all(n > 0 for n in per_strategy.values())
    assert figures["five_n_trades"] == sum(per_strategy.values())
    # the first pair is the one-strategy run's SMA(10)/SMA(30): beside four others it makes
    # the same trades
    assert per_strategy["sma_pair_1@1.0.0"] == figures["one_n_trades"]
