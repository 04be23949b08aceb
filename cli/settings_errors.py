"""Settings failures as ``ConfigError``s that name the YAML key or the ``VT_*`` variable.

Environment variables are checked before pydantic-settings reads them, so a mistake in one
is reported under the variable's own name with its fix, never as a traceback: a name that
reaches no setting, a value that must be JSON (a section, a list) and is not, and a
variable that does not fit the env it is used with (``VT_KIND=live`` under ``--env dev``:
an env's kind is its own). What pydantic still refuses afterwards is described setting by
setting, naming the variable that set it where one did.
"""

from __future__ import annotations

import difflib
import json
import types
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from vibetrading_V2.core.errors import ConfigError

__all__ = [
    "CONFIG_DIR_VARIABLE",
    "ENV_PREFIX",
    "check_env_variables",
    "describe_validation",
    "settings_source_error",
    "validation_hint",
    "variables_behind",
]

ENV_PREFIX = "VT_"
CONFIG_DIR_VARIABLE = "VT_CONFIG_DIR"
"""Names the config directory; read before the settings, so it is no setting itself."""
_DEFAULT_KIND = "backtest"
_COLLECTIONS = (dict, list, tuple, set, frozenset, Mapping, Sequence)


def setting_variables(environ: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Each ``VT_*`` variable that sets a setting -> the setting's path, lower case."""
    return {
        name: tuple(name[len(ENV_PREFIX):].lower().split("__"))
        for name in sorted(environ)
        if name.upper().startswith(ENV_PREFIX) and name.upper() != CONFIG_DIR_VARIABLE
    }


def check_env_variables(
    environ: Mapping[str, str], model: type[BaseModel], env: str, files: Sequence[Path]
) -> None:
    """Refuse the first ``VT_*`` variable that names no setting, is not the JSON its
    setting needs, or does not fit ``env`` (whose YAML ``files`` are base, then env)."""
    for name, path in setting_variables(environ).items():
        target = _annotation_at(name, path, model)
        if target is not None and _is_complex(target):
            _check_json(name, environ[name], target)
    _check_fits_env(environ, env, files)


def _annotation_at(name: str, path: tuple[str, ...], model: type[BaseModel]) -> Any:
    """The annotation ``path`` reaches, ``None`` inside a mapping; unknown keys refused."""
    current: type[BaseModel] = model
    annotation: Any = None
    for depth, key in enumerate(path):
        field = current.model_fields.get(key)
        if field is None:
            raise _unknown_key(name, path[:depth], key, current)
        annotation = _without_none(field.annotation)
        if depth == len(path) - 1:
            return annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None  # the rest are keys of a mapping (strategy params)
        current = annotation
    return annotation


def _unknown_key(
    name: str, parent: tuple[str, ...], key: str, model: type[BaseModel]
) -> ConfigError:
    valid = sorted(model.model_fields)
    close = difflib.get_close_matches(key, valid, n=1)
    head = ENV_PREFIX + "".join(f"{p.upper()}__" for p in parent)
    suggestion = f" (did you mean {head}{close[0].upper()}?)" if close else ""
    where = ".".join(parent) or "the settings"
    return ConfigError(
        f"environment variable {name} names no setting: {key!r} is not a key of "
        f"{where}{suggestion}",
        field=name,
        hint=f"{head}<KEY>, with KEY one of {valid}; or unset {name}",
    )


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _is_complex(annotation: Any) -> bool:
    """Whether pydantic-settings reads a variable for this setting as JSON."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    origin = get_origin(annotation)
    return isinstance(origin, type) and issubclass(origin, _COLLECTIONS)


def _check_json(name: str, value: str, target: Any) -> None:
    try:
        json.loads(value)
    except ValueError:
        shape, hint = _json_shape(name, target)
        raise ConfigError(f"environment variable {name} must hold {shape}, got {value!r}",
                          field=name, hint=hint) from None


def _json_shape(name: str, target: Any) -> tuple[str, str]:
    """What JSON a section, mapping or list setting takes, and an example of it."""
    if isinstance(target, type) and issubclass(target, BaseModel):
        keys = sorted(target.model_fields)
        return "a JSON object", (
            f"set one key at a time, {name}__<KEY>=VALUE with KEY one of {keys}, or give a "
            f"JSON object, e.g. {name}='{{\"{keys[0]}\": ...}}'")
    if get_origin(target) is dict:
        return "a JSON object", (f"give a JSON object, e.g. {name}='{{\"fast\": 20}}', or "
                                 f"set one key at a time, {name}__<KEY>=VALUE")
    item = next(iter(get_args(target)), None)
    if isinstance(item, type) and issubclass(item, BaseModel):
        return "a JSON list", (f"give a JSON list of objects with keys "
                               f"{sorted(item.model_fields)}, e.g. {name}='[{{...}}, {{...}}]'")
    return "a JSON list", f"give a JSON list, e.g. {name}='[\"EURUSD\", \"BTCUSD\"]'"


def _check_fits_env(environ: Mapping[str, str], env: str, files: Sequence[Path]) -> None:
    """``VT_ENV`` and ``VT_KIND`` may only repeat what ``--env`` and its YAML say."""
    upper = {name.upper(): value for name, value in environ.items()}
    named_env = upper.get(f"{ENV_PREFIX}ENV")
    if named_env is not None and named_env != env:
        raise ConfigError(
            f"{ENV_PREFIX}ENV={named_env} does not fit --env {env}: the env is chosen by "
            "--env alone",
            field=f"{ENV_PREFIX}ENV",
            hint=f"unset {ENV_PREFIX}ENV, or run with --env {named_env}",
        )
    kind = upper.get(f"{ENV_PREFIX}KIND")
    own_kind = _file_kind(files)
    if kind is not None and kind != own_kind:
        others = [f.stem for f in _env_files(files) if _file_kind([files[0], f]) == kind]
        fix = (f"run with --env {others[0]}" if others
               else f"use an env whose YAML says kind: {kind}")
        raise ConfigError(
            f"{ENV_PREFIX}KIND={kind} does not fit --env {env}, a {own_kind} env: an env's "
            "kind (backtest, paper or live) is set by its YAML, never switched from outside",
            field=f"{ENV_PREFIX}KIND",
            hint=f"unset {ENV_PREFIX}KIND and {fix}",
        )


def _file_kind(files: Sequence[Path]) -> str:
    """The ``kind:`` the last of ``files`` sets (the default when none does)."""
    kind = _DEFAULT_KIND
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) if file.is_file() else None
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            kind = data["kind"]
    return kind


def _env_files(files: Sequence[Path]) -> list[Path]:
    """Every env's YAML file beside ``files`` (base and sandbox are no envs)."""
    return [p for p in sorted(files[0].parent.glob("*.yaml"))
            if p.stem not in {"base", "sandbox"}]


def variables_behind(loc: Sequence[int | str], environ: Mapping[str, str]) -> list[str]:
    """The ``VT_*`` variables that set the setting at ``loc`` or a section around it."""
    setting = tuple(str(part).lower() for part in loc)
    return [name for name, path in setting_variables(environ).items()
            if setting[:len(path)] == path or path[:len(setting)] == setting]


def describe_validation(
    exc: ValidationError, model: type[BaseModel], environ: Mapping[str, str]
) -> str:
    """One line per refused setting, with the variable that set it and the valid keys."""
    lines = []
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"])
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            parent = _model_at(model, error["loc"][:-1])
            if parent is not None:
                message += f" (valid keys: {sorted(parent.model_fields)})"
        behind = variables_behind(error["loc"], environ)
        source = f" (set by {', '.join(behind)})" if behind else ""
        lines.append(f"  {loc}{source}: {message}")
    return "\n".join(lines)


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    for part in loc:
        field = model.model_fields.get(str(part))
        annotation = getattr(field, "annotation", None)
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            return None
        model = annotation
    return model


def validation_hint(exc: ValidationError, environ: Mapping[str, str]) -> str:
    """How to fix what pydantic refused: the variables that set it, else the YAML key."""
    behind = sorted({v for e in exc.errors() for v in variables_behind(e["loc"], environ)})
    if behind:
        return (f"fix or unset {', '.join(behind)} (an environment variable), or the YAML "
                "key named above")
    return f"fix the YAML key named above (or set it with a {ENV_PREFIX}* variable)"


def settings_source_error(
    exc: Exception, environ: Mapping[str, str], files: Sequence[Path]
) -> ConfigError:
    """A failure pydantic-settings raised while reading the variables, as a ConfigError."""
    named = sorted(setting_variables(environ))
    return ConfigError(
        f"the {ENV_PREFIX}* environment variables could not be read: {exc}",
        path=", ".join(str(f) for f in files),
        field=", ".join(named) or None,
        hint="a section or list variable takes JSON; set single keys with "
        f"{ENV_PREFIX}<SECTION>__<KEY>=VALUE, or unset the variables named above",
    )
