"""The stores' fast NaN checks refuse a NaN in every field, exactly like the full check.

Each record type's fast check lists its fields by hand; these tests fail when a field is
added to a core type and not to the fast check, so a NaN can never slip into a store.
A NaN in a field that is not a float is refused earlier in the compiled build: building
the record or reading the field raises ``TypeError``; either refusal is accepted.
"""

from __future__ import annotations

import dataclasses
import math

import pytest

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import (
    Direction,
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    Side,
)
from vibetrading_V2.store.records import check_fill, check_intent, check_no_nan, check_order

INTENT = Intent("AAA", Direction.LONG, quantity=1.0, stop_loss=90.0, take_profit=110.0)
REQUEST = OrderRequest("cid", "AAA", Side.BUY, 1.0, limit_price=100.0, stop_price=99.0)
ORDER = Order(REQUEST, OrderStatus.NEW, filled_quantity=0.0, average_price=100.0)
FILL = Fill("cid:1", "cid", "AAA", Side.BUY, 1.0, 100.0, 0.1, 1)
REFUSED = (StateStoreError, TypeError)


def _names(record: object) -> list[str]:
    return [f.name for f in dataclasses.fields(record)]  # type: ignore[arg-type]


@pytest.mark.parametrize("name", _names(INTENT))
def test_check_intent_when_a_field_is_nan_then_refused_like_the_full_check(name: str) -> None:
    with pytest.raises(REFUSED):
        check_no_nan("intent", dataclasses.replace(INTENT, **{name: math.nan}))
    with pytest.raises(REFUSED):
        check_intent(dataclasses.replace(INTENT, **{name: math.nan}))


@pytest.mark.parametrize("name", _names(FILL))
def test_check_fill_when_a_field_is_nan_then_refused_like_the_full_check(name: str) -> None:
    with pytest.raises(REFUSED):
        check_fill(dataclasses.replace(FILL, **{name: math.nan}))


@pytest.mark.parametrize("name", [n for n in _names(ORDER) if n != "request"])
def test_check_order_when_a_field_is_nan_then_refused(name: str) -> None:
    with pytest.raises(REFUSED):
        check_order(dataclasses.replace(ORDER, **{name: math.nan}))


@pytest.mark.parametrize("name", _names(REQUEST))
def test_check_order_when_a_request_field_is_nan_then_refused(name: str) -> None:
    with pytest.raises(REFUSED):
        request = dataclasses.replace(REQUEST, **{name: math.nan})
        check_order(dataclasses.replace(ORDER, request=request))


def test_fast_checks_when_records_are_ordinary_then_they_pass() -> None:
    check_intent(INTENT)
    check_fill(FILL)
    check_order(ORDER)
    check_order(ORDER, checked_request=REQUEST)
