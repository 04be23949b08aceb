"""Settings: ``config/base.yaml`` ◄ ``config/<env>.yaml`` ◄ environment variables.

Environment variables use one prefix and ``__`` for nesting, e.g.
``VT_EXECUTION__INITIAL_CASH=50000`` or ``VT_POLICIES__RISK__MAX_LEVERAGE=2``. Every model
is frozen and refuses unknown keys; an unknown env name or key fails with a ``ConfigError``
that lists the valid choices. Secrets are never read from these files.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.policies.config import PolicySet

__all__ = ["ENV_PREFIX", "AppSettings", "available_envs", "load_settings"]

ENV_PREFIX = "VT_"
_FROZEN = ConfigDict(frozen=True, extra="forbid")


class StrategySettings(BaseModel):
    """Which strategy file to run and its parameter values."""

    model_config = _FROZEN
    name: str = "my_strategy_a"
    directory: Path = Path("strategies")
    params: dict[str, int | float | str | bool] = Field(default_factory=dict)


class DataSettings(BaseModel):
    """Where the curated data is and which slice of it to use."""

    model_config = _FROZEN
    catalog: Path = Path("data/curated")
    user_catalog: Path | None = Path("data/user")  # searched before catalog; None: never
    symbols: tuple[str, ...] | None = None
    start: str | None = None
    end: str | None = None
    chunk_rows: int | None = Field(default=None, gt=0)


class ExecutionSettings(BaseModel):
    """Which execution adapter fills the port, and the simulator's non-cost knobs."""

    model_config = _FROZEN
    venue: Literal["simulator", "bybit", "ibkr"] = "simulator"
    initial_cash: float = Field(default=100_000.0, gt=0.0, allow_inf_nan=False)
    fill_timing: Literal["next_open", "signal_close"] = "next_open"
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


class StateSettings(BaseModel):
    """Where durable state lives: in memory (dev) or a SQLite file."""

    model_config = _FROZEN
    backend: Literal["memory", "sqlite"] = "memory"
    path: Path = Path("runs/state.sqlite")


class LoggingSettings(BaseModel):
    """Structured logs: JSON lines to a file, readable lines on the console."""

    model_config = _FROZEN
    directory: Path = Path("runs/logs")
    console_level: Literal["debug", "info", "warning", "error", "off"] = "warning"


class OutputSettings(BaseModel):
    """Where run outputs (CSV, JSON, HTML report) are written."""

    model_config = _FROZEN
    directory: Path = Path("runs/latest")


class AppSettings(BaseSettings):
    """The whole configuration of one run, validated before anything starts."""

    model_config = SettingsConfigDict(
        frozen=True, extra="forbid", env_prefix=ENV_PREFIX, env_nested_delimiter="__"
    )

    env: str = "dev"
    kind: Literal["backtest", "paper", "live"] = "backtest"
    strategy: StrategySettings = Field(default_factory=StrategySettings)
    data: DataSettings = Field(default_factory=DataSettings)
    execution: ExecutionSettings = Field(default_factory=ExecutionSettings)
    engine: EngineSettings = Field(default_factory=EngineSettings)
    policies: PolicySet = Field(default_factory=PolicySet)
    state: StateSettings = Field(default_factory=StateSettings)
    logging: LoggingSettings = Field(default_factory=LoggingSettings)
    output: OutputSettings = Field(default_factory=OutputSettings)

    def config_hash(self) -> str:
        """A short, stable hash of the settings that shape results: the config id in reports.

        Where outputs and logs are written does not change a result, so it is left out.
        """
        shaping = self.model_dump(mode="json", exclude={"output", "logging"})
        blob = json.dumps(shaping, sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]


def available_envs(config_dir: Path) -> list[str]:
    """The env names that have a ``<env>.yaml`` beside ``base.yaml``."""
    return sorted(p.stem for p in config_dir.glob("*.yaml") if p.stem not in {"base", "sandbox"})


def load_settings(
    env: str, config_dir: Path = Path("config"), **overrides: Any
) -> AppSettings:
    """Layer base.yaml, <env>.yaml, environment variables and explicit overrides."""
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
    _check_env_names(os.environ)

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
    except ValidationError as exc:
        raise ConfigError(
            "invalid configuration:\n" + _describe(exc),
            path=", ".join(str(f) for f in files),
            field=".".join(str(p) for p in exc.errors()[0]["loc"]),
            hint=f"fix the YAML key or the {ENV_PREFIX}* environment variable named above",
        ) from None
    return AppSettings.model_validate(layered.model_dump())


def _check_env_names(environ: Mapping[str, str]) -> None:
    """Refuse ``VT_*`` variables whose first segment names no setting (a typo is not ignored)."""
    valid = sorted(AppSettings.model_fields)
    for name in sorted(environ):
        if not name.upper().startswith(ENV_PREFIX):
            continue
        head = name[len(ENV_PREFIX):].split("__", 1)[0].lower()
        if head not in AppSettings.model_fields:
            close = difflib.get_close_matches(head, valid, n=1)
            suggestion = f" (did you mean {ENV_PREFIX}{close[0].upper()}?)" if close else ""
            raise ConfigError(
                f"environment variable {name} names no setting{suggestion}",
                field=name,
                hint=f"{ENV_PREFIX}<section>__<key>, with section one of {valid}; "
                "or unset it",
            )


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


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"])
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            parent = _model_at(error["loc"][:-1])
            if parent is not None:
                message += f" (valid keys: {sorted(parent.model_fields)})"
        lines.append(f"  {loc}: {message}")
    return "\n".join(lines)


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] = AppSettings
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model
