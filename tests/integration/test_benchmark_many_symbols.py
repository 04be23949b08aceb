"""The many-symbols benchmark still runs end to end on a toy size (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.bench_many_symbols import main


def test_many_symbols_benchmark_when_run_on_toy_size_then_every_symbol_trades_and_ratio_given(
    tmp_path: Path,
) -> None:
    argv = ["--symbols", "3", "--bars-per-symbol", "400", "--out", str(tmp_path)]
    assert main(argv) == 0
    figures = json.loads((tmp_path / "many_symbols_3x400.json").read_text())
    assert figures["bars"] == 1200
    assert figures["one_symbol_n_trades"] > 0
    assert figures["n_trades"] > figures["one_symbol_n_trades"]  # the other symbols trade too
    assert figures["n_vetoes"] == 0  # the account is never drained: every intent trades
    # the symbols alone trade as they do together (the account is never short of cash)
    assert figures["each_alone_n_trades"] == figures["n_trades"]
    for key in ("engine_seconds", "us_per_bar", "one_symbol_us_per_bar",
                "per_bar_ratio_to_one_symbol", "per_bar_ratio_to_each_alone",
                "per_bar_cpu_ratio_to_each_alone", "per_bar_cpu_ratio_to_each_alone_median",
                "peak_rss_mb", "loop_peak_rss_mb"):
        assert isinstance(figures[key], float)


def test_many_symbols_benchmark_when_chunked_then_streams_batches_with_the_same_trades(
    tmp_path: Path,
) -> None:
    size = ["--symbols", "3", "--bars-per-symbol", "400", "--one-symbol-repeat", "1"]
    streamed = ["--chunk-rows", "300", "--one-batch-rows", "0"]
    assert main([*size, *streamed, "--out", str(tmp_path / "chunked")]) == 0
    assert main([*size, "--one-batch", "--out", str(tmp_path / "whole")]) == 0
    chunked, whole = (json.loads((tmp_path / d / "many_symbols_3x400.json").read_text())
                      for d in ("chunked", "whole"))
    assert chunked["feed_batches"] == 4 and chunked["feed_largest_batch_rows"] == 300
    assert whole["feed_batches"] == 1 and whole["chunk_rows"] is None
    assert chunked["n_trades"] == whole["n_trades"] > 0
