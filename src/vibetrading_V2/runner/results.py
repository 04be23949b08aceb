"""Turns an ``EngineRun`` into the tables and summary every report is written from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from vibetrading_V2.core.ports import Execution
from vibetrading_V2.core.types import Order
from vibetrading_V2.portfolio.attribution import strategy_figures
from vibetrading_V2.portfolio.deposits import Deposits, growth_curve, paid_in, with_deposits
from vibetrading_V2.portfolio.equity import EquityCurve
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.open_positions import OpenPosition, open_positions
from vibetrading_V2.portfolio.stats import buy_hold_of_closes, performance_summary
from vibetrading_V2.portfolio.timeline import iso_utc
from vibetrading_V2.portfolio.trades import RoundTrip
from vibetrading_V2.runner.collector import quiet_collector
from vibetrading_V2.runner.diagnostics import diagnostics_summary
from vibetrading_V2.runner.engine import EngineRun
from vibetrading_V2.runner.record_tables import (
    RecordTable,
    order_table,
    signal_times,
    times,
    trade_table,
)
from vibetrading_V2.runner.run_orders import run_orders

__all__ = ["BacktestResults", "build_results"]



class BacktestResults:
    """The outputs of one run: the summary at once, the tables when first asked for.

    Why it exists: every run needs its summary, but only writers and reports need the
    trades, orders and equity tables; a million-bar run builds those frames (tens of
    megabytes) on first use, once, instead of on every run. Results are read-only.
    """

    def __init__(
        self,
        *,
        summary: dict[str, object],
        run: EngineRun,
        per_ts: EquityCurve,
        trades: list[RoundTrip],
        orders: list[Order],
        initial_cash: float,
        open_positions: Sequence[OpenPosition] = (),
        deposits: Deposits | None = None,
    ) -> None:
        self.summary = summary
        self.run = run
        self._per_ts = per_ts
        self._trades = trades
        self._open = list(open_positions)
        self._orders = orders
        self._initial_cash = initial_cash
        self._deposits = deposits

    @cached_property
    def trades(self) -> pd.DataFrame:
        """One row per round trip (``trades.csv``), then one per position still open."""
        return self.trade_table().frame()

    @cached_property
    def orders(self) -> pd.DataFrame:
        """One row per order in its last state (``orders.csv``)."""
        return self.order_table().frame()

    def trade_table(self) -> RecordTable:
        """``trades``' rows made a slice at a time from the run's records (for writers)."""
        return trade_table(self._trades, self._open, self._signal_ns)

    @cached_property
    def _signal_ns(self) -> dict[str, int]:
        """The bar time each trade's entry and exit orders were created at, by client id."""
        return signal_times(self._orders, [*self._trades, *self._open])

    def order_table(self) -> RecordTable:
        """``orders``' rows made a slice at a time from the run's records (for writers)."""
        return order_table(self._orders)

    @cached_property
    def equity(self) -> pd.DataFrame:
        """Equity, cash, gross exposure and drawdown per timestamp (``equity.csv``); a
        paper session with top-ups adds the cash paid in so far (``deposits``), and its
        drawdown is that of the curve without them (``portfolio.deposits``)."""
        if self._deposits is None:
            return _equity_frame(self._per_ts, self._initial_cash)
        return _deposit_equity_frame(self._per_ts, self._deposits, self._initial_cash)

    @cached_property
    def strategy_equity(self) -> pd.DataFrame | None:
        """Each strategy's net PnL per timestamp (``strategy_equity.csv``), built from its
        fills; ``None`` for a run of one strategy (its PnL is the account's)."""
        ids = [str(row["strategy_id"]) for row in self._strategy_rows()]
        if len(ids) < 2:
            return None
        kept = self.run.equity.strategy_pnl
        flat = np.zeros(len(self._per_ts))  # a strategy the run did not know: no fills
        series = {sid: kept.get(sid, flat) for sid in ids}
        return pd.DataFrame({"timestamp": times(self._per_ts.ts_ns), **series}, copy=False)

    def _strategy_rows(self) -> list[Mapping[str, object]]:
        rows = self.summary.get("strategies")
        return [r for r in rows if isinstance(r, Mapping)] if isinstance(rows, list) else []

    @property
    def prices(self) -> Mapping[str, pd.DataFrame]:
        """Candles per symbol for the report (open, high, low, close, volume), built on
        demand from the candles the run kept: one per bar up to ``KEPT_CANDLES`` bars of a
        symbol, else merged (``bars_per_candle`` in the frame's ``attrs``, and a
        ``close_time`` column: when each candle's close was)."""
        return _prices(self.run)


