"""Settings: ``config/base.yaml`` ◄ ``config/<env>.yaml`` ◄ environment variables.

Environment variables use one prefix and ``__`` for nesting, e.g.
``VT_EXECUTION__INITIAL_CASH=50000`` or ``VT_POLICIES__RISK__MAX_LEVERAGE=2``. Every model
is frozen and refuses unknown keys; an unknown env name or key fails with a ``ConfigError``
that lists the valid choices. Secrets are never read from these files.

The config directory is found wherever the command runs from (:func:`find_config_dir`):
``--config-dir``, else ``VT_CONFIG_DIR``, else ``./config``, else the ``config/`` of the
project this package was installed from. Relative paths in the settings (strategies, data,
runs) are taken relative to the project root, the config directory's parent, never the
current directory.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
    YamlConfigSettingsSource,
)

from cli.settings_errors import (
    CONFIG_DIR_VARIABLE,
    ENV_PREFIX,
    check_env_variables,
    describe_validation,
    settings_source_error,
    validation_hint,
)
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.policies.config import PolicySet
from vibetrading_V2.policies.safety_config import SafetyPolicy

__all__ = [
    "CONFIG_DIR_VARIABLE",
    "DEFAULT_CHUNK_ROWS",
    "DEFAULT_ONE_BATCH_ROWS",
    "ENV_PREFIX",
    "AppSettings",
    "EngineSettings",
    "ExecutionSettings",
    "StrategyEntry",
    "available_envs",
    "find_config_dir",
    "load_settings",
]

# (section, key) of every path setting: resolved against the project root when relative
PATH_FIELDS: tuple[tuple[str, str], ...] = (
    ("strategy", "directory"), ("data", "catalog"), ("data", "user_catalog"), ("state", "path"),
    ("output", "directory"),
)  # fmt: skip
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class StrategySettings(BaseModel):
    """Which strategy file to run and its parameter values."""

    model_config = _FROZEN
    name: str = "my_strategy_a"
    directory: Path = Path("strategies")
    params: dict[str, int | float | str | bool | list[str]] = Field(default_factory=dict)


class StrategyEntry(BaseModel):
    """One of several strategies run together on the account (``strategies:``)."""

    model_config = _FROZEN
    name: str
    params: dict[str, int | float | str | bool | list[str]] = Field(default_factory=dict)
    label: str | None = None  # tells two slots of one file apart: strategy id name#label@v


DEFAULT_CHUNK_ROWS = 1 << 19
DEFAULT_ONE_BATCH_ROWS = 1 << 20


class DataSettings(BaseModel):
    """Where the curated data is and which slice of it to use.

    ``one_batch_rows``: a run of at most this many bars (all symbols together) is one
    batch, the whole history in memory; a longer one streams from disk in batches of whole
    timestamps of at most ``chunk_rows`` rows, so memory holds a batch, not the history.
    The defaults, 1,048,576 and 524,288 (~29 MB a batch), keep the bundled data, any hourly
    or daily series and two years of one symbol's minutes in one batch, and stream 40
    symbols' year of minutes (21 M bars) in ~40. ``chunk_rows: null``: always one batch.
    Later batches' features are computed over a trailing window of
    ``engine.feature_window`` bars (at least twice the warm-up), not the full history:
    a strategy whose features look back further sees other values, and rolling sums
    restarted at the window's first bar may differ in the last bits, which can flip a
    decision taken on two nearly equal values (1 trade in ~15,000 of the 40-symbol
    benchmark). The batches depend only on the data and this setting, so a run is still
    reproducible; it is part of the config hash.
    """

    model_config = _FROZEN
    catalog: Path = Path("data/curated")
    user_catalog: Path | None = Path("data/user")  # searched before catalog; None: never
    symbols: tuple[str, ...] | None = None
    start: str | None = None
    end: str | None = None
    chunk_rows: int | None = Field(default=DEFAULT_CHUNK_ROWS, gt=0)
    one_batch_rows: int = Field(default=DEFAULT_ONE_BATCH_ROWS, ge=0)


class ExecutionSettings(BaseModel):
    """Which execution adapter fills the port, and the simulator's non-cost knobs."""

    model_config = _FROZEN
    venue: Literal["simulator", "bybit", "ibkr"] = "simulator"
    initial_cash: float = Field(default=100_000.0, gt=0.0, allow_inf_nan=False)
    fill_timing: Literal["next_open", "signal_close"] = "next_open"
    # from which bar an entry's stop / target can fill (SimulatorConfig): the cost model's
    bracket_arming: Literal["entry_bar", "next_bar"] = "entry_bar"
    max_volume_participation: float | None = Field(default=None, gt=0.0, le=1.0)
    allow_short: bool = True
    leverage: float = Field(default=1.0, ge=1.0, allow_inf_nan=False)
    currency: str = "USD"


