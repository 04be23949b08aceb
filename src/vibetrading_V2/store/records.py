"""Record types the state stores hand back, and the checks both stores apply on write.

Both stores (memory and SQLite) share these so that dev, paper and live read back the
same shapes and refuse the same bad values.
"""

from __future__ import annotations

from dataclasses import dataclass

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.types import Intent

__all__ = ["IntentRecord", "VetoRecord", "check_no_nan"]


@dataclass(frozen=True, slots=True)
class IntentRecord:
    """An intent as recorded before anything was sized or sent."""

    ts_ns: int
    strategy_id: str
    intent: Intent


@dataclass(frozen=True, slots=True)
class VetoRecord:
    """An order or intent the gates refused, with machine-readable reasons."""

    ts_ns: int
    strategy_id: str
    symbol: str
    reasons: tuple[str, ...]


def check_no_nan(kind: str, value: object) -> None:
    """Raise ``StateStoreError`` if a float field of the dataclass ``value`` is NaN.

    SQLite stores NaN as NULL, which would silently turn a bad number into "no value";
    both stores refuse it instead. Nested dataclasses (an order's request) are checked too.
    Called on every record, so it reads the class's field table directly.
    """
    for name in getattr(type(value), "__dataclass_fields__", ()):
        item = getattr(value, name)
        if item is None or isinstance(item, _SCALARS):
            continue
        if isinstance(item, float):
            if item != item:
                raise StateStoreError(
                    f"refusing to record a {kind} with a NaN {name}",
                    field=name,
                    hint="fix the component that produced the NaN; the store keeps only real "
                    "numbers",
                )
        elif hasattr(type(item), "__dataclass_fields__"):
            check_no_nan(kind, item)


_SCALARS = (str, int, tuple)  # str covers StrEnum members, int covers bool