@quiet_collector()  # the run's records are many and long-lived: keep the collector off them
def build_results(
    run: EngineRun,
    ledger: Ledger,
    execution: Execution,
    *,
    initial_cash: float,
    periods_per_year: float,
    deposits: Deposits | None = None,
) -> BacktestResults:
    """Summarise the run from its equity curve (valued as the run went) and its records.

    ``deposits``: a paper session's top-ups (market time, amount), ``None`` for an account
    that has none (a backtest): in the curve, out of returns and PnL.
    """
    timeline, per_ts, exposure = run.timeline, run.equity.account, run.equity.exposure
    if initial_cash != run.equity.initial_cash:
        raise ValueError(f"the run was valued from a cash of {run.equity.initial_cash!r}, "
                         f"not {initial_cash!r}: give the ledger's initial cash")
    trades = ledger.trades()
    closes = timeline.last_closes()
    held = [
        replace(p, entry_order_id=ledger.entry_order_id(p.strategy_id, p.symbol))
        for p in open_positions(ledger.open_books(), closes)
    ]
    growth = per_ts.equity if deposits is None else growth_curve(
        with_deposits(per_ts, deposits), deposits, initial_cash)
    summary: dict[str, object] = dict(
        performance_summary(
            per_ts.ts_ns, growth, trades, initial_cash=initial_cash,
            fees=ledger.fees(), exposure=exposure, periods_per_year=periods_per_year,
        )
    )
    if deposits is not None:
        summary.update(deposit_figures(per_ts, deposits, initial_cash))
    engine_seconds = run.engine_seconds
    summary.update(
        start=iso_utc(int(per_ts.ts_ns[0])) if len(per_ts) else None,
        end=iso_utc(int(per_ts.ts_ns[-1])) if len(per_ts) else None,
        bars=run.bars,
        symbols=list(run.symbols),
        buy_hold_return_pct=buy_hold_of_closes(timeline.first_last_closes()),
        n_open_positions=len(held),
        open_positions=[p.summary_row() for p in held],
        n_orders=0,
        n_fills=len(run.fills),
        engine_seconds=engine_seconds,
        bars_per_second=run.bars / engine_seconds if engine_seconds > 0 else None,
    )
    summary.update(diagnostics_summary(run))  # vetoes, resizes, errors, state changes, warnings
    figures = strategy_figures(ledger, run.strategy_ids, closes)
    summary["strategies"] = [f.summary_row() for f in figures]
    orders = run_orders(execution)
    summary["n_orders"] = len(orders)
    return BacktestResults(
        summary=summary, run=run, per_ts=per_ts, trades=trades, orders=orders,
        initial_cash=initial_cash, open_positions=held, deposits=deposits,
    )


def deposit_figures(
    per_ts: EquityCurve, deposits: Deposits, initial_cash: float
) -> dict[str, object]:
    """What a paper session's summary adds: the account's final equity (deposits
    included), the top-ups (``epochs``) and their sum, and the PnL without them."""
    paid = sum(amount for _, amount in deposits)
    final = float(with_deposits(per_ts, deposits).equity[-1]) if len(per_ts) else None
    return {
        "final_equity": final,
        "deposits": paid,
        "epochs": len(deposits),
        "net_pnl": None if final is None else final - initial_cash - paid,
    }


def _equity_frame(curve: EquityCurve, initial_cash: float) -> pd.DataFrame:
    """``equity.csv``'s table: time, equity, cash, gross exposure and drawdown per row.

    The curve's (read-only) arrays are the columns, not copies of them: on a million-row
    run only the drawdown is new memory, computed in place.
    """
    # drawdown = equity / running peak (the starting cash counts as the first peak) - 1
    drawdown = np.maximum(curve.equity, initial_cash)
    np.maximum.accumulate(drawdown, out=drawdown)
    np.divide(curve.equity, drawdown, out=drawdown)
    drawdown -= 1.0
    columns = {
        "timestamp": times(curve.ts_ns), "equity": curve.equity, "cash": curve.cash,
        "gross_exposure": curve.gross_exposure, "drawdown": drawdown,
    }  # fmt: skip
    return pd.DataFrame(columns, copy=False)


def _deposit_equity_frame(
    per_ts: EquityCurve, deposits: Deposits, initial_cash: float
) -> pd.DataFrame:
    """``equity.csv`` of a paper session with top-ups: the account's equity and cash
    (deposits in), the cash paid in so far, and the drawdown of the curve without them."""
    account = with_deposits(per_ts, deposits)
    frame = _equity_frame(account, initial_cash)
    frame["deposits"] = paid_in(per_ts.ts_ns, deposits)
    growth = growth_curve(account, deposits, initial_cash)
    peak = np.maximum.accumulate(np.maximum(growth, initial_cash))
    frame["drawdown"] = growth / peak - 1.0
    return frame


def _prices(run: EngineRun) -> dict[str, pd.DataFrame]:
    prices: dict[str, pd.DataFrame] = {}
    for symbol in run.symbols:
        kept = run.candles.get(symbol)
        if kept is None:
            continue
        start_ns, close_ns, fields = kept.arrays()
        columns: dict[str, Any] = dict(fields)
        if kept.width > 1:
            columns["close_time"] = times(close_ns).array
        index = pd.DatetimeIndex(times(start_ns), name="timestamp")
        frame = pd.DataFrame(columns, index=index, copy=False)
        frame.attrs["bars_per_candle"] = kept.width
        prices[symbol] = frame
    return prices