class EngineSettings(BaseModel):
    """The loop's own knobs."""

    model_config = _FROZEN
    error_budget: int = Field(default=10, ge=0)
    feature_window: int = Field(default=2_000, ge=1)
    periods_per_year: float | None = Field(default=None, gt=0.0)
    # paper / live: reconcile with the venue at start and every so many seconds (0: never)
    reconcile_seconds: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)


class StateSettings(BaseModel):
    """Where durable state lives: in memory (dev) or a SQLite file.

    ``path`` unset: the run's own ``state.sqlite`` in its output directory, new each run;
    set, that file, which must be new or empty, unless ``session`` (``cli.paper --state``):
    then a paper or live run resumes the session it holds.
    """

    model_config = _FROZEN
    backend: Literal["memory", "sqlite"] = "memory"
    path: Path | None = None
    session: bool = False  # paper / live: ``path`` holds a session to resume (--state)
    adopt: bool = False  # take over a store of another account or strategy set (--adopt-state)
    new_session: bool = False  # end the session in ``path`` and start anew (--new-session)


class LoggingSettings(BaseModel):
    """Structured logs: readable lines on the console (the JSON log is the run's own file)."""

    model_config = _FROZEN
    console_level: Literal["debug", "info", "warning", "error", "off"] = "warning"


class OutputSettings(BaseModel):
    """Where run outputs (CSV, JSON, HTML report) are written."""

    model_config = _FROZEN
    directory: Path = Path("runs/latest")


class TopUpSettings(BaseModel):
    """A paper account's top-ups: ``amount`` paid in when equity falls to ``floor``."""

    model_config = _FROZEN
    enabled: bool = True
    floor: float = Field(default=10.0, allow_inf_nan=False)
    amount: float = Field(default=1_000.0, gt=0.0, allow_inf_nan=False)


class PaperSettings(BaseModel):
    """How ``cli.paper`` replays history (pace, bars) and tops a paper account up."""

    model_config = _FROZEN
    top_up: TopUpSettings = Field(default_factory=TopUpSettings)  # kind paper only
    speed: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)  # 0: as fast as possible
    max_bars: int | None = Field(default=None, ge=1)  # None: the whole history


