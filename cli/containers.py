"""The composition root: the one place that picks adapters and wires the engine.

``build_container`` loads validated ``AppSettings`` into the container's configuration
(as a plain dict: the providers read ``config.<section>.<key>``). ``Selector`` providers
pick adapters by setting: the clock by ``kind`` (simulated for a backtest, the wall clock
for paper and live), the state store by ``state.backend`` (in memory, or a new SQLite
store per run) and the execution by ``execution.venue``, where only the simulator exists
(``bybit`` and ``ibkr`` raise a ``ConfigError`` when the execution is built).

``cli.backtest`` (and every test that runs it), the benchmarks and a few integration
tests build their runs here; the benchmarks swap the bar catalog with
``container.catalog.override(...)``. The unit tests'
engine rig (``tests/unit/engine_helpers.py``) still wires the engine by hand. Only this
module and the benchmarks import ``dependency_injector``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TextIO

import pandas as pd
from dependency_injector import containers, providers

from cli.settings import AppSettings
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import Clock
from vibetrading_V2.data.replay import ReplayFeed
from vibetrading_V2.data.sources import BarSource, open_bar_source
from vibetrading_V2.execution.config import SimulatorConfig
from vibetrading_V2.execution.simulator import Simulator
from vibetrading_V2.ops.alerts import LogAlertSink
from vibetrading_V2.ops.clock import WallClock
from vibetrading_V2.ops.logging import StructLogger, new_run_id
from vibetrading_V2.ops.metrics import InMemoryMetrics
from vibetrading_V2.policies.config import CostPolicy, PolicySet
from vibetrading_V2.policies.merge import merge_policies
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.sizing import Sizer
from vibetrading_V2.portfolio.annualisation import (
    Annualisation,
    annualisation_for,
    broadest_session,
)
from vibetrading_V2.portfolio.ledger import Ledger
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.runner.engine import EngineConfig, TradingEngine
from vibetrading_V2.runner.pipeline import OrderPipeline
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.run_store import new_run_store
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import LoadedStrategy, load_bundle
from vibetrading_V2.strategy.validation import coerce_params

__all__ = ["Container", "build_container"]


def _simulator_config(execution: Mapping[str, Any], cost: CostPolicy) -> SimulatorConfig:
    """The simulator charges the *merged* cost policy (defaults + strategy overrides)."""
    fields = {k: v for k, v in execution.items() if k != "venue"}
    return SimulatorConfig(
        commission_bps=cost.commission_bps,
        slippage_bps=cost.slippage_bps,
        fixed_fee=cost.fixed_fee,
        min_fee=cost.min_fee,
        **fields,
    )


def _unavailable_venue(venue: str) -> Any:
    raise ConfigError(
        f"execution venue {venue!r} is not available in this build",
        field="execution.venue",
        hint="use venue: simulator (backtest and paper)",
    )


def _load_strategy(name: str, directory: str, guard: RuntimeGuard) -> LoadedStrategy:
    return load_bundle(name, strategies_dir=Path(directory), guard=guard)


def _policies(defaults: Mapping[str, Any], loaded: LoadedStrategy) -> PolicySet:
    return merge_policies(PolicySet.model_validate(defaults), loaded.bundle.overrides)


def _strategy(loaded: LoadedStrategy, params: Mapping[str, Any], guard: RuntimeGuard) -> Strategy:
    values = coerce_params(loaded.bundle.meta.params, params)
    return guard.run(loaded.bundle.create, values)


def _symbols(configured: list[str] | None, loaded: LoadedStrategy) -> list[str]:
    return list(configured) if configured else list(loaded.bundle.meta.universe)


def _time_ns(text: str | None, field: str) -> int | None:
    """``--start``/``--end`` text as UTC nanoseconds; a naive time is taken as UTC."""
    if text is None:
        return None
    hint = "use ISO 8601, e.g. 2017-06-01 or 2017-06-01T12:00:00Z"
    try:
        stamp = pd.Timestamp(text)
    except ValueError as exc:
        raise ConfigError(f"cannot read {field} {text!r} as a time: {exc}", field=field,
                          hint=hint) from None
    if pd.isna(stamp):  # "" and "NaT" parse to no time at all
        raise ConfigError(f"{field} {text!r} names no time", field=field, hint=hint)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return int(stamp.value)


def _is_date_only(text: str) -> bool:
    return "T" not in text.upper() and ":" not in text and " " not in text.strip()


def _inclusive_end_ns(text: str, end_ns: int) -> int:
    """The exclusive bound after ``--end``: a date (or month, year) covers all of it."""
    if _is_date_only(text):
        try:
            return int((pd.Period(text) + 1).start_time.value)  # the next day/month/year
        except ValueError:
            pass
    return end_ns + 1


def _time_range(start: str | None, end: str | None) -> tuple[int | None, int | None]:
    """``[start, end]`` inclusive, as the feed's ``[start_ns, end_ns)``.

    ``--end`` names the last bar time included; a date alone (``2012-12-31``) includes
    that whole day. ``--start`` after ``--end`` is refused in the flags' own terms.
    """
    start_ns, end_ns = _time_ns(start, "--start"), _time_ns(end, "--end")
    if end is not None and end_ns is not None:
        end_ns = _inclusive_end_ns(end, end_ns)
    if start_ns is not None and end_ns is not None and start_ns >= end_ns:
        raise ConfigError(
            f"--start {start} is after --end {end}",
            field="--start",
            hint="give --start on or before --end (both inclusive, UTC)",
        )
    return start_ns, end_ns


def _bar_source(catalog: str, user_catalog: str | None) -> BarSource:
    return open_bar_source(Path(catalog), None if user_catalog is None else Path(user_catalog))


def _annualisation(configured: float | None, loaded: LoadedStrategy, source: BarSource,
                   symbols: list[str]) -> Annualisation:
    """From the strategy's timeframe and the broadest session among the traded series."""
    timeframe = loaded.bundle.meta.timeframe
    infos = [source.session(symbol, timeframe) for symbol in symbols]
    session, bars = broadest_session((i.kind, i.bars_per_session) for i in infos)
    return annualisation_for(timeframe, session, bars_per_session=bars, configured=configured)


