"""The composition root: the one place that picks adapters and wires the engine.

``build_container(settings)`` hands the typed ``AppSettings`` to the container as its
``settings`` dependency; providers read typed fields (``settings.provided.execution``) and
pass whole sub-models (``ExecutionSettings``, ``EngineSettings``, ``PolicySet``) to the
functions that build the parts: there is no untyped configuration dict. ``Selector``
providers pick adapters by setting: the clock by ``kind`` (simulated for a backtest, the
wall clock for paper and live), the state store by ``state.backend`` (in memory, or a new
SQLite store per run; a paper or live session's own at ``state.path``) and the venue by
``execution.venue``, where only the simulator exists (``bybit`` and ``ibkr`` raise a
``ConfigError`` when the execution is built). The execution is that venue, or with
``safety.dry_run`` (``--dry-run``) a shadow gateway in front of it that records the orders
and sends none. The risk gate gets the account's ``safety`` settings and the run's clock
(its submit throttle counts on it).

Strategies (``cli/strategy_plan.py``): ``loaded_strategies`` loads every configured file,
``planned`` builds each with its parameters and merged policies, and ``slots`` gives each
its own pipeline and sizer over the one execution, ledger, risk gate and store of the
account. ``loaded_strategy`` is the first of them (the only one in a one-strategy run).

Everything that builds an engine builds it here: ``cli.backtest`` (and every test that
runs it), the benchmarks (which swap the bar catalog with ``container.catalog.override``)
and the unit tests' engine rig (``tests/unit/engine_helpers.py``), which overrides
``planned``, the simulator's config, the risk gate, the store, logger, metrics and alerts
with its fakes through ``override_providers``. Only this module, the rig and the
benchmarks import ``dependency_injector``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from dependency_injector import containers, providers

from cli.paper_bankroll import paper_bankroll
from cli.settings import AppSettings, EngineSettings, ExecutionSettings, StateSettings
from cli.strategy_plan import (
    PlannedStrategy,
    account_policies,
    load_strategies,
    plan_strategies,
    shared_timeframe,
    traded_symbols,
    vol_lookback,
)
from cli.time_range import time_range
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import Clock, Execution, Logger, MetricsSink, StateStore
from vibetrading_V2.core.types import NS_PER_SECOND
from vibetrading_V2.data.replay import ReplayFeed
from vibetrading_V2.data.sources import BarSource, open_bar_source
from vibetrading_V2.execution.config import SimulatorConfig
from vibetrading_V2.execution.dry_run import DryRunGateway
from vibetrading_V2.execution.simulator import Simulator
from vibetrading_V2.ops.alerts import LogAlertSink
from vibetrading_V2.ops.clock import WallClock
from vibetrading_V2.ops.logging import StructLogger, new_run_id
from vibetrading_V2.ops.metrics import InMemoryMetrics
from vibetrading_V2.policies.config import CostPolicy
from vibetrading_V2.policies.risk import RiskEngine
from vibetrading_V2.policies.safety_config import SafetyPolicy
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
from vibetrading_V2.runner.safety import ACCOUNT_ID
from vibetrading_V2.runner.slots import StrategySlot
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.run_store import run_store
from vibetrading_V2.store.sqlite import SqliteStateStore
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import LoadedStrategy

__all__ = ["Container", "build_container"]


def _simulator_config(execution: ExecutionSettings, cost: CostPolicy) -> SimulatorConfig:
    """The simulator charges the account's cost policy (defaults + strategy overrides)."""
    return SimulatorConfig(
        commission_bps=cost.commission_bps,
        slippage_bps=cost.slippage_bps,
        fixed_fee=cost.fixed_fee,
        min_fee=cost.min_fee,
        **execution.model_dump(exclude={"venue"}),
    )


def _unavailable_venue(venue: str) -> Any:
    raise ConfigError(
        f"the {venue} venue adapter is not available in this version",
        field="execution.venue",
        hint=f"trading on {venue} arrives with its adapter; until then use venue: simulator "
        "(cli.backtest, cli.paper)",
    )


def _dry_run_or_venue(venue: Execution, safety: SafetyPolicy, logger: Logger) -> Execution:
    return DryRunGateway(venue, logger) if safety.dry_run else venue


