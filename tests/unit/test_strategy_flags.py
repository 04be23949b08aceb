"""``--strategy`` (repeatable) and ``--param [STRATEGY.]NAME=VALUE`` as settings overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.settings import AppSettings, StrategyEntry, StrategySettings
from cli.strategy_flags import strategy_overrides
from vibetrading_V2.core.errors import ConfigError


def test_flags_when_one_strategy_then_strategy_section_as_before() -> None:
    assert strategy_overrides(["a"], ["fast=20"]) == {
        "strategy": {"name": "a", "params": {"fast": "20"}}}


def test_flags_when_only_params_then_they_go_to_the_configured_strategy() -> None:
    assert strategy_overrides(None, ["fast=20"]) == {"strategy": {"params": {"fast": "20"}}}
    assert strategy_overrides(None, None) == {}


def test_flags_when_one_strategy_and_its_name_on_a_param_then_accepted() -> None:
    assert strategy_overrides(["a"], ["a.fast=20"]) == {
        "strategy": {"name": "a", "params": {"fast": "20"}}}


def test_flags_when_two_strategies_then_a_strategies_list_with_addressed_params() -> None:
    path = "strategies/b.py"
    assert strategy_overrides(["a", path], ["a.fast=20", "b.slow=50", "a.slow=40"]) == {
        "strategies": [
            {"name": "a", "params": {"fast": "20", "slow": "40"}},
            {"name": str(Path(path).resolve()), "params": {"slow": "50"}},
        ]}


def test_flags_when_two_strategies_and_a_bare_param_then_config_error_names_the_fix() -> None:
    with pytest.raises(ConfigError, match="does not say which of 2 strategies") as err:
        strategy_overrides(["a", "b"], ["fast=20"])
    assert "--param a.fast=20" in str(err.value)


def test_flags_when_a_param_names_an_unknown_strategy_then_config_error_lists_the_given() -> None:
    with pytest.raises(ConfigError, match=r"names strategy 'c'.*given: a, b"):
        strategy_overrides(["a", "b"], ["c.fast=20"])


def test_flags_when_one_file_in_two_labelled_slots_then_entries_carry_labels_and_params(
) -> None:
    assert strategy_overrides(
        ["eur=breakout", "gbp=breakout"], ["eur.universe=EURUSD", "gbp.universe=GBPUSD,USDJPY"]
    ) == {"strategies": [
        {"name": "breakout", "label": "eur", "params": {"universe": "EURUSD"}},
        {"name": "breakout", "label": "gbp", "params": {"universe": "GBPUSD,USDJPY"}},
    ]}


def test_flags_when_one_file_twice_unlabelled_and_a_param_names_it_then_config_error() -> None:
    with pytest.raises(ConfigError, match="any of 2 slots of 'breakout'") as err:
        strategy_overrides(["breakout", "breakout"], ["breakout.fast=3"])
    assert "--strategy a=breakout" in str(err.value)


@pytest.mark.parametrize("text", ["e u=breakout", "eur="])
def test_flags_when_a_strategy_label_is_malformed_then_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="LABEL=NAME"):
        strategy_overrides([text, "other"], None)


def test_settings_when_a_strategies_entry_has_a_label_and_a_list_param_then_accepted() -> None:
    entry = StrategyEntry(name="breakout", label="eur", params={"universe": ["EURUSD"]})
    assert AppSettings(strategies=(entry,)).strategy_entries()[0].label == "eur"


@pytest.mark.parametrize("text", ["fast", "=3", "fast=", ".fast=3"])
def test_flags_when_a_param_is_malformed_then_config_error(text: str) -> None:
    with pytest.raises(ConfigError, match="--param"):
        strategy_overrides(["a"], [text])


def test_settings_when_no_strategies_list_then_the_one_strategy_section() -> None:
    settings = AppSettings(strategy=StrategySettings(name="a", params={"fast": 5}))
    assert settings.strategy_entries() == (StrategyEntry(name="a", params={"fast": 5}),)


def test_settings_when_strategies_listed_and_strategy_params_set_then_config_error() -> None:
    settings = AppSettings(strategy=StrategySettings(params={"fast": 5}),
                           strategies=(StrategyEntry(name="a"),))
    with pytest.raises(ConfigError, match=r"strategy\.params is set"):
        settings.strategy_entries()


def test_settings_when_strategies_listed_then_config_hash_differs_from_one_strategy() -> None:
    one = AppSettings(strategy=StrategySettings(name="a"))
    listed = AppSettings(strategy=StrategySettings(name="a"),
                         strategies=(StrategyEntry(name="a"), StrategyEntry(name="b")))
    assert one.config_hash() != listed.config_hash()
    assert "strategies" not in one.model_dump(exclude_defaults=True)
