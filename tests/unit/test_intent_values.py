"""An Intent takes any real number for its sizes and prices, refuses anything else by name,
and compares and hashes by value (the engine's "no change" test relies on it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import SupportsFloat

import numpy as np
import pytest

from vibetrading_V2.core.errors import StrategyError
from vibetrading_V2.core.types import Direction, Intent


@pytest.mark.parametrize("value", [3, 3.0, np.float64(3.0), np.int64(3), np.float32(3.0)])
def test_intent_when_size_is_any_real_number_then_stored_as_float(
    value: SupportsFloat,
) -> None:
    intent = Intent.long("AAA", quantity=value, stop_loss=value)
    assert intent.quantity == 3.0 and type(intent.quantity) is float
    assert intent.stop_loss == 3.0 and type(intent.stop_loss) is float


@pytest.mark.parametrize("value", [True, "3", [3.0], object()])
def test_intent_when_size_is_not_a_number_then_strategy_error_names_the_field(
    value: object,
) -> None:
    with pytest.raises(StrategyError) as info:
        Intent("AAA", Direction.LONG, weight=value)  # type: ignore[arg-type]
    assert info.value.field == "weight"


def test_intent_when_fields_equal_then_equal_and_same_hash() -> None:
    one = Intent.long("AAA", quantity=1.0, rationale=("x",))
    two = Intent.long("AAA", quantity=np.float64(1.0), rationale=("x",))
    assert one == two and hash(one) == hash(two) and len({one, two}) == 1


def test_intent_when_any_field_differs_then_not_equal() -> None:
    base = Intent.long("AAA", quantity=1.0)
    others = [
        Intent.short("AAA", quantity=1.0),
        Intent.long("BBB", quantity=1.0),
        Intent.long("AAA", quantity=2.0),
        Intent.long("AAA", quantity=1.0, confidence=0.5),
        Intent.long("AAA", quantity=1.0, take_profit=9.0),
        Intent.long("AAA", quantity=1.0, rationale=("why",)),
    ]
    assert all(base != other for other in others)
    assert base != "AAA"


@pytest.mark.parametrize(("make", "direction"), [(Intent.long, Direction.LONG),
                                                 (Intent.short, Direction.SHORT)])
def test_intent_shortcut_when_every_keyword_given_then_equals_constructor(
    make: Callable[..., Intent], direction: Direction
) -> None:
    made = make("AAA", quantity=2.0, notional=3.0, weight=0.5, confidence=0.7, stop_loss=0.9,
                take_profit=1.2, rationale=("why",))
    assert made == Intent("AAA", direction, 2.0, 3.0, 0.5, 0.7, 0.9, 1.2, ("why",))


@pytest.mark.parametrize("make", [Intent.long, Intent.short])
def test_intent_shortcut_when_keyword_misspelled_then_type_error(
    make: Callable[..., Intent],
) -> None:
    with pytest.raises(TypeError):
        make("AAA", quantitty=1.0)
