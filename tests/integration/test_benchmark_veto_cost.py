"""The veto-cost benchmark still runs end to end on a small input (no timing is asserted)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.bench_veto_cost import main


def test_veto_benchmark_when_run_on_small_input_then_every_intent_is_an_order_or_a_veto(
    tmp_path: Path,
) -> None:
    assert main(["--bars", "400", "--repeat", "1", "--out", str(tmp_path)]) == 0
    figures = json.loads((tmp_path / "veto_cost_400.json").read_text())
    assert figures["orders_accepted_run"] == figures["vetoes_vetoed_run"] == 400
    for key in ("accepted_us_per_intent", "vetoed_us_per_intent", "ratio_vetoed_to_accepted"):
        assert isinstance(figures[key], float)
