"""How bars reach the strategy: symbols merged in time order, chunked feeds equal one batch."""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest

from tests.unit.engine_helpers import (
    HOUR,
    T0,
    ListFeed,
    Scripted,
    bars,
    chunks,
    make_rig,
    merge,
)
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import Intent
from vibetrading_V2.policies.config import SizingPolicy
from vibetrading_V2.runner.engine import EngineConfig, EngineRun
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

FAST, SLOW = 3, 8
N_BARS = 90


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _wave(n: int, base: float, phase: float) -> list[float]:
    """A deterministic price path that crosses its own moving averages several times."""
    t = np.arange(n, dtype=np.float64)
    return [round(v, 4) for v in base + 3.0 * np.sin(t / 5.0 + phase) + 0.02 * t]


class Observer(Strategy):
    """SMA crossover per symbol that also records every value it read from the cursor.

    ``seen`` holds the exact per-bar values, ``features`` the moving averages: rolling sums
    started at another row differ in the last bits, so those are compared with a tolerance.
    """

    def __init__(self, *, sized: bool = True) -> None:
        self.warmup_bars = SLOW
        self.sized = sized
        self.seen: list[tuple[object, ...]] = []
        self.features_seen: list[tuple[float, float]] = []
        self._long: dict[str, Intent] = {}
        self._flat: dict[str, Intent] = {}

    def features(self, frame: pd.DataFrame) -> pd.DataFrame:
        close = frame["close"]
        return pd.DataFrame(
            {"fast": close.rolling(FAST).mean(), "slow": close.rolling(SLOW).mean()},
            index=frame.index,
        )

    def on_bar(self, bar: BarView) -> StrategyOutput:
        fast, slow = bar["fast"], bar["slow"]
        self.seen.append(
            (bar.symbol, bar.index, bar.ts_ns, bar.open, bar.high, bar.low, bar.close,
             bar.volume, math.isnan(fast), math.isnan(slow), bar.position)
        )
        self.features_seen.append((fast, slow))
        symbol = bar.symbol
        if symbol not in self._long:
            extra = {"quantity": 5.0} if self.sized else {}
            self._long[symbol] = Intent.long(symbol, **extra)
            self._flat[symbol] = Intent.flat(symbol)
        return self._long[symbol] if fast > slow else self._flat[symbol]


def assert_same_features(got: Observer, want: Observer) -> None:
    np.testing.assert_allclose(
        np.array(got.features_seen), np.array(want.features_seen), rtol=1e-12, equal_nan=True
    )


def test_engine_when_two_symbols_then_bars_arrive_in_time_order_with_their_own_values(
    guard: RuntimeGuard,
) -> None:
    aaa = bars("AAA", [10.0, 11.0, 12.0], times=[T0, T0 + 2 * HOUR, T0 + 4 * HOUR])
    bbb = bars("BBB", [20.0, 21.0, 22.0], times=[T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR])
    seen: list[tuple[str, int, int, float, float]] = []

    class Twice(Scripted):
        def features(self, frame: pd.DataFrame) -> pd.DataFrame:
            return pd.DataFrame({"twice": frame["close"] * 2.0}, index=frame.index)

    def decide(bar: BarView) -> StrategyOutput:
        seen.append((bar.symbol, bar.index, bar.ts_ns, bar.close, bar["twice"]))
        return Intent.long(bar.symbol, quantity=1.0) if bar.index == 0 else None

    rig = make_rig(Twice(decide), guard, universe=("AAA", "BBB"))

    run = rig.run(merge(aaa, bbb))

    assert seen == [
        ("AAA", 0, T0, 10.0, 20.0),
        ("BBB", 0, T0 + HOUR, 20.0, 40.0),
        ("AAA", 1, T0 + 2 * HOUR, 11.0, 22.0),  # equal time: in the batch's symbol order
        ("BBB", 1, T0 + 2 * HOUR, 21.0, 42.0),
        ("BBB", 2, T0 + 3 * HOUR, 22.0, 44.0),
        ("AAA", 2, T0 + 4 * HOUR, 12.0, 24.0),
    ]
    # each order fills at the next open of its own symbol
    assert [(f.symbol, f.ts_ns, f.price) for f in run.fills] == [
        ("AAA", T0 + 2 * HOUR, 11.0),
        ("BBB", T0 + 2 * HOUR, 21.0),
    ]
    assert run.symbols == ("AAA", "BBB")
    assert len(run.timeline) == 6
    assert run.timeline.last_closes() == {"AAA": (T0 + 4 * HOUR, 12.0),
                                          "BBB": (T0 + 3 * HOUR, 22.0)}
    assert run.timeline.first_last_closes() == [(10.0, 12.0), (20.0, 22.0)]


