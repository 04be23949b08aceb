"""Several strategies in one container: one slot each over one account, and the settings
that cannot be shared refused before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cli.containers import Container, build_container
from cli.settings import load_settings
from tests.integration.data_files import ROOT
from tests.integration.strategy_files import write_sma
from vibetrading_V2.core.errors import ConfigError

DATA = ROOT / "data" / "curated"


def _container(tmp_path: Path, names: list[str], **more: Any) -> Container:
    settings = load_settings(
        "dev", ROOT / "config",
        strategy={"directory": str(tmp_path / "strategies")},
        strategies=[{"name": name} for name in names],
        data={"catalog": str(DATA), "user_catalog": None},
        output={"directory": str(tmp_path / "out")},
        logging={"console_level": "off"},
        **more,
    )
    return build_container(settings)


def test_container_when_two_strategies_then_one_slot_each_over_one_account(
    tmp_path: Path,
) -> None:
    write_sma(tmp_path / "strategies", "one")
    write_sma(tmp_path / "strategies", "two", fast=5, slow=20,
              sizing='SizingOverride(model="fixed_notional", fixed_notional=5000.0)')
    container = _container(tmp_path, ["one", "two"])
    try:
        slots = container.slots()
        assert [s.strategy_id for s in slots] == ["one@1.0.0", "two@1.0.0"]
        assert slots[0].pipeline is not slots[1].pipeline
        assert [p.policies.sizing.model for p in container.planned()] == [
            "fixed_quantity", "fixed_notional"]
        assert container.strategy_label() == "one@1.0.0, two@1.0.0"
    finally:
        container.logger().close()


def test_container_when_universes_differ_then_the_feed_carries_their_union(
    tmp_path: Path,
) -> None:
    write_sma(tmp_path / "strategies", "one", universe=("EURUSD",))
    write_sma(tmp_path / "strategies", "two", universe=("GBPUSD", "EURUSD"))
    container = _container(tmp_path, ["one", "two"])
    assert container.symbols() == ["EURUSD", "GBPUSD"]


def test_container_when_timeframes_differ_then_config_error_names_both(tmp_path: Path) -> None:
    write_sma(tmp_path / "strategies", "hourly", timeframe="1h")
    write_sma(tmp_path / "strategies", "daily", timeframe="1d")
    with pytest.raises(ConfigError, match=r"hourly@1\.0\.0 \(1h\) and daily@1\.0\.0 \(1d\)") as err:
        _container(tmp_path, ["hourly", "daily"]).planned()
    assert "same meta timeframe" in str(err.value)


def test_container_when_one_strategy_twice_then_config_error(tmp_path: Path) -> None:
    write_sma(tmp_path / "strategies", "one")
    with pytest.raises(ConfigError, match=r"strategy id one@1\.0\.0 is given twice"):
        _container(tmp_path, ["one", "one"]).planned()


@pytest.mark.parametrize(("group", "override", "field"), [
    ("cost", "CostOverride(commission_bps=25.0)", "commission_bps"),
    ("risk", "RiskOverride(max_drawdown=0.5)", "max_drawdown"),
])
def test_container_when_account_policies_disagree_then_config_error_with_the_fix(
    tmp_path: Path, group: str, override: str, field: str,
) -> None:
    write_sma(tmp_path / "strategies", "plain")
    write_sma(tmp_path / "strategies", "odd", cost=override if group == "cost" else "None",
              risk=override if group == "risk" else "None")
    with pytest.raises(ConfigError, match=f"different {group} policies \\({field}\\)") as err:
        _container(tmp_path, ["plain", "odd"]).policies()
    assert err.value.field == f"policies.{group}.{field}"
    assert f"set policies.{group} in the config" in str(err.value)


def test_container_when_account_policies_agree_then_the_simulator_charges_them(
    tmp_path: Path,
) -> None:
    for name in ("one", "two"):
        write_sma(tmp_path / "strategies", name, cost="CostOverride(commission_bps=3.0)")
    container = _container(tmp_path, ["one", "two"])
    assert container.simulator_config().commission_bps == 3.0
