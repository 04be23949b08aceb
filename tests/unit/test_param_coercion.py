"""``coerce_params``: text from ``--param`` or ``VT_STRATEGY__PARAMS__*`` becomes the
declared parameter's type, then is checked against its range or choices."""

from __future__ import annotations

import pytest

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.strategy.bundle import Param
from vibetrading_V2.strategy.validation import coerce_params

DECLARED = {
    "fast": Param(10, low=2, high=200),
    "ratio": Param(0.5, low=0.0, high=1.0),
    "short": Param(False),
    "mode": Param("close", choices=("close", "open")),
}


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [("fast", "20", 20), ("fast", 20.0, 20), ("ratio", "0.25", 0.25), ("ratio", 1, 1.0),
     ("short", "yes", True), ("short", "0", False), ("mode", "open", "open")],
)
def test_coerce_params_when_text_or_number_given_then_declared_type(
    name: str, given: object, expected: object
) -> None:
    value = coerce_params(DECLARED, {name: given})[name]

    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("given", "phrases"),
    [({"fast": "500"}, ("'fast'", "500", "[2, 200]")),
     ({"fast": "2.5"}, ("'fast'", "int", "'2.5'")),
     ({"short": "maybe"}, ("'short'", "bool",)),
     ({"mode": "high"}, ("'mode'", "'close'", "'open'")),
     ({"fsat": "3"}, ("'fsat'", "did you mean 'fast'"))],
)
def test_coerce_params_when_value_not_allowed_then_config_error_says_what_is(
    given: dict[str, object], phrases: tuple[str, ...]
) -> None:
    with pytest.raises(ConfigError) as info:
        coerce_params(DECLARED, given)

    text = str(info.value)
    assert all(phrase in text for phrase in phrases), text
    assert info.value.field == f"strategy.params.{next(iter(given))}"