def test_engine_when_two_symbols_then_warmup_counts_each_symbols_own_bars(
    guard: RuntimeGuard,
) -> None:
    aaa = bars("AAA", [10.0] * 6)
    bbb = bars("BBB", [20.0] * 3, start=T0 + 3 * HOUR)  # starts when AAA is past warm-up
    wanted = {s: Intent.long(s, quantity=1.0) for s in ("AAA", "BBB")}
    rig = make_rig(
        Scripted(lambda bar: wanted[bar.symbol], warmup_bars=2), guard, universe=("AAA", "BBB")
    )

    rig.run(merge(aaa, bbb))

    assert [(r.intent.symbol, r.ts_ns) for r in rig.store.intents()] == [
        ("AAA", T0 + 2 * HOUR),
        ("BBB", T0 + 5 * HOUR),  # BBB's own index 2
    ]


def _run(
    guard: RuntimeGuard, *batches: BarBatch, sized: bool = True, **engine: object
) -> tuple[EngineRun, Observer]:
    strategy = Observer(sized=sized)
    sizing = None if sized else SizingPolicy(model="volatility_target", vol_lookback=5)
    config = EngineConfig(feature_window=20, **engine)  # type: ignore[arg-type]
    rig = make_rig(strategy, guard, universe=("AAA", "BBB"), sizing=sizing, engine=config)
    return rig.run(*batches), strategy


@pytest.mark.parametrize("size", [1, 7, 32])
def test_engine_when_one_symbol_arrives_in_chunks_then_fills_and_features_match_one_batch(
    guard: RuntimeGuard, size: int
) -> None:
    whole = bars("AAA", _wave(N_BARS, 100.0, 0.0))
    reference, ref_strategy = _run(guard, whole)
    assert len(reference.fills) >= 6  # the path crosses: the comparison below has teeth

    chunked, strategy = _run(guard, *chunks(whole, size))

    assert strategy.seen == ref_strategy.seen
    assert_same_features(strategy, ref_strategy)
    assert chunked.fills == reference.fills
    assert chunked.fill_rows == reference.fill_rows
    assert chunked.client_order_ids == reference.client_order_ids
    assert _kept(chunked) == _kept(reference)


