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
    summary: dict[str, object]
    run: EngineRun

    @property
    def prices(self) -> Mapping[str, pd.DataFrame]:
        """Close prices per symbol for the report, built on demand (they are large)."""
        return _prices(self.run)


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
        run=run,
        summary=summary,
    )


def _all_orders(run: EngineRun, execution: Execution) -> list[Order]:
    """Every order of the run: those sent, then their bracket children, in a fixed order."""
    orders: list[Order] = []
    seen: set[str] = set()
    for cid in run.client_order_ids:
        order = execution.order(cid)
        if order is None:
            continue
        orders.append(order)
        seen.add(cid)
        if order.request.stop_loss is None and order.request.take_profit is None:
            continue
        for suffix in BRACKET_SUFFIXES:
            child = execution.order(cid + suffix)
            if child is not None:
                orders.append(child)
                seen.add(child.client_order_id)
    for fill in run.fills:
        if fill.client_order_id not in seen:
            seen.add(fill.client_order_id)
            extra = execution.order(fill.client_order_id)
            if extra is not None:
                orders.append(extra)
    return orders


def _times(ts_ns: npt.ArrayLike) -> pd.Series:
    return pd.Series(pd.to_datetime(np.asarray(ts_ns, dtype=np.int64), unit="ns", utc=True))


def _trades_frame(trades: list[RoundTrip]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "strategy_id": [t.strategy_id for t in trades],
            "symbol": [t.symbol for t in trades],
            "direction": [str(t.direction) for t in trades],
            "entry_time": _times([t.entry_ts_ns for t in trades]),
            "exit_time": _times([t.exit_ts_ns for t in trades]),
            "quantity": [t.quantity for t in trades],
            "entry_price": [t.entry_price for t in trades],
            "exit_price": [t.exit_price for t in trades],
            "pnl": [t.pnl for t in trades],
            "fees": [t.fees for t in trades],
            "net_pnl": [t.net_pnl for t in trades],
            "return_pct": [t.return_pct for t in trades],
        }
    )


def _orders_frame(orders: list[Order]) -> pd.DataFrame:
    requests = [o.request for o in orders]
    return pd.DataFrame(
        {
            "client_order_id": [r.client_order_id for r in requests],
            "strategy_id": [r.strategy_id for r in requests],
            "symbol": [r.symbol for r in requests],
            "side": [str(r.side) for r in requests],
            "order_type": [str(r.order_type) for r in requests],
            "quantity": [r.quantity for r in requests],
            "limit_price": pd.array([r.limit_price for r in requests], dtype="Float64"),
            "stop_price": pd.array([r.stop_price for r in requests], dtype="Float64"),
            "status": [str(o.status) for o in orders],
            "filled_quantity": [o.filled_quantity for o in orders],
            "average_price": pd.array([o.average_price for o in orders], dtype="Float64"),
            "reason": pd.array([o.reason for o in orders], dtype=object),
            "created_time": _times([r.created_ns for r in requests]),
        }
    )


def _prices(run: EngineRun) -> dict[str, pd.DataFrame]:
    prices: dict[str, pd.DataFrame] = {}
    for code, symbol in enumerate(run.symbols):
        rows = np.flatnonzero(run.symbol_index == code)
        index = pd.DatetimeIndex(pd.to_datetime(run.ts_ns[rows], unit="ns", utc=True),
                                 name="timestamp")
        prices[symbol] = pd.DataFrame({"close": run.close[rows]}, index=index)
    return prices
