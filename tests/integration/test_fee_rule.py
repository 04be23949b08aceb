"""The one fee rule, end to end: the cost policy a run configures is what its simulator charges.

Sizing and the risk gate estimate no fees; the only consumer of ``policies.cost`` is the
simulator the composition root builds, and it charges a minimum commission per order.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.containers import build_container
from cli.settings import load_settings
from tests.integration.data_files import ROOT, settings_for
from tests.unit.simulator_helpers import buy, flat_bar
from vibetrading_V2.execution import Simulator

_COST = {"commission_bps": 10.0, "fixed_fee": 1.0, "min_fee": 5.0, "slippage_bps": 0.0}


def _simulator(tmp_path: Path) -> tuple[Simulator, dict[str, float]]:
    strategy = ROOT / "strategies" / "my_strategy_a.py"
    settings = load_settings(
        "dev",
        ROOT / "config",
        policies={"cost": _COST},
        execution={"max_volume_participation": 0.5},
        **settings_for(tmp_path, strategy, ROOT / "data" / "curated"),
    )
    container = build_container(settings)
    try:
        simulator = container.execution()
        policy = container.policies().cost.model_dump()
    finally:
        container.logger().close()
    assert isinstance(simulator, Simulator)
    return simulator, policy


def test_fee_rule_when_run_is_built_then_simulator_charges_the_merged_cost_policy(
    tmp_path: Path,
) -> None:
    simulator, policy = _simulator(tmp_path)
    config = simulator.config
    charged = {name: getattr(config, name) for name in policy}
    assert charged == policy
    assert policy == {**_COST, "commission_bps": 1.0}  # the bundled strategy's override wins


def test_fee_rule_when_order_fills_in_two_parts_then_minimum_paid_once(tmp_path: Path) -> None:
    simulator, _ = _simulator(tmp_path)
    flat_bar(simulator, 1, 100.0)
    simulator.submit(buy("o1", 10))
    flat_bar(simulator, 2, 100.0, volume=10.0)  # 5 of 10 at 100: max(5, 0.05 + 1) = 5
    flat_bar(simulator, 3, 100.0, volume=10.0)  # all 10: max(5, 0.1 + 1) = 5, nothing more
    fees = [fill.fee for fill in simulator.drain_fills()]
    assert fees == pytest.approx([5.0, 0.0])
    assert simulator.fees_paid == pytest.approx(simulator.config.order_fee(1_000.0)) == 5.0
