"""Shape and value checks of a loaded ``StrategyBundle``: fail early, name the field and fix.

The bundle dataclasses are not validated on construction (they are plain frozen dataclasses
a user writes by hand), so a typo such as ``commission_bps="1"`` or an empty universe would
otherwise surface deep inside a backtest. The registry runs :func:`validate_bundle` right
after loading; every problem is a ``BundleValidationError`` naming the file and field.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
import typing
from collections.abc import Iterable, Mapping, Sequence

from vibetrading_V2.core.errors import BundleValidationError, ConfigError
from vibetrading_V2.strategy.bundle import (
    META_PARAMS,
    SEMVER,
    TIMEFRAMES,
    CostOverride,
    Param,
    ParamInput,
    PolicyOverrides,
    RiskOverride,
    SizingOverride,
    StrategyBundle,
    StrategyMeta,
)

__all__ = ["SDK_CLASSES", "coerce_params", "explain_constructor_error", "validate_bundle"]

_OVERRIDE_GROUPS: dict[str, type] = {
    "cost": CostOverride,
    "risk": RiskOverride,
    "sizing": SizingOverride,
}
SDK_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        StrategyBundle,
        StrategyMeta,
        Param,
        PolicyOverrides,
        CostOverride,
        RiskOverride,
        SizingOverride,
    )
}
_UNEXPECTED_KWARG = re.compile(
    r"^(?P<cls>\w+)\.__init__\(\) got an unexpected keyword argument '(?P<name>\w+)'$"
)
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _fail(path: str, field: str, message: str, hint: str) -> BundleValidationError:
    return BundleValidationError(message, path=path, field=field, hint=hint)


def _did_you_mean(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean {close[0]!r}?" if close else f"known: {sorted(known)}"


def explain_constructor_error(exc: TypeError, path: str) -> BundleValidationError | None:
    """Turn ``CostOverride(comission_bps=1)``'s TypeError into a "did you mean" error."""
    match = _UNEXPECTED_KWARG.match(str(exc))
    if match is None or match["cls"] not in SDK_CLASSES:
        return None
    cls = SDK_CLASSES[match["cls"]]
    names = [f.name for f in dataclasses.fields(cls)]
    return _fail(
        path,
        f"{match['cls']}.{match['name']}",
        f"{match['cls']} has no field {match['name']!r}; {_did_you_mean(match['name'], names)}",
        f"valid fields of {match['cls']}: {', '.join(names)}",
    )


def validate_bundle(bundle: object, path: str) -> StrategyBundle:
    """Return ``bundle`` typed as a ``StrategyBundle`` or raise ``BundleValidationError``."""
    if not isinstance(bundle, StrategyBundle):
        raise _fail(
            path,
            "bundle",
            f"the exported bundle is a {type(bundle).__name__}, not a StrategyBundle",
            "return StrategyBundle(meta=StrategyMeta(...), build=YourStrategy) from get_bundle()",
        )
    _validate_meta(bundle.meta, path)
    if not callable(bundle.build):
        raise _fail(
            path,
            "build",
            f"build must be callable (a Strategy class or factory), got {bundle.build!r}",
            "pass the Strategy subclass itself: build=MyStrategy",
        )
    _validate_overrides(bundle.overrides, path)
    return bundle


def _validate_meta(meta: object, path: str) -> None:
    if not isinstance(meta, StrategyMeta):
        raise _fail(
            path,
            "meta",
            f"meta is a {type(meta).__name__}, not a StrategyMeta",
            "use meta=StrategyMeta(name=..., universe=(...), timeframe=..., required_fields=(...))",
        )
    _non_empty_text(meta.name, "meta.name", path, 'name the strategy, e.g. name="sma_cross"')
    _non_empty_text(
        meta.strategy_type, "meta.strategy_type", path, 'e.g. strategy_type="trend.sma_cross"'
    )
    _validate_tunable(meta, path)
    _text_tuple(
        meta.required_fields,
        "meta.required_fields",
        path,
        'list the bar fields you read: required_fields=("close",)',
    )
    if not isinstance(meta.version, str) or not SEMVER.match(meta.version):
        raise _fail(
            path,
            "meta.version",
            f"version {meta.version!r} is not a semantic version",
            'use MAJOR.MINOR.PATCH, e.g. version="1.0.0"',
        )
    if meta.session is not None:
        _non_empty_text(meta.session, "meta.session", path, 'e.g. session="24x5" or None')
    if not isinstance(meta.description, str):
        raise _fail(path, "meta.description", "description must be text", 'use description=""')
    _validate_params(meta.params, path)


