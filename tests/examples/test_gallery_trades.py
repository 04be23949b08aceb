"""Each gallery strategy's trades on its data are pinned: an engine change that moves them fails.

A pin is the sha256 of the trades' pinned columns (``gallery.TRADE_COLUMNS``, the text as
written) and a few facts a reader can check in the file: the trade count, the first trade
and the run's return. The signals of three of them are recomputed independently in
``test_gallery_signals.py``, so these pins are known right, not just frozen.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.examples.gallery import trade_rows, trades_digest
from tests.integration.backtest_runs import ROOT, Done


@dataclass(frozen=True)
class Pin:
    """What one strategy's run must reproduce exactly."""

    digest: str
    rows: int  # closed trades plus the position still open at the end
    first: tuple[str, str, str, str]  # symbol, direction, entry_time, entry_price
    closed_trades: int
    return_pct: float  # summary.json total_return_pct, to 6 decimals


PINS = {
    "sma_cross": Pin("16db0a4214e57d7b498b2be3669c329ab54db3a9c35708725e32e534602d7d1a", 84,
                     ("EURUSD", "long", "2017-04-20T16:00:00Z", "1.07579"), 84, 3.873451),
    "rsi_reversion": Pin("a8ecccac6811e1c51cd3353471ee6ef80faaf208d36cbe2b8cc34d638d5711fd", 32,
                         ("EURUSD", "long", "2017-05-03T21:00:00Z", "1.08868"), 32, 1.756099),
    "bollinger_breakout": Pin(
        "67cc9f43e0d3257e900d71a7494c9fd5014e0f0bb1e98924dc5428398779c8c1", 103,
        ("EURUSD", "long", "2017-04-20T07:00:00Z", "1.0741"), 103, 4.281481),
    "sma_reversal": Pin("640c0172b3ea0e36b3b25ba632d5eee8796adb4ad347d30dcbd52bf132c3f71e", 109,
                        ("EURUSD", "short", "2017-04-21T12:00:00Z", "1.06912"), 108, -3.428262),
    "macd_basket": Pin("9964f56b496b39fed1a1e074faa915be7561ba96ac8f6de88d1abb3b7b531f51", 60,
                       ("ALPHA", "long", "2020-02-19T00:00:00Z", "49.96"), 59, -1.000598),
    # checked trade by trade against tests/examples/test_gallery_donchian.py's own loop
    "donchian_atr_stop": Pin(
        "401325124214d4f8cd0f3a3b20d46dff78fec4bc2f2b03988291942b38f551b4", 86,
        ("EURUSD", "long", "2017-04-20T07:00:00Z", "1.0741"), 86, 6.399877),
}  # fmt: skip
NEXT_BAR_PINS = {  # the same strategy with bracket_arming: next_bar
    "donchian_atr_stop@next_bar": Pin(
        "fc9d8283c7f341717b033b6da6bfe6b055dbdc8b5070b962d6af5f2bcaad60cc", 85,
        ("EURUSD", "long", "2017-04-20T07:00:00Z", "1.0741"), 85, 6.912062),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(PINS | NEXT_BAR_PINS))
def test_gallery_strategy_when_run_on_its_data_then_its_trades_match_the_pin(
    gallery_runs: dict[str, Done], name: str
) -> None:
    done, pin = gallery_runs[name], (PINS | NEXT_BAR_PINS)[name]
    assert done.returncode == 0, done.stderr
    rows = trade_rows(done.out)
    first = rows[0]
    assert (first["symbol"], first["direction"], first["entry_time"], first["entry_price"]) == (
        pin.first
    )
    assert len(rows) == pin.rows
    summary = done.summary()
    assert summary["n_trades"] == pin.closed_trades
    assert round(summary["total_return_pct"], 6) == pin.return_pct
    assert summary["n_vetoes"] == summary["n_strategy_errors"] == 0
    assert trades_digest(done.out) == pin.digest


def test_gallery_runs_when_printed_then_the_console_shows_the_pinned_trades_and_return(
    gallery_runs: dict[str, Done],
) -> None:
    # examples/README.md quotes these two console lines of each run
    for name, pin in PINS.items():
        table = gallery_runs[name].stdout.replace("│", " ")
        lines = {" ".join(line.split()) for line in table.splitlines()}
        assert f"Trades {pin.closed_trades}" in lines, name
        assert f"Return {pin.return_pct:.2f} %" in lines, name


def test_examples_readme_when_read_then_its_table_quotes_the_pinned_results() -> None:
    readme = (ROOT / "examples" / "README.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line.split("|") for line in readme.splitlines()
            if line.startswith("| `")}  # fmt: skip
    for name, pin in PINS.items():
        cells = rows[f"{name}.py"]
        assert cells[3].strip().split()[0] == str(pin.closed_trades), name
        assert cells[4].strip() == f"{pin.return_pct:.2f} %", name