def _load(settings: AppSettings, guard: RuntimeGuard) -> list[LoadedStrategy]:
    return load_strategies(settings.strategy_entries(), settings.strategy.directory, guard)


def _plan(
    settings: AppSettings, loaded: list[LoadedStrategy], guard: RuntimeGuard
) -> list[PlannedStrategy]:
    return plan_strategies(loaded, settings.strategy_entries(), settings.policies, guard,
                           settings.data.symbols)


def _symbols(configured: Sequence[str] | None, planned: list[PlannedStrategy]) -> list[str]:
    return traded_symbols(configured, [p.meta for p in planned])


def _strategy_ids(planned: list[PlannedStrategy]) -> str:
    """The run's strategies as one label: ``a@1.0.0`` or ``a@1.0.0, b@2.0.0``."""
    return ", ".join(p.strategy_id for p in planned)


def _timeframe(planned: list[PlannedStrategy]) -> str:
    return shared_timeframe([p.meta for p in planned])


def _bar_source(catalog: Path, user_catalog: Path | None) -> BarSource:
    return open_bar_source(catalog, user_catalog)


def _annualisation(configured: float | None, timeframe: str, source: BarSource,
                   symbols: list[str]) -> Annualisation:
    """From the strategies' timeframe and the broadest session among the traded series."""
    infos = [source.session(symbol, timeframe) for symbol in symbols]
    session, bars = broadest_session((i.kind, i.bars_per_session) for i in infos)
    return annualisation_for(timeframe, session, bars_per_session=bars, configured=configured)


def _engine_config(engine: EngineSettings, periods: float,
                   planned: list[PlannedStrategy]) -> EngineConfig:
    return EngineConfig(
        error_budget=engine.error_budget,
        feature_window=engine.feature_window,
        vol_lookback=vol_lookback(planned),
        periods_per_year=periods,
        reconcile_every_ns=round(engine.reconcile_seconds * NS_PER_SECOND),
    )


def _slots(
    planned: list[PlannedStrategy],
    execution: Any,
    store: StateStore,
    ledger: Ledger,
    risk: RiskEngine,
    metrics: MetricsSink,
    logger: Logger,
) -> list[StrategySlot]:
    """A slot per strategy: its own pipeline and sizer over the account's shared parts."""
    return [
        StrategySlot(
            strategy=plan.strategy,
            meta=plan.meta,
            pipeline=OrderPipeline(
                strategy_id=plan.strategy_id,
                universe=plan.universe,
                execution=execution,
                store=store,
                ledger=ledger,
                sizer=Sizer(plan.policies.sizing),
                risk=risk,
                metrics=metrics,
                logger=logger,
            ),
        )
        for plan in planned
    ]


def _console(level: str) -> TextIO | None:
    return None if level == "off" else sys.stderr


def _console_level(level: str) -> str:
    return "warning" if level == "off" else level


def client_id_seed(settings: AppSettings, run_id: str) -> str:
    """What a new store's client order id prefix derives from (``store.sqlite_ids``): at a
    real venue the run id, so a wiped store or a second session never reissues an id the
    venue saw; at the simulator, whose state lives in the run's store, the config hash less
    the state settings, so a backtest (or a replayed paper session) repeats its ids."""
    if settings.execution.venue != "simulator":
        return run_id
    return settings.model_copy(update={"state": StateSettings()}).config_hash()


def _run_store(settings: AppSettings, clock: Clock, run_id: str,
               planned: Callable[[], list[PlannedStrategy]], id_seed: str) -> SqliteStateStore:
    """A run's new store, or a paper / live session's own (``state.session``), which
    names the strategies (so they load first) and must be this account's and set's."""
    state = settings.state
    session = state.session and settings.kind != "backtest"
    ids = tuple(p.strategy_id for p in planned()) if session else None
    return run_store(session, settings.output.directory, state.path, clock, run_id=run_id,
                     account=ACCOUNT_ID, venue=settings.execution.venue, strategy_ids=ids,
                     adopt=state.adopt, new_session=state.new_session, id_seed=id_seed)


RUN_LOG = "run.log.jsonl"


