"""Map a bar file's column headers onto the curated names, the way common exports write them.

Names match case-insensitively. The timestamp may be called ``timestamp``, ``date``,
``datetime`` or ``time`` (or be a CSV's unnamed first column); ``Adj Close`` is dropped
unless the import asks for adjusted prices; a ``symbol`` column is kept aside. Anything
else is refused with the way to map it: ``--column close=Last``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from vibetrading_V2.core.errors import DataValidationError
from vibetrading_V2.data.schema import BAR_COLUMNS, TIMESTAMP

__all__ = ["ADJ_CLOSE", "SYMBOL", "ColumnPlan", "parse_column_mapping", "plan_columns"]

SYMBOL = "symbol"
ADJ_CLOSE = "adj_close"
_REQUIRED = (TIMESTAMP, *BAR_COLUMNS)
_MAPPABLE = (*_REQUIRED, SYMBOL, ADJ_CLOSE)
_TIMESTAMP_NAMES = ("timestamp", "date", "datetime", "time")
_ADJ_CLOSE_NAMES = ("adj close", "adj_close", "adjclose", "adjusted close", "adjusted_close")
_DROP = ""  # a column the user's mapping replaced
_MAP_HINT = "map a column with --column FIELD=NAME, e.g. --column close=Last"


@dataclass(frozen=True, slots=True)
class ColumnPlan:
    """For each file column in order, its curated name, or ``None`` to drop it."""

    names: tuple[str | None, ...]

    def kept(self) -> list[int]:
        """Positions of the columns to read."""
        return [i for i, name in enumerate(self.names) if name is not None]


def parse_column_mapping(items: Sequence[str]) -> dict[str, str]:
    """``["close=Last"]`` -> ``{"close": "Last"}``; refuses unknown fields."""
    mapping: dict[str, str] = {}
    for item in items:
        field, sep, name = item.partition("=")
        field = field.strip().lower().replace(" ", "_")
        if not sep or not name.strip() or field not in _MAPPABLE:
            raise DataValidationError(
                f"cannot read --column {item!r}",
                field="--column",
                hint=f"write FIELD=NAME with FIELD one of {', '.join(_MAPPABLE)}, "
                "e.g. --column close=Last",
            )
        mapping[field] = name.strip()
    return mapping


def plan_columns(
    header: Sequence[str],
    *,
    mapping: Mapping[str, str] | None = None,
    adjusted: bool = False,
    source: str,
    line: int | None,
) -> ColumnPlan:
    """Decide what each column of ``header`` becomes; raise with the fix if it cannot."""
    keys = [h.strip().lower() for h in header]
    names: list[str | None] = [None] * len(keys)
    for field, wanted in (mapping or {}).items():
        if wanted.strip().lower() not in keys:
            raise _error(f"--column {field}={wanted}: the file has no column {wanted!r}",
                         header, source, line, "--column")
        names[keys.index(wanted.strip().lower())] = field
    explicit = set(names)
    for i, key in enumerate(keys):  # exact names first, so an alias never takes their place
        if names[i] is None and key in (*_REQUIRED, SYMBOL):
            names[i] = _DROP if key in explicit else key  # mapped elsewhere by the user
    for i, key in enumerate(keys):
        if names[i] is None:
            names[i] = _alias(i, key, names)
    _check_plan(names, header, adjusted=adjusted, source=source, line=line)
    dropped = (_DROP, None) if adjusted else (_DROP, None, ADJ_CLOSE)
    return ColumnPlan(tuple(None if n in dropped else n for n in names))


def _alias(position: int, key: str, names: list[str | None]) -> str:
    if (key in _TIMESTAMP_NAMES or (position == 0 and not key)) and TIMESTAMP not in names:
        return TIMESTAMP
    if key in _ADJ_CLOSE_NAMES and ADJ_CLOSE not in names:
        return ADJ_CLOSE
    return "?" + key  # unknown: refused by _check_plan


def _check_plan(
    names: list[str | None], header: Sequence[str], *, adjusted: bool, source: str,
    line: int | None,
) -> None:
    repeated = sorted({n for n in names if n and n[0] != "?" and names.count(n) > 1})
    if repeated:
        columns = [h for h, n in zip(header, names, strict=True) if n in repeated]
        raise _error(
            f"column(s) {', '.join(map(repr, columns))} all map to {', '.join(repeated)} "
            "(names are case-insensitive)", header, source, line, ", ".join(repeated),
            hint="keep one column per field, or pick one with --column FIELD=NAME",
        )
    unknown = [h for h, n in zip(header, names, strict=True) if n and n[0] == "?"]
    missing = [f for f in _REQUIRED if f not in names]
    if adjusted and ADJ_CLOSE not in names:
        missing.append("Adj Close")
    if not (unknown or missing):
        return
    problems = [f"missing column(s) {', '.join(missing)}"] if missing else []
    if unknown:
        problems.append(f"unexpected column(s) {', '.join(map(repr, unknown))}")
    example = (f"--column {missing[0]}={unknown[0]}" if missing and unknown and
               missing[0] != "Adj Close" else "--column close=Last")
    raise _error(
        "; ".join(problems) + f" (a bar file has {', '.join(_REQUIRED)}, optionally symbol "
        "and Adj Close)", header, source, line, ", ".join(missing + unknown),
        hint=f"map a column with --column FIELD=NAME, e.g. {example}; remove other columns",
    )


def _error(
    problem: str, header: Sequence[str], source: str, line: int | None, field: str,
    hint: str = _MAP_HINT,
) -> DataValidationError:
    found = ", ".join(repr(h) for h in header) or "no columns"
    return DataValidationError(
        f"{problem}; the file's columns are {found}",
        path=source, line=line, field=field, hint=hint,
    )
