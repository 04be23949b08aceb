"""Deterministic rendering of summary values and UTC times, shared by reports and console.

One place decides how a number or a timestamp is written, so ``summary.json``, the HTML
metrics table and the console table never disagree.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import Enum
from typing import Any, Literal

import numpy as np
import pandas as pd

__all__ = [
    "display_value",
    "flatten_summary",
    "iso_utc_strings",
    "json_safe",
    "round_sig",
]

SIGNIFICANT_DIGITS = 10
_UNITS: tuple[tuple[Literal["s", "ms", "us"], int], ...] = (
    ("s", 10**9),
    ("ms", 10**6),
    ("us", 10**3),
)


def round_sig(value: float, digits: int = SIGNIFICANT_DIGITS) -> float:
    """``value`` rounded to ``digits`` significant digits (finite values only)."""
    return float(f"{value:.{digits}g}")


def _non_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"


def json_safe(value: Any, where: str = "summary") -> Any:
    """Turn a summary value into JSON data: floats to 10 significant digits, None to null.

    Non-finite floats become the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"`` (JSON
    has no such numbers); times become ISO-8601 UTC text. Unsupported types raise
    ``TypeError`` naming the key rather than being stringified silently.
    """
    if value is None or isinstance(value, bool | str):
        return value.value if isinstance(value, Enum) else value
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        number = float(value)
        return round_sig(number) if math.isfinite(number) else _non_finite(number)
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, Enum):
        return json_safe(value.value, where)
    if isinstance(value, pd.Timestamp | datetime):
        return _iso_timestamp(pd.Timestamp(value), where)
    if isinstance(value, Mapping):
        return {str(k): json_safe(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, Sequence):
        return [json_safe(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise TypeError(f"{where}: cannot write a value of type {type(value).__name__} to JSON")


def _iso_timestamp(ts: pd.Timestamp, where: str) -> str:
    if ts.tzinfo is None:
        raise ValueError(f"{where}: timestamp {ts} has no time zone; give UTC times")
    return str(iso_utc_strings(pd.Series([ts]))[0])


def iso_utc_strings(times: pd.Series) -> list[str | None]:
    """ISO-8601 UTC text (``...Z``) for a tz-aware datetime series; NaT becomes ``None``.

    The unit is the coarsest of s / ms / us / ns that writes every value exactly, so bar
    times read ``2024-01-01T00:00:00Z`` and sub-second fills keep their digits.
    """
    if not isinstance(times.dtype, pd.DatetimeTZDtype):
        raise ValueError("expected tz-aware (UTC) datetimes, got dtype " + str(times.dtype))
    utc = times.dt.tz_convert("UTC").astype("datetime64[ns, UTC]")
    missing = utc.isna().to_numpy()
    ns = utc.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    ints = ns.astype("int64")[~missing]
    unit: Literal["s", "ms", "us", "ns"] = "ns"
    for candidate, step in _UNITS:
        if np.all(ints % step == 0):
            unit = candidate
            break
    text: list[str] = np.datetime_as_string(ns, unit=unit, timezone="UTC").tolist()
    return [None if gone else t for t, gone in zip(text, missing.tolist(), strict=True)]


def flatten_summary(summary: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested mappings flattened to dotted keys (``per_strategy.s1.net_pnl``), keys sorted."""
    flat: dict[str, Any] = {}
    for key in sorted(summary, key=str):
        value = summary[key]
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(flatten_summary(value, f"{name}."))
        else:
            flat[name] = value
    return dict(sorted(flat.items()))


def display_value(value: Any) -> str:
    """A short human rendering for tables: thousands separators above 1000, 6 digits below."""
    if value is None:
        return "-"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        number = float(value)
        if not math.isfinite(number):
            return _non_finite(number)
        if abs(number) >= 1000:
            return f"{number:,.2f}"
        return f"{number:.6g}"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, pd.Timestamp | datetime):
        return str(json_safe(value))
    if isinstance(value, str):
        return value
    if isinstance(value, Sequence):
        return ", ".join(display_value(v) for v in value)
    return str(value)
