"""csv_cells renders exactly what the per-value rules give: format(x, ".15g"), numpy's ISO
times and the csv module's minimal quoting."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vibetrading_V2.ops.csv_cells import (
    NAT,
    Cells,
    float_cells,
    join_rows,
    text_cells,
    time_cells,
    time_unit,
)

EDGES = [
    0.0, -0.0, float("nan"), float("inf"), -float("inf"), 0.1 + 0.2, 1e-4, 9.99999999999999e-5,
    0.000099999999999999995, 1e14, 1e15, 999999999999999.4, 999999999999999.5,
    999999999999999.6, 123456789012345.5, 123456789012344.5, 99999.99999999999, 5e-324,
    1.7976931348623157e308, 1e21, 100000.0, 1.5e-5, -2.5, 0.5,
]  # fmt: skip


def _texts(cells: Cells) -> list[str]:
    return [
        bytes(row[:length]).decode("utf-8")
        for row, length in zip(cells.matrix, cells.lengths.tolist(), strict=True)
    ]


def _padded_with_nul(cells: Cells) -> bool:
    beyond = np.arange(cells.matrix.shape[1]) >= cells.lengths[:, None]
    return not cells.matrix[beyond].any()


def _expected(values: list[float]) -> list[str]:
    return ["" if v != v else format(v, ".15g") for v in values]


def test_float_cells_when_edge_values_then_equal_python_format() -> None:
    values = EDGES + [np.nextafter(10.0**k, d) for k in range(-6, 17) for d in (0, np.inf)]
    cells = float_cells(np.array(values))
    assert _texts(cells) == _expected(values)
    assert _padded_with_nul(cells)


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=60))
def test_float_cells_when_any_doubles_then_equal_python_format(values: list[float]) -> None:
    cells = float_cells(np.array(values, dtype=np.float64))
    assert _texts(cells) == _expected(values)
    assert _padded_with_nul(cells)


@given(st.lists(st.floats(min_value=-1e7, max_value=1e7), min_size=1, max_size=30),
       st.integers(1, 6))  # fmt: skip
def test_float_cells_when_runs_of_equal_values_then_each_row_spelled(
    values: list[float], repeat: int
) -> None:
    repeated = np.repeat(np.array(values), repeat)
    assert _texts(float_cells(repeated)) == _expected(repeated.tolist())


def test_float_cells_when_random_walk_of_equity_then_equal_python_format() -> None:
    rng = np.random.default_rng(7)
    values = np.concatenate([
        100_000 + np.cumsum(rng.normal(0, 10, 5000)),
        np.round(rng.uniform(-1e4, 1e4, 5000), 4),
        10 ** rng.uniform(-10, 18, 5000) * rng.choice([-1.0, 1.0], 5000),
    ])  # fmt: skip
    assert _texts(float_cells(values)) == _expected(values.tolist())


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_time_cells_when_any_times_then_equal_numpy_iso_text(unit: str) -> None:
    rng = np.random.default_rng(11)
    step = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}[unit]
    ns = rng.integers(-(2**62), 2**62, 3000) // step * step
    ns = np.append(ns, [0, 951_782_400 * 10**9, -(10**9), NAT])
    want = np.datetime_as_string(ns.view("M8[ns]"), unit=unit, timezone="UTC").tolist()
    want[-1] = ""
    cells = time_cells(ns, unit)  # type: ignore[arg-type]
    assert _texts(cells) == want
    assert _padded_with_nul(cells)


def test_time_unit_when_mixed_precision_then_coarsest_exact_unit() -> None:
    second = 1_700_000_000 * 10**9
    assert time_unit(np.array([second, NAT])) == "s"
    assert time_unit(np.array([second, second + 250_000_000])) == "ms"
    assert time_unit(np.array([second + 1])) == "ns"


def test_join_rows_when_text_needs_quoting_then_equals_csv_module() -> None:
    rows = [["a,b", 'q"x', "", "plain", "n\nl", "é"], ["1", "", "x", "", "", "z\0"]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    columns = [text_cells([row[j] for row in rows]) for j in range(6)]
    assert join_rows(columns) == buffer.getvalue().encode("utf-8")


def test_join_rows_when_carriage_return_then_quoted_as_rfc_4180() -> None:
    assert join_rows([text_cells(["x\ry"]), text_cells(["z"])]) == b'"x\ry",z\n'


def test_join_rows_when_one_column_with_empty_fields_then_quoted_empty() -> None:
    assert join_rows([text_cells(["", "a", ""])]) == b'""\na\n""\n'