def _validate_tunable(meta: StrategyMeta, path: str) -> None:
    """``universe`` and ``timeframe``: a value, or a ``Param`` whose default and choices are
    such values (and no second parameter of the same name in ``params``)."""
    universe: object = meta.universe
    timeframe = meta.timeframe
    hint = 'list the symbols: universe=("EURUSD",), or universe=Param(("EURUSD",)) to tune it'
    if isinstance(universe, Param):
        if universe.low is not None or universe.high is not None:
            raise _fail(path, "meta.universe", "a universe Param has no low / high",
                        "drop low= and high=; choices= may list the symbols allowed")
        universe = universe.default
    _text_tuple(universe, "meta.universe", path, hint)
    allowed = [timeframe.default, *(timeframe.choices or ())] \
        if isinstance(timeframe, Param) else [timeframe]
    for value in allowed:
        if value not in TIMEFRAMES:
            raise _fail(path, "meta.timeframe", f"unknown timeframe {value!r}",
                        f"use one of {', '.join(TIMEFRAMES)}")
    for name in META_PARAMS:
        tunable = getattr(meta, name)
        if isinstance(tunable, Param):
            try:
                tunable.check(name, tunable.default)  # e.g. a default outside its choices
            except BundleValidationError as exc:
                raise _fail(path, f"meta.{name}", exc.message, exc.hint or "") from None
    params = meta.params if isinstance(meta.params, Mapping) else {}
    for name in META_PARAMS:
        if name in params:
            raise _fail(path, f"meta.params.{name}",
                        f"{name!r} is a meta field, not a parameter of params",
                        f"write {name}=Param(...) in the meta itself to make it tunable")


def _non_empty_text(value: object, field: str, path: str, hint: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, field, f"{field} must be non-empty text, got {value!r}", hint)


def _text_tuple(value: object, field: str, path: str, hint: str) -> None:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise _fail(path, field, f"{field} must be a tuple of names, got {value!r}", hint)
    if not value:
        raise _fail(path, field, f"{field} is empty", hint)
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(path, field, f"{field} holds {item!r}, not a non-empty name", hint)
    duplicates = sorted({item for item in value if value.count(item) > 1})
    if duplicates:
        raise _fail(path, field, f"{field} lists {duplicates} more than once", hint)


def _validate_params(params: object, path: str) -> None:
    if not isinstance(params, Mapping):
        raise _fail(
            path,
            "meta.params",
            f"params must be a mapping of name to Param, got {type(params).__name__}",
            'use params={"fast": Param(10, low=2, high=200)}',
        )
    for name, param in params.items():
        field = f"meta.params.{name}"
        if not isinstance(name, str) or not _IDENTIFIER.match(name):
            raise _fail(
                path,
                field,
                f"parameter name {name!r} is not an identifier",
                "use names like fast_window",
            )
        if not isinstance(param, Param):
            raise _fail(
                path,
                field,
                f"parameter {name!r} is a {type(param).__name__}, not a Param",
                f'declare it as "{name}": Param(default, low=..., high=...)',
            )
        try:
            param.check(name, param.default)
        except BundleValidationError as exc:
            exc.path = path
            raise


def _validate_overrides(overrides: object, path: str) -> None:
    if overrides is None:
        return
    if not isinstance(overrides, PolicyOverrides):
        raise _wrong_class(overrides, PolicyOverrides, "overrides", path)
    for group, cls in _OVERRIDE_GROUPS.items():
        value = getattr(overrides, group)
        if value is None:
            continue
        if type(value) is not cls:
            raise _wrong_class(value, cls, f"overrides.{group}", path)
        hints = typing.get_type_hints(cls)
        for f in dataclasses.fields(cls):
            _check_override_value(
                getattr(value, f.name), hints[f.name], f"overrides.{group}.{f.name}", path
            )


def _wrong_class(value: object, expected: type, field: str, path: str) -> BundleValidationError:
    """An override given as a dict or the wrong object: name unknown keys with "did you mean"."""
    known = [f.name for f in dataclasses.fields(expected)]
    unknown = [k for k in _field_names_of(value) if k not in known]
    details = [f"unknown field {k!r}, {_did_you_mean(k, known)}" for k in unknown]
    if isinstance(value, type):
        details.append(f"did you mean an instance, {expected.__name__}(...)?")
    elif not isinstance(value, Mapping):
        details.append(f"did you mean {expected.__name__}(...)?")
    message = f"{field} must be a {expected.__name__}, got {type(value).__name__}"
    return _fail(
        path,
        field,
        "; ".join([message, *details]),
        f"write {expected.__name__}({known[0]}=...) with fields: {', '.join(known)}",
    )


def _field_names_of(value: object) -> list[str]:
    """The field names a stand-in object carries (set fields only for dataclasses)."""
    if isinstance(value, Mapping):
        return [str(k) for k in value]
    if isinstance(value, type):
        return []
    if dataclasses.is_dataclass(value):
        return [f.name for f in dataclasses.fields(value) if getattr(value, f.name) is not None]
    attrs = getattr(value, "__dict__", None)
    if isinstance(attrs, dict):
        return [k for k in attrs if not k.startswith("_")]
    return []


