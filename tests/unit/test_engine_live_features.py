"""A ``features()`` error on a live-sized batch: counted like an ``on_bar`` error, loop goes on.

The first batch of a symbol (a backtest's whole history) still ends the run with a typed
``StrategyError`` (see ``test_engine_errors.py``); these tests feed small batches, as a paper
or live feed does, so the failures fall on later batches.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from tests.unit.engine_helpers import HOUR, SID, T0, bars, chunks, make_rig
from vibetrading_V2.core.types import Intent
from vibetrading_V2.runner.cursor import BarCursor
from vibetrading_V2.runner.engine import EngineConfig
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

N_BARS, BATCH = 24, 4  # six batches of four bars


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


class _FailingFeatures(Strategy):
    """Its ``features()`` raises on the listed calls (1-based); it goes long on bar 0."""

    warmup_bars = 0

    def __init__(self, failing: set[int]) -> None:
        self._failing = failing
        self._calls = 0
        self.seen: list[tuple[int, float]] = []  # (bar index, its "signal" feature)

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        self._calls += 1
        if self._calls in self._failing:
            raise ValueError(f"bad window {self._calls}")
        return pd.DataFrame({"signal": frame["close"] * 2.0}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        self.seen.append((bar.index, bar["signal"]))
        return Intent.long(bar.symbol, quantity=1.0)


def _closes() -> list[float]:
    return [100.0 + i for i in range(N_BARS)]


def test_engine_when_features_fails_on_the_third_small_batch_then_counted_and_rows_skipped(
    guard: RuntimeGuard,
) -> None:
    strategy = _FailingFeatures({3})
    rig = make_rig(strategy, guard, engine=EngineConfig(error_budget=2))

    run = rig.run(*chunks(bars("AAA", _closes()), BATCH))

    assert run.bars == N_BARS
    assert run.strategy_errors == 1 and not run.strategy_disabled
    skipped = range(2 * BATCH, 3 * BATCH)  # the third batch's rows: no on_bar
    assert [index for index, _ in strategy.seen] == [i for i in range(N_BARS) if i not in skipped]
    assert all(signal == 2.0 * _closes()[index] for index, signal in strategy.seen)
    error = next(c for c in rig.logger.calls if c.event == "strategy_error")
    assert error.fields["symbol"] == "AAA"
    assert error.fields["ts_ns"] == T0 + 2 * BATCH * HOUR  # the failed batch's first bar
    assert "features() of the strategy raised on AAA: ValueError: bad window 3" in (
        error.fields["error"]
    )
    assert rig.ledger.position("AAA").quantity == 1.0  # the position was held throughout


def test_engine_when_features_keeps_failing_past_the_budget_then_disabled_and_run_completes(
    guard: RuntimeGuard,
) -> None:
    strategy = _FailingFeatures({3, 4, 5, 6})
    rig = make_rig(strategy, guard, engine=EngineConfig(error_budget=1))

    run = rig.run(*chunks(bars("AAA", _closes()), BATCH))

    assert run.bars == N_BARS  # the loop went on to the feed's end
    assert run.strategy_disabled
    assert run.strategy_errors == 2  # the second exceeds the budget of 1; features() then rests
    assert [index for index, _ in strategy.seen] == list(range(2 * BATCH))
    assert rig.alerts.codes() == ["strategy_disabled"]
    reason = rig.store.get_control(f"strategy_disabled:{SID}")
    assert reason is not None and "bad window 4" in reason
    assert run.error_record.first_error is not None
    assert "bad window 3" in run.error_record.first_error
    assert np.isfinite(rig.ledger.position("AAA").quantity)


class _Sma(Strategy):
    """Long while the close is above its 5-bar mean; records each bar's index and how many
    bars its symbol's columns held then."""

    warmup_bars = 5

    def __init__(self) -> None:
        self.seen: list[tuple[int, float]] = []
        self.held: list[int] = []

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame({"mean": frame["close"].rolling(5).mean()}, index=frame.index)

    def on_bar(self, bar: BarView) -> StrategyOutput:
        assert isinstance(bar, BarCursor)
        self.seen.append((bar.index, bar["mean"]))
        self.held.append(len(bar.timestamps))
        above = bar.close > bar["mean"]
        return Intent.long(bar.symbol, quantity=1.0) if above else Intent.flat(bar.symbol)


def test_engine_when_paper_sized_batches_then_history_stays_bounded_and_fills_match(
    guard: RuntimeGuard,
) -> None:
    closes = [100.0 + 5.0 * np.sin(i / 7.0) for i in range(400)]
    config = EngineConfig(feature_window=20)
    whole_strategy = _Sma()
    whole = make_rig(whole_strategy, guard, engine=config)
    reference = whole.run(bars("AAA", closes))
    live_strategy = _Sma()
    live = make_rig(live_strategy, guard, engine=config)

    run = live.run(*chunks(bars("AAA", closes), 3))

    assert max(live_strategy.held) <= 2 * 20 + 3  # the rolling window, never the history
    assert max(whole_strategy.held) == len(closes)  # a backtest keeps its one batch whole
    assert [i for i, _ in live_strategy.seen] == list(range(len(closes)))  # index: every bar
    np.testing.assert_allclose([m for _, m in live_strategy.seen],
                               [m for _, m in whole_strategy.seen], rtol=1e-12, equal_nan=True)
    assert [(f.client_order_id, f.price) for f in run.fills] == [
        (f.client_order_id, f.price) for f in reference.fills]
    assert len(reference.fills) > 10
