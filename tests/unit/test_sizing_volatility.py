"""annualised_volatility: values, warm-up NaNs, causality, argument checks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.policies.sizing import annualised_volatility


def _closes(n: int, seed: int = 7) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return 100.0 * np.exp(np.cumsum(rng.normal(0.0, 0.01, n)))


def test_volatility_when_computed_then_matches_sample_std_of_log_returns() -> None:
    closes = _closes(60)
    out = annualised_volatility(closes, 20, 365.0)
    returns = np.diff(np.log(closes))
    for t in (20, 33, 59):
        want = np.std(returns[t - 20 : t], ddof=1) * math.sqrt(365.0)
        assert out[t] == pytest.approx(want, rel=1e-12)


def test_volatility_when_fewer_than_lookback_returns_then_nan_warmup() -> None:
    out = annualised_volatility(_closes(30), 10, 252.0)
    assert out.shape == (30,)
    assert np.isnan(out[:10]).all()
    assert np.isfinite(out[10:]).all()


def test_volatility_when_series_shorter_than_window_then_all_nan() -> None:
    assert np.isnan(annualised_volatility([100.0, 101.0, 102.0], 5, 252.0)).all()


def test_volatility_when_constant_prices_then_zero() -> None:
    out = annualised_volatility(np.full(10, 50.0), 3, 252.0)
    assert (out[3:] == 0.0).all()


def test_volatility_when_close_not_positive_or_nan_then_windows_touching_it_are_nan() -> None:
    closes = _closes(30)
    closes[15] = 0.0
    out = annualised_volatility(closes, 5, 252.0)
    assert np.isnan(out[15:21]).all()
    assert np.isfinite(out[5:15]).all() and np.isfinite(out[21:]).all()


def test_volatility_when_chunked_then_same_as_direct_computation() -> None:
    closes = _closes(5_000)
    out = annualised_volatility(closes, 300, 365.0)  # forces several chunks
    returns = np.diff(np.log(closes))
    want = np.std(returns[-300:], ddof=1) * math.sqrt(365.0)
    assert out[-1] == pytest.approx(want, rel=1e-12)


@settings(max_examples=40, deadline=None, database=None)
@given(st.integers(2, 30), st.integers(0, 200), st.integers(0, 10_000))
def test_volatility_when_future_bars_appended_then_past_values_identical(
    lookback: int, cut: int, seed: int
) -> None:
    closes = _closes(250, seed)
    full = annualised_volatility(closes, lookback, 365.0)
    prefix = annualised_volatility(closes[: cut + 1], lookback, 365.0)
    np.testing.assert_array_equal(full[: cut + 1], prefix)
    window = annualised_volatility(closes[max(0, cut - lookback) : cut + 1], lookback, 365.0)
    np.testing.assert_array_equal(full[cut], window[-1])


@pytest.mark.parametrize(
    ("closes", "lookback", "periods"),
    [
        (np.ones((3, 3)), 2, 252.0),
        (np.ones(10), 1, 252.0),
        (np.ones(10), 2.5, 252.0),
        (np.ones(10), True, 252.0),
        (np.ones(10), 2, 0.0),
        (np.ones(10), 2, math.nan),
    ],
)
def test_volatility_when_arguments_invalid_then_value_error(
    closes: np.ndarray, lookback: int, periods: float
) -> None:
    # the compiled build refuses a wrongly typed argument at the call itself (TypeError)
    with pytest.raises((ValueError, TypeError)):
        annualised_volatility(closes, lookback, periods)
