"""``--strategy`` (repeatable) and ``--param`` as settings overrides.

One ``--strategy`` sets ``strategy.name`` as it always did; two or more become the
``strategies:`` list. ``--param KEY=VALUE`` sets a parameter of the only strategy;
with several, a parameter names its strategy, ``--param NAME.KEY=VALUE``, where NAME is
the ``--strategy`` text or its file's stem (``--strategy strategies/b.py`` -> ``b``).

One file run twice (two markets, two parameter sets) needs a label per slot,
``--strategy LABEL=NAME``: ``--strategy eur=sma_cross --strategy gbp=sma_cross
--param eur.universe=EURUSD --param gbp.universe=GBPUSD``; the label is the slot's
``label`` in the ``strategies:`` list and part of its strategy id (``sma_cross#eur@1.0.0``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from vibetrading_V2.core.errors import ConfigError

__all__ = ["strategy_overrides"]

_LABEL = re.compile(r"^[A-Za-z0-9_-]+$")


def strategy_overrides(strategies: list[str] | None, params: list[str] | None) -> dict[str, Any]:
    """The ``strategy`` / ``strategies`` overrides of the flags (empty: none given)."""
    slots = [_labelled(text) for text in strategies or []]
    names = [_name(text) for _, text in slots]
    parsed = [_param(text) for text in params or []]
    if len(names) <= 1:
        values = {key: value for target, key, value in _targeted(parsed, slots)}
        fields: dict[str, Any] = {"name": names[0]} if names else {}
        if values:
            fields["params"] = values
        return {"strategy": fields} if fields else {}
    entries: list[dict[str, Any]] = [
        {"name": name, "params": {}, **({"label": label} if label else {})}
        for name, (label, _) in zip(names, slots, strict=True)
    ]
    for target, key, value in _targeted(parsed, slots):
        entries[target]["params"][key] = value
    return {"strategies": entries}


def _labelled(text: str) -> tuple[str | None, str]:
    """``LABEL=NAME`` as (label, name); a plain name or path has no label."""
    label, sep, name = text.partition("=")
    if not sep:
        return None, text
    if not _LABEL.match(label) or not name.strip():
        raise ConfigError(
            f"--strategy {text!r} is not NAME or LABEL=NAME",
            field="--strategy",
            hint="a label is letters, digits, _ or -: --strategy eur=sma_cross",
        )
    return label, name.strip()


def _name(text: str) -> str:
    as_path = text.endswith(".py") or "/" in text
    return str(Path(text).resolve()) if as_path else text


def _targeted(
    parsed: list[tuple[str | None, str, str]], strategies: list[tuple[str | None, str]]
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


def _index_of(prefix: str, key: str, strategies: list[tuple[str | None, str]]) -> int:
    matches = [index for index, (label, text) in enumerate(strategies)
               if prefix == label or (label is None and prefix in (text, _label((None, text))))]
    if len(matches) > 1:
        raise ConfigError(
            f"--param {prefix}.{key} could be for any of {len(matches)} slots of {prefix!r}",
            field="--param",
            hint=f"label the slots, --strategy a={prefix} --strategy b={prefix}, then "
            f"--param a.{key}=...",
        )
    if matches:
        return matches[0]
    known = ", ".join(_label(slot) for slot in strategies) or "none"
    raise ConfigError(
        f"--param {prefix}.{key} names strategy {prefix!r}, which no --strategy gives "
        f"(given: {known})",
        field="--param",
        hint="use --param NAME.KEY=VALUE with NAME one of the --strategy values "
        "(or its file name without .py)",
    )


def _label(slot: tuple[str | None, str]) -> str:
    """What ``--param LABEL.KEY`` calls a slot: its label, else its name or file stem."""
    label, text = slot
    if label is not None:
        return label
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
