"""Turns an ``EngineRun`` into the tables and summary every report is written from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from vibetrading_V2.core.ports import Execution
from vibetrading_V2.core.types import Order
from vibetrading_V2.portfolio.equity import equity_curve, exposure_fraction, per_timestamp
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.portfolio.stats import performance_summary
from vibetrading_V2.portfolio.trades import RoundTrip
from vibetrading_V2.runner.engine import EngineRun

__all__ = ["BacktestResults", "build_results"]

BRACKET_SUFFIXES = (":sl", ":tp")


@dataclass(frozen=True, slots=True)
class BacktestResults:
    """The outputs of one run as frames (trades, orders, equity), prices and a summary."""

    trades: pd.DataFrame
    orders: pd.DataFrame
    equity: pd.DataFrame
    prices: Mapping[str, pd.DataFrame]
    summary: dict[str, object]


def build_results(
    run: EngineRun,
    ledger: Ledger,
    execution: Execution,
    *,
    initial_cash: float,
    periods_per_year: float,
) -> BacktestResults:
    """Rebuild the equity curve from the fills and summarise the run."""
    curve = equity_curve(
        run.symbol_index, run.ts_ns, run.close, len(run.symbols), run.fills,
        run.symbols, initial_cash, run.fill_rows,
    )
    exposure = exposure_fraction(curve)
    per_ts = per_timestamp(curve)
    peak = np.maximum.accumulate(np.maximum(per_ts.equity, initial_cash)) if len(per_ts) else \
        per_ts.equity
    equity = pd.DataFrame(
        {
            "timestamp": _times(per_ts.ts_ns),
            "equity": per_ts.equity,
            "cash": per_ts.cash,
            "gross_exposure": per_ts.gross_exposure,
            "drawdown": per_ts.equity / peak - 1.0 if len(per_ts) else per_ts.equity,
        }
    )
    trades = ledger.trades()
    summary: dict[str, object] = dict(
        performance_summary(
            per_ts.ts_ns, per_ts.equity, trades, initial_cash=initial_cash,
            fees=ledger.fees(), exposure=exposure, periods_per_year=periods_per_year,
        )
    )
    engine_seconds = run.engine_seconds
    summary.update(
        bars=run.bars,
        symbols=list(run.symbols),
        n_orders=0,
        n_fills=len(run.fills),
        vetoes=run.vetoes,
        strategy_errors=run.strategy_errors,
        strategy_disabled=run.strategy_disabled,
        engine_seconds=engine_seconds,
        bars_per_second=run.bars / engine_seconds if engine_seconds > 0 else None,
    )
    orders = _orders_frame(_all_orders(run, execution))
    summary["n_orders"] = len(orders)
    return BacktestResults(
        trades=_trades_frame(trades),
        orders=orders,
        equity=equity,
        prices=_prices(run),
        summary=summary,
    )


def _all_orders(run: EngineRun, execution: Execution) -> list[Order]:
    ids: dict[str, None] = {}
    for cid in run.client_order_ids:
        ids[cid] = None
        for suffix in BRACKET_SUFFIXES:
            ids[cid + suffix] = None
    for fill in run.fills:
        ids.setdefault(fill.client_order_id, None)
    found = (execution.order(cid) for cid in ids)
    return [o for o in found if o is not None]


def _times(ts_ns: npt.NDArray[np.int64]) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(ts_ns, dtype=np.int64), unit="ns", utc=True))


def _trades_frame(trades: list[RoundTrip]) -> pd.DataFrame:
    rows = [
        {
            "strategy_id": t.strategy_id,
            "symbol": t.symbol,
            "direction": str(t.direction),
            "entry_time": pd.Timestamp(t.entry_ts_ns, unit="ns", tz="UTC"),
            "exit_time": pd.Timestamp(t.exit_ts_ns, unit="ns", tz="UTC"),
            "quantity": t.quantity,
            "entry_price": t.entry_price,
            "exit_price": t.exit_price,
            "pnl": t.pnl,
            "fees": t.fees,
            "net_pnl": t.net_pnl,
            "return_pct": t.return_pct,
        }
        for t in trades
    ]
    return pd.DataFrame(rows)


def _orders_frame(orders: list[Order]) -> pd.DataFrame:
    rows = [
        {
            "client_order_id": o.client_order_id,
            "strategy_id": o.request.strategy_id,
            "symbol": o.request.symbol,
            "side": str(o.request.side),
            "order_type": str(o.request.order_type),
            "quantity": o.request.quantity,
            "limit_price": o.request.limit_price,
            "stop_price": o.request.stop_price,
            "status": str(o.status),
            "filled_quantity": o.filled_quantity,
            "average_price": o.average_price,
            "reason": o.reason,
            "created_time": pd.Timestamp(o.request.created_ns, unit="ns", tz="UTC"),
        }
        for o in orders
    ]
    return pd.DataFrame(rows)


def _prices(run: EngineRun) -> dict[str, pd.DataFrame]:
    prices: dict[str, pd.DataFrame] = {}
    for code, symbol in enumerate(run.symbols):
        rows = np.flatnonzero(run.symbol_index == code)
        index = pd.DatetimeIndex(pd.to_datetime(run.ts_ns[rows], unit="ns", utc=True),
                                 name="timestamp")
        prices[symbol] = pd.DataFrame({"close": run.close[rows]}, index=index)
    return prices
