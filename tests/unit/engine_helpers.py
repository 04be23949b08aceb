"""Builders shared by the engine tests: bar batches from small arrays, a list feed, a rig.

The rig builds a ``TradingEngine`` through the composition root (``cli/containers.py``),
with real in-process parts (simulator on a simulated clock, ledger, risk engine, sizer,
order pipeline, in-memory store and metrics) and the logger and alert fakes put in with
``override_providers``: no disk, no network, and no second wiring to drift from the real one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from dependency_injector import providers

from cli.containers import Container
from cli.settings import AppSettings
from cli.strategy_plan import PlannedStrategy
from tests.fakes import InMemoryMetrics, InMemoryStateStore, ListAlerts, ListLogger
from vibetrading_V2.core.client_ids import entry_id, id_prefix
from vibetrading_V2.core.ports import BarBatch
from vibetrading_V2.core.types import NS_PER_SECOND, Fill
from vibetrading_V2.execution import Simulator, SimulatorConfig
from vibetrading_V2.policies.config import PolicySet, RiskPolicy, SizingPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.engine import EngineConfig, EngineRun, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.strategy.base import BarView, Strategy, StrategyOutput
from vibetrading_V2.strategy.bundle import StrategyMeta
from vibetrading_V2.strategy.guard import RuntimeGuard

T0 = 1_704_067_200 * NS_PER_SECOND  # 2024-01-01T00:00:00Z, a Monday
HOUR = 3_600 * NS_PER_SECOND
INITIAL_CASH = 100_000.0


def _column(values: Any, dtype: Any = np.float64) -> Any:
    """A numpy column typed as ``Any``: ``BarBatch`` declares sequences, numpy fills them."""
    return np.asarray(values, dtype=dtype)


def bars(
    symbol: str,
    closes: Sequence[float],
    *,
    start: int = T0,
    step: int = HOUR,
    opens: Sequence[float] | None = None,
    highs: Sequence[float] | None = None,
    lows: Sequence[float] | None = None,
    volume: float = 1_000_000.0,
    times: Sequence[int] | None = None,
) -> BarBatch:
    """One symbol's bars; open defaults to the close, high/low to max/min of open and close."""
    close = np.asarray(closes, dtype=np.float64)
    open_ = close.copy() if opens is None else np.asarray(opens, dtype=np.float64)
    high = np.maximum(open_, close) if highs is None else np.asarray(highs, dtype=np.float64)
    low = np.minimum(open_, close) if lows is None else np.asarray(lows, dtype=np.float64)
    n = len(close)
    ts = (
        start + step * np.arange(n, dtype=np.int64)
        if times is None
        else np.asarray(times, dtype=np.int64)
    )
    return BarBatch(
        symbols=(symbol,),
        symbol_index=_column(np.zeros(n), np.int64),
        ts_ns=_column(ts, np.int64),
        open=_column(open_),
        high=_column(high),
        low=_column(low),
        close=_column(close),
        volume=_column(np.full(n, volume)),
    )


def merge(*parts: BarBatch) -> BarBatch:
    """Single-symbol batches merged into one: by time, then by the order given."""
    symbols = tuple(p.symbols[0] for p in parts)
    code = np.concatenate([np.full(len(p), k, dtype=np.int64) for k, p in enumerate(parts)])
    ts = np.concatenate([np.asarray(p.ts_ns, dtype=np.int64) for p in parts])
    order = np.lexsort((code, ts))

    def column(name: str) -> Any:
        return np.concatenate([np.asarray(getattr(p, name)) for p in parts])[order]

    return BarBatch(
        symbols=symbols,
        symbol_index=_column(code[order], np.int64),
        ts_ns=_column(ts[order], np.int64),
        open=column("open"),
        high=column("high"),
        low=column("low"),
        close=column("close"),
        volume=column("volume"),
    )


def chunks(batch: BarBatch, size: int, *, reverse_symbols: bool = False) -> list[BarBatch]:
    """Consecutive row slices of ``batch``; each keeps only the symbols it holds.

    ``reverse_symbols`` lists a chunk's symbols in reverse order (with the index remapped),
    so the engine must map each batch's own symbol codes to its global ones.
    """
    out: list[BarBatch] = []
    codes = np.asarray(batch.symbol_index, dtype=np.int64)
    for start in range(0, len(batch), size):
        rows = slice(start, start + size)
        present = sorted(set(codes[rows].tolist()))
        if reverse_symbols:
            present.reverse()
        remap = {old: new for new, old in enumerate(present)}
        out.append(
            BarBatch(
                symbols=tuple(batch.symbols[c] for c in present),
                symbol_index=_column([remap[c] for c in codes[rows].tolist()], np.int64),
                ts_ns=_column(batch.ts_ns, np.int64)[rows],
                open=_column(batch.open)[rows],
                high=_column(batch.high)[rows],
                low=_column(batch.low)[rows],
                close=_column(batch.close)[rows],
                volume=_column(batch.volume)[rows],
            )
        )
    return out


