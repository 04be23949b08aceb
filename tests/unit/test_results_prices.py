"""``BacktestResults.prices``: each symbol's bars for the report's candles and volume."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from tests.unit.engine_helpers import INITIAL_CASH, Scripted, bars, chunks, make_rig, merge
from vibetrading_V2.runner.results import build_results
from vibetrading_V2.strategy.guard import RuntimeGuard


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def test_results_prices_when_two_symbols_in_chunks_then_each_keeps_its_ohlcv(
    guard: RuntimeGuard,
) -> None:
    aaa = bars("AAA", [10.0, 11.0, 12.0, 13.0], opens=[9.5, 10.5, 11.5, 12.5], volume=5.0)
    bbb = bars("BBB", [20.0, 19.0, 18.0], opens=[20.5, 19.5, 18.5], volume=7.0)
    rig = make_rig(Scripted(lambda bar: None), guard, universe=("AAA", "BBB"))
    run = rig.run(*chunks(merge(aaa, bbb), 3, reverse_symbols=True))

    prices = build_results(
        run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH, periods_per_year=8760.0
    ).prices

    assert sorted(prices) == ["AAA", "BBB"]
    for batch, frame in ((aaa, prices["AAA"]), (bbb, prices["BBB"])):
        assert list(frame.columns) == ["open", "high", "low", "close", "volume"]
        for name in frame.columns:
            assert frame[name].tolist() == np.asarray(getattr(batch, name)).tolist()
        assert frame.index.asi8.tolist() == np.asarray(batch.ts_ns).tolist()
        assert str(frame.index.tz) == "UTC"


def test_results_prices_when_one_symbol_in_one_batch_then_one_candle_per_bar(
    guard: RuntimeGuard,
) -> None:
    batch = bars("AAA", [10.0, 11.0, 12.0], opens=[9.5, 10.5, 11.5])
    rig = make_rig(Scripted(lambda bar: None), guard)
    run = rig.run(batch)

    frame = build_results(
        run, rig.ledger, rig.sim, initial_cash=INITIAL_CASH, periods_per_year=8760.0
    ).prices["AAA"]

    assert frame.attrs["bars_per_candle"] == 1
    assert frame["open"].tolist() == [9.5, 10.5, 11.5]