@pytest.mark.parametrize("size", [1, 5, 16])
def test_engine_when_two_symbols_arrive_in_chunks_then_fills_and_features_match_one_batch(
    guard: RuntimeGuard, size: int
) -> None:
    aaa = bars("AAA", _wave(N_BARS, 100.0, 0.0))
    bbb = bars("BBB", _wave(N_BARS // 2, 50.0, 1.0), step=2 * HOUR, start=T0 + HOUR)
    whole = merge(aaa, bbb)
    reference, ref_strategy = _run(guard, whole)
    assert {f.symbol for f in reference.fills} == {"AAA", "BBB"}

    chunked, strategy = _run(guard, *chunks(whole, size, reverse_symbols=True))

    assert strategy.seen == ref_strategy.seen
    assert_same_features(strategy, ref_strategy)
    assert chunked.fills == reference.fills
    assert chunked.fill_rows == reference.fill_rows
    assert _kept(chunked) == _kept(reference)


def _kept(run: EngineRun) -> tuple[object, ...]:
    """What the run kept of its rows: times, closes by symbol, the curve's bytes."""
    timeline, curve = run.timeline, run.equity.account
    ends = None if timeline.ends is None else timeline.ends.tolist()
    return (timeline.times.tolist(), ends, timeline.last_closes(),
            dict(zip(timeline.symbols, timeline.first_close.tolist(), strict=True)),
            curve.equity.tobytes(), curve.cash.tobytes(),
            run.equity.exposure)


def test_engine_when_chunked_then_an_unchanged_intent_is_not_sent_again(
    guard: RuntimeGuard,
) -> None:
    whole = bars("AAA", _wave(N_BARS, 100.0, 0.0))
    rig = make_rig(Observer(), guard, engine=EngineConfig(feature_window=20))
    rig.run(whole)
    chunked = make_rig(Observer(), guard, engine=EngineConfig(feature_window=20))

    chunked.run(*chunks(whole, 4))

    assert len(chunked.store.intents()) == len(rig.store.intents())


def test_engine_when_volatility_sizing_and_chunks_then_quantities_match_one_batch(
    guard: RuntimeGuard,
) -> None:
    whole = bars("AAA", _wave(N_BARS, 100.0, 0.0))
    reference, _ = _run(guard, whole, sized=False, vol_lookback=5)
    assert reference.fills and reference.vetoes == 0

    chunked, _ = _run(guard, *chunks(whole, 4), sized=False, vol_lookback=5)

    assert [f.client_order_id for f in chunked.fills] == [
        f.client_order_id for f in reference.fills
    ]
    for got, want in zip(chunked.fills, reference.fills, strict=True):
        assert got.quantity == pytest.approx(want.quantity, rel=1e-12)
        assert got.price == want.price


def test_engine_when_a_symbol_first_appears_in_a_later_chunk_then_it_is_added(
    guard: RuntimeGuard,
) -> None:
    aaa = bars("AAA", _wave(20, 100.0, 0.0))
    bbb = bars("BBB", _wave(10, 50.0, 1.0), start=T0 + 10 * HOUR)
    whole = merge(aaa, bbb)
    reference, ref_strategy = _run(guard, whole)

    chunked, strategy = _run(guard, *chunks(whole, 10))

    assert strategy.seen == ref_strategy.seen
    assert_same_features(strategy, ref_strategy)
    assert chunked.fills == reference.fills
    assert chunked.symbols == ("AAA", "BBB")
    assert chunked.client_order_ids == reference.client_order_ids


def test_engine_when_one_bar_emits_intents_for_two_symbols_then_both_trade(
    guard: RuntimeGuard,
) -> None:
    aaa = bars("AAA", [10.0, 11.0, 12.0, 13.0])
    bbb = bars("BBB", [20.0, 21.0, 22.0, 23.0], start=T0 + 1)  # just after AAA's bars
    pair = [Intent.long("AAA", quantity=1.0), Intent.long("BBB", quantity=1.0)]

    def decide(bar: BarView) -> StrategyOutput:
        return pair if (bar.symbol, bar.index) == ("AAA", 2) else None

    rig = make_rig(Scripted(decide), guard, universe=("AAA", "BBB"))

    run = rig.run(merge(aaa, bbb))

    assert rig.store.vetoes() == []
    assert [(f.symbol, f.ts_ns, f.price) for f in run.fills] == [
        ("BBB", T0 + 2 * HOUR + 1, 22.0),  # BBB's next open after the signal
        ("AAA", T0 + 3 * HOUR, 13.0),
    ]


def test_engine_progress_when_one_long_batch_then_reported_while_walking_and_summing_to_all(
    guard: RuntimeGuard,
) -> None:
    n = 150_000  # one batch, as a backtest loads it: the bar must move before it ends
    rig = make_rig(Scripted(lambda bar: None), guard)
    told: list[int] = []
    rig.engine.run(ListFeed(bars("AAA", [100.0] * n)), progress=told.append)
    assert told == [65_536, 65_536, n - 2 * 65_536]


def test_engine_progress_when_short_batches_then_one_report_per_batch(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(Scripted(lambda bar: None), guard)
    told: list[int] = []
    rig.engine.run(ListFeed(*chunks(bars("AAA", [100.0] * 30), 10)), progress=told.append)
    assert told == [10, 10, 10]