class AppSettings(BaseSettings):
    """The whole configuration of one run, validated before anything starts."""

    model_config = SettingsConfigDict(
        frozen=True, extra="forbid", env_prefix=ENV_PREFIX, env_nested_delimiter="__"
    )

    env: str = "dev"
    kind: Literal["backtest", "paper", "live"] = "backtest"
    strategy: StrategySettings = Field(default_factory=StrategySettings)
    strategies: tuple[StrategyEntry, ...] = ()
    data: DataSettings = Field(default_factory=DataSettings)
    execution: ExecutionSettings = Field(default_factory=ExecutionSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    policies: PolicySet = Field(default_factory=PolicySet)
    state: StateSettings = Field(default_factory=StateSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)
    paper: PaperSettings = Field(default_factory=PaperSettings)
    safety: SafetyPolicy = Field(default_factory=SafetyPolicy)
    _root: Path | None = PrivateAttr(default=None)

    @property
    def project_root(self) -> Path | None:
        """The directory relative paths were resolved against (``None`` if built directly)."""
        return self._root

    def strategy_entries(self) -> tuple[StrategyEntry, ...]:
        """The strategies to run: the ``strategies:`` list, else the one ``strategy:``.

        Names are looked up in ``strategy.directory`` either way. With a list, parameters
        belong to its entries: ``strategy.params`` set beside it is refused, not ignored.
        """
        if not self.strategies:
            return (StrategyEntry(name=self.strategy.name, params=self.strategy.params),)
        if self.strategy.params:
            raise ConfigError(
                "strategy.params is set, but the strategies: list names the strategies run",
                field="strategy.params",
                hint="give each entry of strategies: its own params (or --param NAME.KEY=V)",
            )
        return self.strategies

    def config_hash(self) -> str:
        """A short, stable hash of the settings that shape results: the config id in reports.

        Where outputs and logs are written does not change a result, so it is left out, as
        is a paper run's pace and bar bound (``summary.json`` says which bars ran);
        paths inside the project are hashed relative to it, so a checkout elsewhere (or a
        run from another directory) gives the same hash.
        """
        # an empty strategies: list is left out, so one-strategy hashes stay as they were
        unused = {"output", "logging", "paper"} | (set() if self.strategies else {"strategies"})
        if self.safety == SafetyPolicy():  # left out at its defaults: older hashes stand
            unused.add("safety")
        shaping = self.model_dump(mode="json", exclude=unused)
        if shaping["execution"]["bracket_arming"] == "entry_bar":  # the default: hashes as before
            del shaping["execution"]["bracket_arming"]
        if self._root is not None:
            for section, key in PATH_FIELDS:
                if shaping.get(section, {}).get(key) is not None:
                    shaping[section][key] = _relative_text(shaping[section][key], self._root)
        blob = json.dumps(shaping, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def _relative_text(text: str, root: Path) -> str:
    path = Path(text)
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else text


def find_config_dir(explicit: Path | None = None) -> Path:
    """The config directory to use, or a ``ConfigError`` saying where it looked.

    ``explicit`` (``--config-dir``) wins, then ``$VT_CONFIG_DIR``; either must hold
    ``base.yaml``. Otherwise ``./config`` when it holds ``base.yaml``, else the ``config/``
    of the project root this package lives in.
    """
    named = explicit if explicit is not None else os.environ.get(CONFIG_DIR_VARIABLE)
    if named is not None:
        directory = Path(named).expanduser().resolve()
        if not (directory / "base.yaml").is_file():
            source = "--config-dir" if explicit is not None else CONFIG_DIR_VARIABLE
            raise ConfigError(
                f"{source} names {directory}, which holds no base.yaml",
                path=str(directory),
                field=source,
                hint="point it at the project's config/ directory (the one with base.yaml)",
            )
        return directory
    candidates = [Path.cwd() / "config", _PACKAGE_ROOT / "config"]
    for directory in candidates:
        if (directory / "base.yaml").is_file():
            return directory.resolve()
    looked = ", ".join(str(d) for d in candidates)
    raise ConfigError(
        f"no config/base.yaml found; looked in {looked}",
        field="--config-dir",
        hint=f"run from the project directory, pass --config-dir DIR or set "
        f"{CONFIG_DIR_VARIABLE}=DIR",
    )


def available_envs(config_dir: Path) -> list[str]:
    """The env names that have a ``<env>.yaml`` beside ``base.yaml``."""
    return sorted(p.stem for p in config_dir.glob("*.yaml") if p.stem not in {"base", "sandbox"})


def load_settings(
    env: str, config_dir: Path | None = None, **overrides: Any
) -> AppSettings:
    """Layer base.yaml, <env>.yaml, environment variables and explicit overrides.

    ``config_dir`` defaults to :func:`find_config_dir`. Relative paths of the result are
    resolved against the project root (``config_dir``'s parent); give an override an
    absolute path to have it taken as is.
    """
    config_dir = find_config_dir() if config_dir is None else config_dir.resolve()
    envs = available_envs(config_dir)
    if env not in envs:
        raise ConfigError(
            f"unknown environment {env!r}",
            path=str(config_dir),
            field="--env",
            hint=f"use one of {envs}" if envs else f"create {config_dir}/base.yaml and "
            f"{config_dir}/{env}.yaml",
        )
    files = [config_dir / "base.yaml", config_dir / f"{env}.yaml"]
    for file in files:
        _check_yaml(file)
    check_env_variables(os.environ, AppSettings, env, files)

    class _Layered(AppSettings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            yaml_source = YamlConfigSettingsSource(settings_cls, yaml_file=files, deep_merge=True)
            return (init_settings, env_settings, yaml_source)

    try:
        layered = _Layered(env=env, **overrides)
    except SettingsError as exc:  # a variable pydantic-settings could not decode
        raise settings_source_error(exc, os.environ, files) from None
    except ValidationError as exc:
        raise ConfigError(
            "invalid configuration:\n" + describe_validation(exc, AppSettings, os.environ),
            path=", ".join(str(f) for f in files),
            field=".".join(str(p) for p in exc.errors()[0]["loc"]),
            hint=validation_hint(exc, os.environ),
        ) from None
    return _rooted(layered.model_dump(), config_dir.parent)


def _rooted(values: dict[str, Any], root: Path) -> AppSettings:
    for section, key in PATH_FIELDS:
        if values[section][key] is None:  # an optional path left unset (state.path)
            continue
        path = Path(values[section][key]).expanduser()
        values[section][key] = path if path.is_absolute() else root / path
    settings = AppSettings.model_validate(values)
    settings._root = root
    return settings


def _check_yaml(file: Path) -> None:
    if not file.is_file():
        raise ConfigError(f"config file {file} is missing", path=str(file),
                          hint="every environment needs config/base.yaml and config/<env>.yaml")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(
            f"config file is not valid YAML: {exc}",
            path=str(file),
            line=None if mark is None else mark.line + 1,
            hint="fix the YAML syntax",
        ) from None
    if data is not None and not isinstance(data, dict):
        raise ConfigError("config file must hold a mapping at the top level", path=str(file),
                          hint="write `key: value` pairs")
