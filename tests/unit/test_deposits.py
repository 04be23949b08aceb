"""Deposits in the equity curve: in the account's equity, out of its returns."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from vibetrading_V2.portfolio.deposits import growth_curve, paid_in, with_deposits
from vibetrading_V2.portfolio.equity import EquityCurve

INITIAL = 1_000.0


def _curve(equity: list[float]) -> EquityCurve:
    n = len(equity)
    values = np.array(equity, dtype=np.float64)
    return EquityCurve(np.arange(n, dtype=np.int64) * 10, values.copy(), np.zeros(n), values,
                       np.zeros(n, dtype=np.bool_))


def test_paid_in_when_deposits_at_some_times_then_summed_from_their_time_on() -> None:
    ts = np.array([0, 10, 20, 30], dtype=np.int64)
    assert paid_in(ts, [(25, 5.0), (10, 1.0), (10, 2.0)]).tolist() == [0.0, 3.0, 3.0, 8.0]


def test_with_deposits_when_one_deposit_then_equity_and_cash_hold_it_from_its_time() -> None:
    account = with_deposits(_curve([900.0, 8.0, 9.0]), [(10, 1_000.0)])
    assert account.equity.tolist() == [900.0, 1_008.0, 1_009.0]
    assert account.cash.tolist() == [900.0, 1_008.0, 1_009.0]


moves = st.lists(st.floats(min_value=-0.9, max_value=0.9), min_size=2, max_size=30)


@given(moves=moves, topped=st.sets(st.integers(min_value=0, max_value=29)),
       amount=st.floats(min_value=1.0, max_value=1e4))
def test_growth_curve_when_deposits_then_each_return_is_the_trading_move_alone(
    moves: list[float], topped: set[int], amount: float,
) -> None:
    equity, deposits, value = [], [], INITIAL
    for k, move in enumerate(moves):
        value *= 1.0 + move
        if k in topped:
            value += amount
            deposits.append((k * 10, amount))
        equity.append(value)
    grown = growth_curve(_curve(equity), deposits, INITIAL)
    returns = np.diff(np.concatenate(([INITIAL], grown))) / np.concatenate(([INITIAL],
                                                                           grown[:-1]))
    np.testing.assert_allclose(returns, moves, rtol=1e-9, atol=1e-9)


def test_growth_curve_when_no_deposit_then_the_curve_itself() -> None:
    curve = _curve([990.0, 1_010.0])
    assert growth_curve(curve, [], INITIAL).tolist() == [990.0, 1_010.0]
