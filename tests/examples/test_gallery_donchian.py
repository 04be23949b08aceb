"""The Donchian breakout's trades recomputed from its rule alone, under both arming rules.

The reference is a plain loop over the bundled EUR/USD bars with its own Wilder ATR (no
indicator module, no engine): a close above the highest high of the 20 bars before buys
at the next open; the stop is that fill minus 2 x ATR(14) of the signal bar; a close below
the lowest low of the 10 bars before sells at the next open. The stop sells at
``min(open, stop)`` on the first bar it may fill whose low reaches it: the entry's own bar
(``entry_bar``: the rest of the bar came after the open) or the bar after (``next_bar``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from tests.examples.gallery import trade_rows
from tests.integration.backtest_runs import ROOT, Done

FloatArray = npt.NDArray[np.float64]
Trade = tuple[str, float, str, float, str]  # entry time, price, exit time, price, reason
WARMUP = 21  # max(20, 10, 14) + 1 bars whose intents are ignored


def _wilder_atr(high: FloatArray, low: FloatArray, close: FloatArray, n: int) -> FloatArray:
    true_range = np.maximum(high[1:] - low[1:], np.maximum(
        abs(high[1:] - close[:-1]), abs(low[1:] - close[:-1])))
    out = np.full(len(close), np.nan)
    out[n] = true_range[:n].mean()
    for t in range(n + 1, len(close)):
        out[t] = (out[t - 1] * (n - 1) + true_range[t - 1]) / n
    return out


def _reference_trades(bars: pd.DataFrame, arming: str) -> list[Trade]:
    o, hi, lo, c = (bars[k].to_numpy(np.float64) for k in ("open", "high", "low", "close"))
    atr = _wilder_atr(hi, lo, c, 14)
    entry_high = pd.Series(hi).rolling(20).max().shift(1).to_numpy()
    exit_low = pd.Series(lo).rolling(10).min().shift(1).to_numpy()
    times = bars["timestamp"].dt.strftime("%Y-%m-%dT%H:%M:%SZ").to_numpy()
    trades: list[Trade] = []
    order: float | None = None  # NaN: sell at the next open; a number: buy, stop distance
    entry = (0, 0.0)
    stop = armed_from = None
    for t in range(len(c)):
        if order is not None and order == order:
            entry, stop = (t, o[t]), o[t] - order
            armed_from = t if arming == "entry_bar" else t + 1
        elif order is not None:
            trades.append((times[entry[0]], entry[1], times[t], o[t], "signal"))
            stop = None
        order = None
        if stop is not None and armed_from is not None and t >= armed_from and lo[t] <= stop:
            trades.append((times[entry[0]], entry[1], times[t], min(o[t], stop), "stop"))
            stop = None
        if t >= WARMUP and stop is None and c[t] > entry_high[t]:
            order = 2.0 * atr[t]
        elif t >= WARMUP and stop is not None and c[t] < exit_low[t]:
            order = np.nan
    return trades


def _engine_trades(done: Done) -> list[Trade]:
    return [(r["entry_time"], float(r["entry_price"]), r["exit_time"], float(r["exit_price"]),
             r["exit_reason"]) for r in trade_rows(done.out)]


@pytest.mark.parametrize(("run", "arming"), [("donchian_atr_stop", "entry_bar"),
                                             ("donchian_atr_stop@next_bar", "next_bar")])
def test_donchian_when_recomputed_then_every_trade_matches_the_rule(
    gallery_runs: dict[str, Done], run: str, arming: str
) -> None:
    bars = pd.read_parquet(ROOT / "data" / "curated" / "1h" / "EURUSD.parquet")
    expected = _reference_trades(bars, arming)
    got = _engine_trades(gallery_runs[run])
    assert len(got) == len(expected)
    for mine, theirs in zip(got, expected, strict=True):
        assert (mine[0], mine[2], mine[4]) == (theirs[0], theirs[2], theirs[4])
        assert mine[1] == pytest.approx(theirs[1], abs=1e-12)
        assert mine[3] == pytest.approx(theirs[3], abs=1e-12)


def test_donchian_first_trade_when_read_then_its_stop_is_the_fill_minus_two_atr(
    gallery_runs: dict[str, Done],
) -> None:
    # signal 2017-04-20 06:00: close 1.07414 > 1.07299, ATR(14) 0.00105142...; bought at
    # the 07:00 open of 1.0741, so the stop is 1.0741 - 2 x ATR = 1.071997..., hit at 17:00
    first = _engine_trades(gallery_runs["donchian_atr_stop"])[0]
    assert first[:3] == ("2017-04-20T07:00:00Z", 1.0741, "2017-04-20T17:00:00Z")
    assert first[3] == pytest.approx(1.0741 - 2 * 0.0010514208555155674, abs=1e-12)


def test_donchian_when_the_entry_bar_falls_through_the_stop_then_only_entry_bar_exits_there(
    gallery_runs: dict[str, Done],
) -> None:
    entry_bar = _engine_trades(gallery_runs["donchian_atr_stop"])
    next_bar = _engine_trades(gallery_runs["donchian_atr_stop@next_bar"])
    bought = "2017-08-11T13:00:00Z"  # the 13:00 bar opens at 1.1816 and falls below its stop
    assert [t[2:] for t in entry_bar if t[0] == bought] == [
        ("2017-08-11T13:00:00Z", pytest.approx(1.1779870360366274), "stop")]
    assert [t[2:] for t in next_bar if t[0] == bought] == [
        ("2017-08-14T08:00:00Z", 1.18074, "signal")]
    # stopped out, the strategy buys the next breakout again (the stop-out ended its intent)
    assert [t[0] for t in entry_bar].count("2017-08-11T18:00:00Z") == 1
