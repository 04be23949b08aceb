"""The results' column builders equal the plain list-and-pandas construction they replace."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from vibetrading_V2.core.types import Side
from vibetrading_V2.runner.record_tables import optional_float_column, text_column, times


@dataclass(frozen=True, slots=True)
class Row:
    """A record with the kinds of fields the trades and orders tables read."""

    name: str
    side: Side
    price: float | None
    ts_ns: int


def _rows(n: int, distinct: bool) -> list[Row]:
    rng = np.random.default_rng(n)
    return [
        Row(
            name=f"order-{i}" if distinct else ("AAA", "BBB", "CCC")[i % 3],
            side=Side.BUY if rng.random() < 0.5 else Side.SELL,
            price=None if rng.random() < 0.3 else float(np.round(rng.uniform(1, 99), 2)),
            ts_ns=1_600_000_000_000_000_000 + 60_000_000_000 * i,
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("n", [0, 1, 7, 500])
@pytest.mark.parametrize("distinct", [False, True])
def test_text_column_when_records_then_equals_series_of_a_list(n: int, distinct: bool) -> None:
    rows = _rows(n, distinct)
    got = pd.Series(text_column(rows, "name"))
    pd.testing.assert_series_equal(got, pd.Series([r.name for r in rows]), check_exact=True)
    got = pd.Series(text_column(rows, "side", convert=True))
    pd.testing.assert_series_equal(got, pd.Series([str(r.side) for r in rows]), check_exact=True)


@pytest.mark.parametrize("n", [0, 1, 500])
def test_optional_float_column_when_nones_then_equals_pd_array_float64(n: int) -> None:
    rows = _rows(n, distinct=False)
    got = pd.Series(optional_float_column(rows, "price"))
    want = pd.Series(pd.array([r.price for r in rows], dtype="Float64"))
    pd.testing.assert_series_equal(got, want, check_exact=True)


def test_times_when_nanoseconds_then_equals_to_datetime_utc() -> None:
    ts = np.array([0, 1, 1_600_000_000_123_456_789], dtype=np.int64)
    want = pd.Series(pd.to_datetime(ts, unit="ns", utc=True))
    pd.testing.assert_series_equal(times(ts), want, check_exact=True)
