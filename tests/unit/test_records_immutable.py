"""Core records cannot be changed once built: in the compiled build a field has no setter.

The plain sources rely on the type checker for this (the fields are ``Final``), so the
runtime half of the test runs against the compiled build only, which ``make test`` uses.
"""

from __future__ import annotations

import dataclasses

import pytest

from vibetrading_V2.core import types
from vibetrading_V2.core.types import (
    Direction,
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    Side,
)

COMPILED = not types.__file__.endswith(".py")

RECORDS = [
    Intent("AAA", Direction.LONG, quantity=1.0),
    OrderRequest("cid", "AAA", Side.BUY, 1.0),
    Order(OrderRequest("cid", "AAA", Side.BUY, 1.0), OrderStatus.NEW),
    Fill("cid:1", "cid", "AAA", Side.BUY, 1.0, 100.0, 0.1, 1),
]


@pytest.mark.skipif(not COMPILED, reason="plain sources: Final fields are checked by mypy")
@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_record_when_a_field_is_assigned_then_refused(record: object) -> None:
    name = dataclasses.fields(record)[0].name  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        setattr(record, name, getattr(record, name))


@pytest.mark.parametrize("record", RECORDS, ids=lambda r: type(r).__name__)
def test_record_when_replaced_then_a_new_equal_record_and_the_old_unchanged(
    record: object,
) -> None:
    copy = dataclasses.replace(record)  # type: ignore[type-var]
    assert copy == record and copy is not record