class ListFeed:
    """``MarketFeed`` over batches given up front."""

    def __init__(self, *batches: BarBatch) -> None:
        self._batches = batches

    def batches(self) -> Iterator[BarBatch]:
        yield from self._batches


class Scripted(Strategy):
    """A strategy whose ``on_bar`` is a plain function; records every bar it saw.

    ``seen`` holds ``(symbol, index, ts_ns, close, position)`` per call.
    """

    def __init__(
        self, decide: Callable[[BarView], Any], *, warmup_bars: int = 0
    ) -> None:
        self.warmup_bars = warmup_bars
        self._decide = decide
        self.seen: list[tuple[str, int, int, float, float]] = []
        self.fills: list[Fill] = []

    def on_bar(self, bar: BarView) -> StrategyOutput:
        self.seen.append((bar.symbol, bar.index, bar.ts_ns, bar.close, bar.position))
        out: StrategyOutput = self._decide(bar)  # tests may return garbage on purpose
        return out

    def on_fill(self, fill: Fill) -> None:
        self.fills.append(fill)


def meta(
    universe: Sequence[str] = ("AAA",), required: Sequence[str] = ("close",)
) -> StrategyMeta:
    return StrategyMeta(
        name="probe",
        version="1.0.0",
        universe=tuple(universe),
        timeframe="1h",
        required_fields=tuple(required),
    )


SID = meta().strategy_id


def client_id(n: int, seed: str = "memory") -> str:
    """The ``n``-th client order id an ``InMemoryStateStore(id_seed=seed)`` issues (the
    rig's store, unless a test gives its own)."""
    return entry_id(id_prefix(seed), n)


@dataclass
class Rig:
    """An engine built through the composition root and every part a test may want to inspect."""

    engine: TradingEngine
    strategy: Strategy
    sim: Simulator
    ledger: Ledger
    risk: RiskEngine
    pipeline: OrderPipeline
    store: InMemoryStateStore
    metrics: InMemoryMetrics
    logger: ListLogger
    alerts: ListAlerts
    guard: RuntimeGuard
    clock: SimulatedClock
    runs: list[EngineRun] = field(default_factory=list)

    def run(self, *batches: BarBatch) -> EngineRun:
        result = self.engine.run(ListFeed(*batches))
        self.runs.append(result)
        return result


def make_rig(
    strategy: Strategy,
    guard: RuntimeGuard,
    *,
    universe: Sequence[str] = ("AAA",),
    required: Sequence[str] = ("close",),
    risk: RiskPolicy | None = None,
    sizing: SizingPolicy | None = None,
    engine: EngineConfig | None = None,
    store: Any = None,
    **simulator: Any,
) -> Rig:
    """The engine of ``cli/containers.py`` with the rig's parts put in its place.

    The container wires everything (clock, simulator, ledger, pipeline, slots, engine);
    the rig overrides only what a unit test chooses: the strategy (``planned``), the
    simulator's knobs (``simulator`` keywords), the risk and sizing policies, the engine's
    config, and the fakes of our own ports (``tests/fakes.py``). ``store``: the state
    store to record into (an ``InMemoryStateStore`` if not given).
    """
    info = meta(universe, required)
    clock, metrics, logger, alerts = SimulatedClock(), InMemoryMetrics(), ListLogger(), ListAlerts()
    store = InMemoryStateStore(clock) if store is None else store
    container = Container(settings=AppSettings())
    container.override_providers(
        guard=providers.Object(guard),
        planned=providers.Object(
            [PlannedStrategy(strategy, info, PolicySet(sizing=sizing or SizingPolicy()))]
        ),
        simulator_config=providers.Object(
            SimulatorConfig(initial_cash=INITIAL_CASH, **simulator)
        ),
        risk=providers.Object(RiskEngine(risk or RiskPolicy())),
        engine_config=providers.Object(engine or EngineConfig()),
        clock=providers.Object(clock),
        state_store=providers.Object(store),
        metrics=providers.Object(metrics),
        logger=providers.Object(logger),
        alerts=providers.Object(alerts),
    )
    trading = container.engine()
    return Rig(
        trading, strategy, container.execution(), container.ledger(), container.risk(),
        container.slots()[0].pipeline, store, metrics, logger, alerts, guard, clock,
    )


def fill_summary(fills: Sequence[Fill]) -> list[tuple[str, str, float, float, int]]:
    """The parts of fills that must agree between runs: id, side, quantity, price, time."""
    return [(f.client_order_id, str(f.side), f.quantity, f.price, f.ts_ns) for f in fills]
