"""One file per idea: the meta's universe and timeframe as parameters, set per slot.

A bundle whose meta says ``universe=Param(...)`` / ``timeframe=Param(...)`` is planned with
the slot's values (``--param``, config, ``--symbols``), checked after the override; two
labelled slots of one file are two strategies.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from cli.settings import StrategyEntry
from cli.strategy_plan import plan_strategies, traded_symbols
from vibetrading_V2.core.errors import BundleValidationError, ConfigError
from vibetrading_V2.core.types import Intent
from vibetrading_V2.policies.config import PolicySet
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import Param, Params, StrategyBundle, StrategyMeta
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import LoadedStrategy
from vibetrading_V2.strategy.validation import coerce_params, validate_bundle

PATH = Path("strategies/breakout.py")


class Breakout(Strategy):
    """Long above the previous n-bar high, flat otherwise, on every symbol of its universe."""

    def __init__(self, params: Params) -> None:
        self.n = self.warmup_bars = int(params.lookback)
        self.universe, self.timeframe = params.universe, params.timeframe
        size = float(params.quantity)
        self.go_long = {s: Intent.long(s, quantity=size) for s in params.universe}
        self.go_flat = {s: Intent.flat(s) for s in params.universe}

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"top": frame["high"].rolling(self.n).max()}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        above = bar.close > bar.prev("top")
        return (self.go_long if above else self.go_flat)[bar.symbol]


def _meta(**fields: object) -> StrategyMeta:
    values: dict[str, object] = {
        "name": "breakout", "version": "1.0.0",
        "universe": Param(("EURUSD",), choices=("EURUSD", "GBPUSD", "USDJPY")),
        "timeframe": Param("1h", choices=("1h", "4h")),
        "required_fields": ("high", "close"),
        "params": {"lookback": Param(20, low=2, high=500), "quantity": Param(1000.0, low=1.0)},
    }
    values.update(fields)
    return StrategyMeta(**values)  # type: ignore[arg-type]


def _loaded(meta: StrategyMeta | None = None) -> LoadedStrategy:
    bundle = StrategyBundle(meta=meta or _meta(), build=Breakout)
    return LoadedStrategy(PATH, validate_bundle(bundle, str(PATH)), "breakout_module")


def _plan(*entries: StrategyEntry, symbols: tuple[str, ...] | None = None,
          meta: StrategyMeta | None = None) -> list[tuple[str, tuple[str, ...], str, Breakout]]:
    loaded = [_loaded(meta) for _ in entries]
    planned = plan_strategies(loaded, entries, PolicySet(), RuntimeGuard(), symbols)
    out = []
    for plan in planned:
        assert isinstance(plan.strategy, Breakout)
        out.append((plan.strategy_id, plan.universe, plan.meta.bar_timeframe, plan.strategy))
    return out


def test_plan_when_no_values_given_then_the_params_defaults_fill_the_meta() -> None:
    ((sid, universe, timeframe, strategy),) = _plan(StrategyEntry(name="breakout"))

    assert (sid, universe, timeframe) == ("breakout@1.0.0", ("EURUSD",), "1h")
    assert (strategy.universe, strategy.timeframe, strategy.n) == (("EURUSD",), "1h", 20)


def test_plan_when_param_overrides_universe_timeframe_and_size_then_meta_and_strategy_follow(
) -> None:
    entry = StrategyEntry(name="breakout", params={
        "universe": "GBPUSD, USDJPY", "timeframe": "4h", "quantity": "250"})

    ((_, universe, timeframe, strategy),) = _plan(entry)

    assert (universe, timeframe) == (("GBPUSD", "USDJPY"), "4h")
    assert strategy.go_long["USDJPY"].quantity == 250.0


def test_traded_symbols_when_slots_have_their_own_universes_then_the_union_in_order() -> None:
    eur = StrategyEntry(name="breakout", label="a", params={"universe": "EURUSD,GBPUSD"})
    jpy = StrategyEntry(name="breakout", label="b", params={"universe": "USDJPY,EURUSD"})
    loaded = [_loaded(), _loaded()]

    planned = plan_strategies(loaded, (eur, jpy), PolicySet(), RuntimeGuard())

    assert traded_symbols(None, [p.meta for p in planned]) == ["EURUSD", "GBPUSD", "USDJPY"]


def test_plan_when_config_gives_a_list_then_it_is_the_universe() -> None:
    entry = StrategyEntry(name="breakout", params={"universe": ["USDJPY", "EURUSD"]})

    assert _plan(entry)[0][1] == ("USDJPY", "EURUSD")


def test_plan_when_symbols_given_then_they_are_the_universe_unless_the_slot_names_its_own(
) -> None:
    plain, own = StrategyEntry(name="breakout"), StrategyEntry(
        name="breakout", label="own", params={"universe": "USDJPY"})

    planned = _plan(plain, own, symbols=("GBPUSD",))

    assert [universe for _, universe, _, _ in planned] == [("GBPUSD",), ("USDJPY",)]


@pytest.mark.parametrize(("params", "said"), [
    ({"timeframe": "1d"}, r"must be one of \['1h', '4h'\]"),
    ({"universe": "XAUUSD"}, "not among"),
    ({"universe": "EURUSD,EURUSD"}, "more than once"),
    ({"universe": ","}, "tuple of names"),
    ({"lookback": "1"}, "below its minimum"),
    ({"lookbak": "5"}, "did you mean 'lookback'"),
])
def test_plan_when_an_override_is_invalid_then_config_error_naming_param_file_and_fix(
    params: dict[str, str], said: str,
) -> None:
    with pytest.raises(ConfigError, match=said) as caught:
        _plan(StrategyEntry(name="breakout", params=params))  # type: ignore[arg-type]

    error = caught.value
    assert error.path == str(PATH) and error.hint
    assert error.field == f"strategy.params.{next(iter(params))}"


def test_plan_when_timeframe_without_choices_is_not_a_timeframe_then_config_error() -> None:
    meta = _meta(timeframe=Param("1h"))

    with pytest.raises(ConfigError, match="'2h' is not a timeframe") as caught:
        _plan(StrategyEntry(name="breakout", params={"timeframe": "2h"}), meta=meta)
    assert caught.value.path == str(PATH)


def test_plan_when_a_fixed_universe_is_given_a_value_then_config_error_says_make_it_a_param(
) -> None:
    meta = _meta(universe=("EURUSD",))

    with pytest.raises(ConfigError, match="unknown parameter 'universe'") as caught:
        _plan(StrategyEntry(name="breakout", params={"universe": "GBPUSD"}), meta=meta)
    assert caught.value.hint is not None and "universe=Param(...)" in caught.value.hint


def test_plan_when_two_labelled_slots_of_one_file_then_two_strategies_with_their_params(
) -> None:
    eur = StrategyEntry(name="breakout", label="eur", params={"lookback": 10})
    gbp = StrategyEntry(name="breakout", label="gbp", params={"universe": "GBPUSD"})

    (one, two) = _plan(eur, gbp)

    assert (one[0], one[1], one[3].n) == ("breakout#eur@1.0.0", ("EURUSD",), 10)
    assert (two[0], two[1], two[3].n) == ("breakout#gbp@1.0.0", ("GBPUSD",), 20)


def test_plan_when_one_file_twice_without_labels_then_config_error_says_label_them() -> None:
    with pytest.raises(ConfigError, match="given twice") as caught:
        _plan(StrategyEntry(name="breakout"), StrategyEntry(name="breakout"))
    assert caught.value.hint is not None and "--strategy eur=NAME" in caught.value.hint


def test_plan_when_two_slots_ask_different_timeframes_then_config_error() -> None:
    slots = (StrategyEntry(name="breakout", label="a"),
             StrategyEntry(name="breakout", label="b", params={"timeframe": "4h"}))

    with pytest.raises(ConfigError, match="different timeframes"):
        _plan(*slots)


def test_bundle_create_when_universe_is_a_param_then_params_carry_the_run_values() -> None:
    bundle = _loaded().bundle

    strategy = bundle.create({"universe": ("GBPUSD",), "lookback": 30})

    assert isinstance(strategy, Breakout)
    assert (strategy.universe, strategy.timeframe, strategy.n) == (("GBPUSD",), "1h", 30)
    assert "universe" not in Params.resolve(bundle.meta.params)


def test_coerce_params_when_names_as_text_or_list_then_a_tuple() -> None:
    declared = {"universe": Param(("EURUSD",))}

    assert coerce_params(declared, {"universe": " EURUSD ,GBPUSD"}) == {
        "universe": ("EURUSD", "GBPUSD")}
    assert coerce_params(declared, {"universe": ["USDJPY"]}) == {"universe": ("USDJPY",)}
    with pytest.raises(ConfigError, match="must be of type tuple"):
        coerce_params(declared, {"universe": 3})


@pytest.mark.parametrize(("fields", "said"), [
    ({"params": {"universe": Param(("EURUSD",))}}, "is a meta field"),
    ({"timeframe": Param("2h")}, "unknown timeframe '2h'"),
    ({"timeframe": Param("1h", choices=("1h", "2h"))}, "unknown timeframe '2h'"),
    ({"universe": Param(())}, "meta.universe is empty"),
    ({"universe": Param(("EURUSD",), low=1)}, "no low / high"),
    ({"universe": Param(("EURUSD",), choices=("GBPUSD",))}, r"\['EURUSD'\], not among"),
])
def test_validate_when_a_tunable_field_is_declared_wrongly_then_bundle_validation_error(
    fields: dict[str, object], said: str,
) -> None:
    with pytest.raises(BundleValidationError, match=said):
        _loaded(_meta(**fields))


def test_validate_when_timeframe_param_default_among_its_choices_then_valid() -> None:
    meta = _loaded(_meta(timeframe=Param("1d", choices=("1h", "1d")))).bundle.meta

    assert (meta.bar_timeframe, meta.symbols) == ("1d", ("EURUSD",))