def _check_override_value(value: object, hint: object, field: str, path: str) -> None:
    if value is None:
        return
    options = [a for a in typing.get_args(hint) if a is not type(None)]
    literal = next((a for a in options if typing.get_origin(a) is typing.Literal), None)
    if literal is not None:
        choices = typing.get_args(literal)
        if value not in choices or not isinstance(value, str):
            raise _fail(
                path,
                field,
                f"{field} is {value!r}, not one of {list(choices)}",
                f"use one of {', '.join(map(repr, choices))} or None",
            )
        return
    name = field.rsplit(".", 1)[-1]
    if float in options:
        ok_type = isinstance(value, int | float) and not isinstance(value, bool)
        kind, example = "a number", f"{name}=1.0"
    elif int in options:
        ok_type = isinstance(value, int) and not isinstance(value, bool)
        kind, example = "an integer", f"{name}=20"
    else:  # a field type this validator does not know yet: refuse rather than guess
        raise _fail(
            path,
            field,
            f"{field} has an unsupported declared type {hint!r}",
            "report this: the override validator needs updating",
        )
    if not ok_type:
        raise _fail(
            path,
            field,
            f"{field} must be {kind} or None, got {value!r} ({type(value).__name__})",
            f"write {example} (not text, not True/False)",
        )
    number = typing.cast(float, value)
    if not math.isfinite(number) or number < 0:
        raise _fail(
            path,
            field,
            f"{field} must be finite and >= 0, got {value!r}",
            "use a non-negative number, or None to keep the default",
        )


_ARTICLE = {"int": "an"}
_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")


def coerce_params(
    declared: Mapping[str, Param], given: Mapping[str, object], *, path: str | None = None
) -> dict[str, ParamInput]:
    """``given`` values converted to each declared ``Param``'s type and checked against it.

    Text such as ``"20"`` (from ``--param fast=20`` or ``VT_STRATEGY__PARAMS__FAST=20``)
    becomes the type of the default: ``int``, ``float``, ``bool`` (true/false, yes/no,
    on/off, 1/0), ``str``, or a tuple of names (``EURUSD,GBPUSD`` or a YAML list). An
    unknown name, a value that does not convert, and a value outside the range or choices
    are each a ``ConfigError`` naming the parameter, the value, what is allowed and the
    strategy file (``path``).
    """
    values: dict[str, ParamInput] = {}
    for name, raw in given.items():
        field = f"strategy.params.{name}"
        if name not in declared:
            raise ConfigError(
                f"unknown parameter {name!r}; {_did_you_mean(name, declared)}",
                path=path,
                field=field,
                hint=f"meta.{name} is fixed in the strategy: write {name}=Param(...) in its "
                "meta to make it a parameter" if name in META_PARAMS else
                f"declared parameters: {', '.join(sorted(declared)) or 'none'}",
            )
        param = declared[name]
        value = _converted(param, raw)
        where = f"--param {name}=VALUE or {'VT_STRATEGY__PARAMS__' + name.upper()}"
        if value is None:
            kind = "tuple" if isinstance(param.default, tuple) else type(param.default).__name__
            raise ConfigError(
                f"parameter {name!r} must be of type {kind}, got {raw!r}",
                path=path,
                field=field,
                hint=f"use {_ARTICLE.get(kind, 'a')} {kind} value{_allowed(param)} ({where})",
            )
        try:
            param.check(name, value)
        except BundleValidationError as exc:
            raise ConfigError(exc.message, path=path, field=field,
                              hint=f"use a value{_allowed(param)} ({where})") from None
        values[name] = value
    return values


def _converted(param: Param, raw: object) -> ParamInput | None:
    """``raw`` as the type of ``param.default``, or ``None`` when it does not convert."""
    default = param.default
    if isinstance(default, tuple):  # names: "EURUSD,GBPUSD" or a list of them
        items = raw.split(",") if isinstance(raw, str) else raw
        if not isinstance(items, list | tuple):
            return None
        return tuple(str(item).strip() for item in items)
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        return True if text in _TRUE else False if text in _FALSE else None
    if isinstance(raw, bool):
        return None
    try:
        if isinstance(default, int):
            if isinstance(raw, float):
                return int(raw) if raw.is_integer() else None
            return int(str(raw).strip())
        if isinstance(default, float):
            return float(raw) if isinstance(raw, int | float) else float(str(raw).strip())
    except ValueError:
        return None
    return raw if isinstance(raw, str) else str(raw)


def _allowed(param: Param) -> str:
    if param.choices is not None:
        return f" among {list(param.choices)}"
    if param.low is not None or param.high is not None:
        low = "-inf" if param.low is None else f"{param.low:g}"
        high = "inf" if param.high is None else f"{param.high:g}"
        return f" in [{low}, {high}]"
    return ""
