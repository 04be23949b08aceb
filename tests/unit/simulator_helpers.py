"""Small builders shared by the simulator tests: a simulator, a bar step, order requests."""

from __future__ import annotations

from typing import Any

from vibetrading_V2.core.types import Bar, OrderRequest, OrderType, Side
from vibetrading_V2.execution import Simulator, SimulatorConfig

SYMBOL = "AAA"


def make_sim(**config: Any) -> Simulator:
    return Simulator(SimulatorConfig(**config))


def step(
    sim: Simulator,
    ts: int,
    open_: float,
    high: float,
    low: float,
    close: float,
    volume: float = 1_000_000.0,
    symbol: str = SYMBOL,
) -> None:
    """What the engine does for one bar: match working orders, then mark the close."""
    sim.observe_bar(Bar(symbol, ts, open_, high, low, close, volume))
    sim.mark(symbol, ts, close)


def flat_bar(sim: Simulator, ts: int, price: float, volume: float = 1_000_000.0) -> None:
    step(sim, ts, price, price, price, price, volume)


def buy(coid: str, quantity: float, **fields: Any) -> OrderRequest:
    return OrderRequest(coid, fields.pop("symbol", SYMBOL), Side.BUY, quantity, **fields)


def sell(coid: str, quantity: float, **fields: Any) -> OrderRequest:
    return OrderRequest(coid, fields.pop("symbol", SYMBOL), Side.SELL, quantity, **fields)


def limit(price: float) -> dict[str, Any]:
    return {"order_type": OrderType.LIMIT, "limit_price": price}


def stop(price: float) -> dict[str, Any]:
    return {"order_type": OrderType.STOP, "stop_price": price}


def stop_limit(stop_price: float, limit_price: float) -> dict[str, Any]:
    return {
        "order_type": OrderType.STOP_LIMIT,
        "stop_price": stop_price,
        "limit_price": limit_price,
    }
