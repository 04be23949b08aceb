"""The vectorised equity curve against a plain per-row loop, plus its edge cases."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Fill, Side
from vibetrading_V2.portfolio.equity import (
    EquityCurve,
    equity_curve,
    exposure_fraction,
    net_quantities,
    per_timestamp,
)
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.netting import NetPosition
from vibetrading_V2.portfolio.timeline_equity import timestamp_equity

Timeline = tuple[np.ndarray, np.ndarray, np.ndarray, list[str], list[Fill], list[int]]


def _random_case(seed: int, n_rows: int, n_symbols: int, n_fills: int) -> Timeline:
    rng = np.random.default_rng(seed)
    symbols = [f"S{i}" for i in range(n_symbols)]
    sym = rng.integers(0, n_symbols, n_rows)
    ts = np.sort(rng.integers(0, max(1, n_rows // 2), n_rows)).astype(np.int64) * 60
    close = np.round(rng.uniform(10.0, 200.0, n_rows), 2)
    first_seen: dict[int, int] = {}
    for row, s in enumerate(sym.tolist()):
        first_seen.setdefault(s, row)
    fills: list[Fill] = []
    rows: list[int] = []
    for k, row in enumerate(sorted(rng.integers(0, n_rows, n_fills).tolist())):
        live = [s for s, first in sorted(first_seen.items()) if first <= row]
        s = int(rng.choice(live))
        side = Side.BUY if rng.random() < 0.5 else Side.SELL
        qty = float(rng.integers(1, 6)) / 2.0
        price = float(np.round(rng.uniform(10.0, 200.0), 2))
        fee = float(np.round(rng.uniform(0.0, 1.0), 3))
        fills.append(Fill(f"e{k}", "", symbols[s], side, qty, price, fee, int(ts[row])))
        rows.append(row)
    return sym, ts, close, symbols, fills, rows


def _reference(case: Timeline, initial: float) -> dict[str, list[float]]:
    """One Python step per row: apply that row's fills, mark the row's symbol, value all."""
    sym, _, close, symbols, fills, rows = case
    cash = initial
    pos = [0.0] * len(symbols)
    last: list[float | None] = [None] * len(symbols)
    out: dict[str, list[float]] = {"cash": [], "gross": [], "equity": [], "invested": []}
    k = 0
    for i in range(len(sym)):
        while k < len(fills) and rows[k] == i:
            f = fills[k]
            cash -= f.side.sign * f.quantity * f.price + f.fee
            pos[symbols.index(f.symbol)] += f.side.sign * f.quantity
            k += 1
        last[int(sym[i])] = float(close[i])
        value = gross = 0.0
        for s, px in enumerate(last):
            if px is not None:
                value += pos[s] * px
                gross += abs(pos[s]) * px
        out["cash"].append(cash)
        out["gross"].append(gross)
        out["equity"].append(cash + value)
        out["invested"].append(float(any(p != 0.0 for p in pos)))
    return out


def _curve(case: Timeline, initial: float) -> EquityCurve:
    sym, ts, close, symbols, fills, rows = case
    return equity_curve(sym, ts, close, len(symbols), fills, symbols, initial, rows)


@settings(max_examples=60, deadline=None, database=None)
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 200),
    st.integers(1, 4),
    st.integers(0, 30),
)
def test_equity_curve_when_random_timeline_then_matches_reference_loop(
    seed: int, n_rows: int, n_symbols: int, n_fills: int
) -> None:
    case = _random_case(seed, n_rows, n_symbols, n_fills)
    curve = _curve(case, 10_000.0)
    ref = _reference(case, 10_000.0)
    np.testing.assert_allclose(curve.cash, ref["cash"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(curve.gross_exposure, ref["gross"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(curve.equity, ref["equity"], rtol=0, atol=1e-9)
    assert curve.invested.tolist() == [bool(x) for x in ref["invested"]]
    assert curve.ts_ns.tolist() == case[1].tolist()


@pytest.mark.parametrize("n_symbols", [1, 2])
def test_equity_curve_when_held_rows_span_several_blocks_then_matches_reference_loop(
    n_symbols: int,
) -> None:
    case = _random_case(11, 150_000, n_symbols, 12)  # held stretches of ~10,000+ rows each
    curve = _curve(case, 10_000.0)
    ref = _reference(case, 10_000.0)
    if n_symbols == 1:
        assert int(curve.invested.sum()) > 65_536  # valued in more than one block
    np.testing.assert_allclose(curve.gross_exposure, ref["gross"], rtol=0, atol=1e-9)
    np.testing.assert_allclose(curve.equity, ref["equity"], rtol=0, atol=1e-9)
    assert curve.invested.tolist() == [bool(x) for x in ref["invested"]]


def test_equity_curve_when_run_to_the_end_then_last_row_equals_ledger() -> None:
    case = _random_case(7, 500, 3, 40)
    sym, _, close, symbols, fills, _rows = case
    ledger = Ledger(5_000.0)
    for f in fills:
        ledger.apply_fill(f)
    for i in range(len(sym)):
        ledger.mark(symbols[int(sym[i])], float(close[i]))
    curve = _curve(case, 5_000.0)
    assert curve.equity[-1] == pytest.approx(ledger.equity(), abs=1e-9)
    assert curve.cash[-1] == pytest.approx(ledger.cash(), abs=1e-9)
    assert curve.gross_exposure[-1] == pytest.approx(ledger.gross_notional(), abs=1e-9)


def test_equity_curve_when_hand_example_then_marks_each_symbol_with_own_close() -> None:
    # rows: A@100, B@10, A@110, B@12 ; buy 1 A at row 0 (price 100, fee 1), sell 2 B at row 1
    sym = np.array([0, 1, 0, 1])
    ts = np.array([0, 0, 60, 60])
    close = np.array([100.0, 10.0, 110.0, 12.0])
    fills = [
        Fill("a", "", "A", Side.BUY, 1.0, 100.0, 1.0, 0),
        Fill("b", "", "B", Side.SELL, 2.0, 10.0, 0.0, 0),
    ]
    curve = equity_curve(sym, ts, close, 2, fills, ["A", "B"], 1000.0, [0, 1])
    assert curve.cash.tolist() == [899.0, 919.0, 919.0, 919.0]
    assert curve.gross_exposure.tolist() == [100.0, 120.0, 130.0, 134.0]
    assert curve.equity.tolist() == [999.0, 999.0, 1009.0, 1005.0]
    assert curve.invested.tolist() == [True, True, True, True]
    daily = per_timestamp(curve)
    assert daily.ts_ns.tolist() == [0, 60]
    assert daily.equity.tolist() == [999.0, 1005.0]


def test_equity_curve_when_no_fills_then_flat_at_initial_cash() -> None:
    curve = equity_curve([0, 0], [0, 1], [5.0, 6.0], 1, [], ["A"], 100.0, [])
    assert curve.equity.tolist() == [100.0, 100.0]
    assert exposure_fraction(curve) == 0.0


def test_equity_curve_when_position_closed_then_not_invested_afterwards() -> None:
    fills = [
        Fill("a", "", "A", Side.BUY, 1.0, 5.0, 0.0, 0),
        Fill("b", "", "A", Side.SELL, 1.0, 7.0, 0.0, 2),
    ]
    curve = equity_curve([0] * 4, [0, 1, 2, 3], [5.0, 6.0, 7.0, 8.0], 1, fills, ["A"], 0.0, [0, 2])
    assert curve.invested.tolist() == [True, True, False, False]
    assert curve.equity.tolist() == [0.0, 1.0, 2.0, 2.0]
    assert exposure_fraction(curve) == 0.5


def test_equity_curve_when_given_arrays_then_leaves_them_writable() -> None:
    ts = np.array([0, 1], dtype=np.int64)
    curve = equity_curve(np.array([0, 0]), ts, np.array([1.0, 2.0]), 1, [], ["A"], 1.0, [])
    assert ts.flags.writeable
    assert not curve.equity.flags.writeable


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"fill_row": [0]}, "before the first bar"),
        ({"fill_row": [5]}, r"fill_row must lie in"),
        ({"ts_ns": [1, 0]}, "sorted in time"),
        ({"close": [1.0, float("nan")]}, "NaN"),
        ({"symbol_index": [0, 2]}, "symbol_index must lie"),
        ({"fills": []}, "0 fills but 1 fill rows"),
        ({"fills": [Fill("c", "", "C", Side.BUY, 1.0, 2.0, 0.0, 1)]}, "not in the timeline"),
        (
            {"fill_row": [1, 0], "fills": [Fill("x", "", "B", Side.BUY, 1.0, 2.0, 0.0, 1)] * 2},
            "non-decreasing",
        ),
        ({"close": [1.0]}, "differ in length"),
    ],
)
def test_equity_curve_when_inputs_inconsistent_then_value_error(
    kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {
        "symbol_index": [0, 1],
        "ts_ns": [0, 1],
        "close": [1.0, 2.0],
        "n_symbols": 2,
        "fills": [Fill("a", "", "B", Side.BUY, 1.0, 2.0, 0.0, 1)],
        "symbols": ["A", "B"],
        "initial_cash": 0.0,
        "fill_row": [1],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message):
        equity_curve(**args)  # type: ignore[arg-type]


def test_equity_curve_when_one_million_rows_then_every_row_is_valued() -> None:
    case = _random_case(3, 1_000_000, 5, 2_000)
    curve = _curve(case, 1e6)
    assert len(curve) == 1_000_000
    assert np.isfinite(curve.equity).all()


def _net_reference(signed: list[float]) -> list[float]:
    book = NetPosition()
    out = []
    for q in signed:
        book.move(q, 100.0)
        out.append(book.quantity)
    return out


@pytest.mark.parametrize(
    "signed",
    [
        [10.0, -10.0, -10.0, 10.0, 10.0, -20.0, 5.0],  # open, close, short, flip, flip back
        [0.1, 0.2, -0.3, 0.3, -0.1, -0.2],  # closes leave float dust: replayed exactly
        [1.5, -0.5, 2.0, -4.0, 1.0],
    ],
)
def test_net_quantities_when_fills_then_match_netposition_loop(signed: list[float]) -> None:
    got = net_quantities(np.array(signed), np.full(len(signed), 100.0))
    assert got.tolist() == _net_reference(signed)


@given(st.lists(st.sampled_from([-3.0, -1.0, -0.3, -0.2, -0.1, 0.1, 0.2, 0.3, 1.0, 3.0]),
                max_size=40))
@settings(max_examples=200, deadline=None)
def test_net_quantities_when_random_fills_then_match_netposition_loop(signed: list[float]) -> None:
    got = net_quantities(np.array(signed, dtype=np.float64), np.full(len(signed), 50.0))
    assert got.tolist() == _net_reference(signed)


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 300), st.integers(1, 40))
@example(seed=1, n_rows=1, n_fills=2)  # a lone row with no holding: nothing is covered
def test_equity_curve_when_one_symbol_then_bit_identical_to_the_general_path(
    seed: int, n_rows: int, n_fills: int
) -> None:
    sym, ts, close, symbols, fills, rows = _random_case(seed, n_rows, 1, n_fills)
    dense = equity_curve(sym, ts, close, 1, fills, symbols, 10_000.0, rows)
    # a second symbol without bars or fills sends the same timeline through the general path
    general = equity_curve(sym, ts, close, 2, fills, [*symbols, "UNUSED"], 10_000.0, rows)
    for name in ("cash", "gross_exposure", "equity", "invested"):
        assert getattr(dense, name).tobytes() == getattr(general, name).tobytes(), name


@settings(max_examples=60, deadline=None, database=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 300), st.integers(1, 5), st.integers(0, 40))
def test_timestamp_equity_when_random_timeline_then_bit_identical_to_the_full_curve(
    seed: int, n_rows: int, n_symbols: int, n_fills: int
) -> None:
    case = _random_case(seed, n_rows, n_symbols, n_fills if n_rows else 0)
    full = _curve(case, 10_000.0)
    sym, ts, close, symbols, fills, rows = case
    per_ts, exposure = timestamp_equity(sym, ts, close, len(symbols), fills, symbols,
                                        10_000.0, rows)
    expected = per_timestamp(full)
    for name in ("ts_ns", "cash", "gross_exposure", "equity", "invested"):
        assert getattr(per_ts, name).tobytes() == getattr(expected, name).tobytes(), name
    assert exposure == exposure_fraction(full)
