"""Number checks the per-bar and per-order paths make on every value.

``math.isfinite`` is an ordinary call in compiled code, while ``math.isnan`` and
``math.isinf`` compile to single instructions; ``is_finite`` is written with those.
"""

from __future__ import annotations

import math

__all__ = ["is_finite"]


def is_finite(value: float) -> bool:
    """``math.isfinite(value)``: neither NaN nor infinite."""
    return not (math.isnan(value) or math.isinf(value))
