"""The SDK as a strategy author meets it: params, bundle creation, errors."""

from __future__ import annotations

import pytest

from strategies.my_strategy_a import SmaCross, get_bundle
from vibetrading_V2.core.errors import BundleValidationError
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