def _engine_config(engine: Mapping[str, Any], periods: float, sizing_model: str,
                   vol_lookback: int) -> EngineConfig:
    return EngineConfig(
        error_budget=engine["error_budget"],
        feature_window=engine["feature_window"],
        vol_lookback=vol_lookback if sizing_model == "volatility_target" else None,
        periods_per_year=periods,
    )


def _console(level: str) -> TextIO | None:
    return None if level == "off" else sys.stderr


def _console_level(level: str) -> str:
    return "warning" if level == "off" else level


RUN_LOG = "run.log.jsonl"


def _log_path(directory: str) -> Path:
    """The run's own log, in its output directory (written afresh by every run)."""
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"output directory {path} is a file", field="output.directory",
                          hint="give --out a directory (it is created if missing)") from None
    return path / RUN_LOG


class Container(containers.DeclarativeContainer):
    """Every port and service of one run, chosen per environment from settings."""

    config = providers.Configuration(strict=True)

    guard = providers.Singleton(RuntimeGuard)
    loaded_strategy = providers.Singleton(
        _load_strategy, config.strategy.name, config.strategy.directory, guard
    )
    policies = providers.Singleton(_policies, config.policies, loaded_strategy)
    strategy = providers.Singleton(_strategy, loaded_strategy, config.strategy.params, guard)

    clock: providers.Provider[Clock] = providers.Selector(
        config.kind,
        backtest=providers.Singleton(SimulatedClock),
        paper=providers.Singleton(WallClock),
        live=providers.Singleton(WallClock),
    )
    run_id = providers.Singleton(new_run_id)
    logger = providers.Singleton(
        StructLogger,
        now_ns=clock.provided.now_ns,
        env=config.env,
        service="vibetrading_V2",
        run_id=run_id,
        fresh=True,
        json_path=providers.Factory(_log_path, config.output.directory),
        console=providers.Callable(_console, config.logging.console_level),
        console_level=providers.Callable(_console_level, config.logging.console_level),
    )
    metrics = providers.Singleton(InMemoryMetrics)
    alerts = providers.Singleton(LogAlertSink, logger)
    state_store = providers.Selector(
        config.state.backend,
        memory=providers.Singleton(InMemoryStateStore, clock),
        # a backtest never reads another run's state: a new store, checked empty
        sqlite=providers.Singleton(
            new_run_store, config.output.directory, config.state.path, clock
        ),
    )

    time_range = providers.Singleton(_time_range, config.data.start, config.data.end)
    catalog = providers.Singleton(_bar_source, config.data.catalog, config.data.user_catalog)
    feed = providers.Singleton(
        ReplayFeed,
        catalog,
        providers.Callable(_symbols, config.data.symbols, loaded_strategy),
        loaded_strategy.provided.bundle.meta.timeframe,
        time_range.provided[0],
        time_range.provided[1],
        config.data.chunk_rows,
    )

    execution = providers.Selector(
        config.execution.venue,
        simulator=providers.Singleton(
            Simulator,
            providers.Factory(_simulator_config, config.execution, policies.provided.cost),
        ),
        bybit=providers.Callable(_unavailable_venue, "bybit"),
        ibkr=providers.Callable(_unavailable_venue, "ibkr"),
    )
    ledger = providers.Singleton(Ledger, config.execution.initial_cash)
    risk = providers.Singleton(RiskEngine, policies.provided.risk)
    sizer = providers.Singleton(Sizer, policies.provided.sizing)
    annualisation = providers.Singleton(
        _annualisation, config.engine.periods_per_year, loaded_strategy, catalog,
        providers.Callable(_symbols, config.data.symbols, loaded_strategy),
    )
    periods_per_year = annualisation.provided.periods_per_year

    pipeline = providers.Singleton(
        OrderPipeline,
        strategy_id=loaded_strategy.provided.strategy_id,
        universe=loaded_strategy.provided.bundle.meta.universe,
        execution=execution,
        store=state_store,
        ledger=ledger,
        sizer=sizer,
        risk=risk,
        metrics=metrics,
        logger=logger,
    )
    slots = providers.List(
        providers.Singleton(
            StrategySlot,
            strategy=strategy,
            meta=loaded_strategy.provided.bundle.meta,
            pipeline=pipeline,
        ),
    )
    engine = providers.Singleton(
        TradingEngine,
        slots=slots,
        execution=execution,
        ledger=ledger,
        risk=risk,
        store=state_store,
        logger=logger,
        metrics=metrics,
        alerts=alerts,
        guard=guard,
        clock=clock,
        config=providers.Factory(
            _engine_config,
            config.engine,
            periods_per_year,
            policies.provided.sizing.model,
            policies.provided.sizing.vol_lookback,
        ),
    )


def build_container(settings: AppSettings) -> Container:
    """A container configured from validated settings (nothing is built until asked)."""
    container = Container()
    container.config.from_dict(settings.model_dump(mode="json"))
    return container
