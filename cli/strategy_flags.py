"""``--strategy`` (repeatable) and ``--param`` as settings overrides.

One ``--strategy`` sets ``strategy.name`` as it always did; two or more become the
``strategies:`` list. ``--param KEY=VALUE`` sets a parameter of the only strategy;
with several, a parameter names its strategy, ``--param NAME.KEY=VALUE``, where NAME is
the ``--strategy`` text or its file's stem (``--strategy strategies/b.py`` -> ``b``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from vibetrading_V2.core.errors import ConfigError

__all__ = ["strategy_overrides"]


def strategy_overrides(strategies: list[str] | None, params: list[str] | None) -> dict[str, Any]:
    """The ``strategy`` / ``strategies`` overrides of the flags (empty: none given)."""
    names = [_name(text) for text in strategies or []]
    parsed = [_param(text) for text in params or []]
    if len(names) <= 1:
        values = {key: value for target, key, value in _targeted(parsed, strategies or [])}
        fields: dict[str, Any] = {"name": names[0]} if names else {}
        if values:
            fields["params"] = values
        return {"strategy": fields} if fields else {}
    entries: list[dict[str, Any]] = [{"name": name, "params": {}} for name in names]
    for target, key, value in _targeted(parsed, strategies or []):
        entries[target]["params"][key] = value
    return {"strategies": entries}


def _name(text: str) -> str:
    as_path = text.endswith(".py") or "/" in text
    return str(Path(text).resolve()) if as_path else text


def _targeted(
    parsed: list[tuple[str | None, str, str]], strategies: list[str]
) -> list[tuple[int, str, str]]:
    """Each parameter with the index of the ``--strategy`` it belongs to."""
    out = []
    for prefix, key, value in parsed:
        if prefix is None:
            if len(strategies) > 1:
                raise ConfigError(
                    f"--param {key}={value} does not say which of {len(strategies)} "
                    "strategies it is for",
                    field="--param",
                    hint=f"name the strategy: --param {_label(strategies[0])}.{key}={value}",
                )
            out.append((0, key, value))
            continue
        out.append((_index_of(prefix, key, strategies), key, value))
    return out


def _index_of(prefix: str, key: str, strategies: list[str]) -> int:
    for index, text in enumerate(strategies):
        if prefix in (text, _label(text)):
            return index
    known = ", ".join(_label(text) for text in strategies) or "none"
    raise ConfigError(
        f"--param {prefix}.{key} names strategy {prefix!r}, which no --strategy gives "
        f"(given: {known})",
        field="--param",
        hint="use --param NAME.KEY=VALUE with NAME one of the --strategy values "
        "(or its file name without .py)",
    )


def _label(text: str) -> str:
    return Path(text).stem if text.endswith(".py") else text


def _param(text: str) -> tuple[str | None, str, str]:
    """``[STRATEGY.]NAME=VALUE`` as (strategy or None, name, value)."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip() or not value.strip():
        raise ConfigError(
            f"--param expects NAME=VALUE, got {text!r}",
            field="--param",
            hint="e.g. --param fast=20, or --param my_strategy_a.fast=20 with several "
            "strategies (repeat the flag for more parameters)",
        )
    prefix, dot, key = name.strip().rpartition(".")
    if dot and not prefix.strip():
        raise ConfigError(f"--param {text!r} names no strategy before the dot", field="--param",
                          hint="e.g. --param my_strategy_a.fast=20")
    return (prefix.strip() if dot else None), key.strip(), value.strip()
