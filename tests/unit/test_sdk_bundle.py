"""The SDK as a strategy author meets it: params, bundle creation, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from strategies.my_strategy_a import SmaCross, get_bundle
from vibetrading_V2.core.errors import BundleValidationError
from vibetrading_V2.core.types import Direction, Intent
from vibetrading_V2.strategy.bundle import Param, Params


def test_bundle_create_when_no_params_given_then_defaults_apply() -> None:
    strategy = get_bundle().create()
    assert isinstance(strategy, SmaCross)
    assert (strategy.fast, strategy.slow) == (10, 30)
    assert strategy.warmup_bars == 30


def test_bundle_create_when_param_out_of_range_then_bundle_validation_error() -> None:
    with pytest.raises(BundleValidationError, match="above its maximum"):
        get_bundle().create({"fast": 5000})


def test_params_when_unknown_name_then_did_you_mean() -> None:
    with pytest.raises(BundleValidationError, match="did you mean 'fast'"):
        Params.resolve({"fast": Param(10)}, {"fsat": 3})


def test_params_when_attribute_unknown_then_attribute_error_suggests() -> None:
    params = Params.resolve({"slow": Param(30)})
    with pytest.raises(AttributeError, match="did you mean 'slow'"):
        _ = params.slwo


def test_param_when_wrong_type_then_bundle_validation_error() -> None:
    with pytest.raises(BundleValidationError, match="must be of type int"):
        Params.resolve({"fast": Param(10)}, {"fast": "ten"})


class _Bar:
    """A minimal BarView fake: feature values by name."""

    def __init__(self, **values: float) -> None:
        self._values = values
        self.symbol = "EURUSD"

    def __getitem__(self, name: str) -> float:
        return self._values[name]


def test_example_strategy_when_fast_above_slow_then_long_else_flat() -> None:
    strategy = get_bundle().create()
    long_intent = strategy.on_bar(_Bar(sma_fast=1.2, sma_slow=1.1))  # type: ignore[arg-type]
    flat_intent = strategy.on_bar(_Bar(sma_fast=1.0, sma_slow=1.1))  # type: ignore[arg-type]
    assert isinstance(long_intent, Intent) and long_intent.direction is Direction.LONG
    assert isinstance(flat_intent, Intent) and flat_intent.direction is Direction.FLAT
    assert strategy.on_bar(_Bar(sma_fast=2.0, sma_slow=1.0)) is long_intent  # type: ignore[arg-type]


def test_example_strategy_features_when_computed_then_causal_rolling_means() -> None:
    strategy = get_bundle().create({"fast": 2, "slow": 3})
    index = pd.date_range("2024-01-01", periods=5, freq="1h", tz="UTC")
    frame = pd.DataFrame({"close": [1.0, 2.0, 3.0, 4.0, 5.0]}, index=index)
    features = strategy.features(frame)
    assert features is not None
    assert features["sma_fast"].tolist()[1:] == [1.5, 2.5, 3.5, 4.5]
    assert features["sma_slow"].tolist()[2:] == [2.0, 3.0, 4.0]
    truncated = strategy.features(frame.iloc[:3])
    assert truncated is not None
    assert truncated["sma_slow"].iloc[-1] == features["sma_slow"].iloc[2]


def test_example_strategy_when_fast_not_below_slow_then_bundle_validation_error() -> None:
    with pytest.raises(BundleValidationError, match="must be shorter"):
        get_bundle().create({"fast": 50, "slow": 40})