def _log_path(directory: Path) -> Path:
    """The run's own log, in its output directory (written afresh by every run)."""
    path = Path(directory)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ConfigError(f"output directory {path} is a file", field="output.directory",
                          hint="give --out a directory (it is created if missing)") from None
    return path / RUN_LOG


class Container(containers.DeclarativeContainer):
    """Every port and service of one run, chosen per environment from typed settings."""

    settings = providers.Dependency(instance_of=AppSettings)
    _data = settings.provided.data
    _execution = settings.provided.execution
    _output = settings.provided.output
    _safety = settings.provided.safety

    guard = providers.Singleton(RuntimeGuard)
    loaded_strategies = providers.Singleton(_load, settings, guard)
    loaded_strategy = loaded_strategies.provided[0]
    planned = providers.Singleton(_plan, settings, loaded_strategies, guard)
    policies = providers.Singleton(account_policies, planned)
    strategy_label = providers.Singleton(_strategy_ids, planned)
    timeframe = providers.Singleton(_timeframe, planned)
    symbols = providers.Singleton(_symbols, _data.symbols, planned)

    clock: providers.Provider[Clock] = providers.Selector(
        settings.provided.kind,
        backtest=providers.Singleton(SimulatedClock),
        paper=providers.Singleton(WallClock),
        live=providers.Singleton(WallClock),
    )
    run_id = providers.Singleton(new_run_id)
    logger = providers.Singleton(
        StructLogger,
        now_ns=clock.provided.now_ns,
        env=settings.provided.env,
        service="vibetrading_V2",
        run_id=run_id,
        fresh=True,
        json_path=providers.Factory(_log_path, _output.directory),
        console=providers.Callable(_console, settings.provided.logging.console_level),
        console_level=providers.Callable(_console_level,
                                         settings.provided.logging.console_level),
    )
    id_seed = providers.Singleton(client_id_seed, settings, run_id)
    metrics = providers.Singleton(InMemoryMetrics)
    alerts = providers.Singleton(LogAlertSink, logger)
    state_store = providers.Selector(
        settings.provided.state.backend,
        memory=providers.Singleton(InMemoryStateStore, clock, id_seed),
        # a backtest never reads another run's state: a new store, checked empty
        sqlite=providers.Singleton(_run_store, settings, clock, run_id, planned.provider,
                                   id_seed),
    )

    time_range = providers.Singleton(time_range, _data.start, _data.end)
    catalog = providers.Singleton(_bar_source, _data.catalog, _data.user_catalog)
    feed = providers.Singleton(
        ReplayFeed, catalog, symbols, timeframe, time_range.provided[0],
        time_range.provided[1], _data.chunk_rows, _data.one_batch_rows,
    )

    simulator_config = providers.Singleton(_simulator_config, _execution, policies.provided.cost)
    venue = providers.Selector(
        _execution.venue,
        simulator=providers.Singleton(Simulator, simulator_config),
        bybit=providers.Callable(_unavailable_venue, "bybit"),
        ibkr=providers.Callable(_unavailable_venue, "ibkr"),
    )
    # --dry-run: a shadow gateway records the orders and sends none (safety.dry_run)
    execution = providers.Singleton(_dry_run_or_venue, venue, _safety, logger)
    ledger = providers.Singleton(Ledger, _execution.initial_cash)
    risk = providers.Singleton(RiskEngine, policies.provided.risk, _safety, clock)
    annualisation = providers.Singleton(
        _annualisation, settings.provided.engine.periods_per_year, timeframe, catalog, symbols,
    )
    periods_per_year = annualisation.provided.periods_per_year

    slots = providers.Singleton(
        _slots, planned, execution, state_store, ledger, risk, metrics, logger
    )
    engine_config = providers.Singleton(
        _engine_config, settings.provided.engine, periods_per_year, planned
    )
    # paper: the account is topped up at its floor (``paper.top_up``; ``cli.paper``
    # attaches it to the engine); else None
    bankroll = providers.Singleton(paper_bankroll, settings, ledger, venue.provider,
                                   state_store.provider, clock, logger, alerts, run_id)
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
        config=engine_config,
    )


def build_container(settings: AppSettings) -> Container:
    """A container over validated settings (nothing is built until asked)."""
    return Container(settings=settings)
