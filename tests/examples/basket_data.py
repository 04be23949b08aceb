"""The synthetic daily basket the multi-symbol example trades: how examples/data was made.

The bundled catalog holds one symbol per timeframe (EURUSD 1h, BTCUSD 1M), so a strategy
over several symbols needs a file of its own. Prices come from ``random.Random.random``,
whose sequence Python guarantees for a given seed, and integer cents (no ``exp``, no
platform-dependent maths), so the file is the same on every machine:
``python -m tests.examples.basket_data examples/data/basket_1d.csv`` rewrites it.
"""

from __future__ import annotations

import random
import sys
from datetime import date, timedelta
from pathlib import Path

__all__ = ["BASKET", "basket_csv_text"]

# symbol: (seed, start price in cents, drift per day, daily range of the return)
BASKET: dict[str, tuple[int, int, float, float]] = {
    "ALPHA": (11, 5_000, 0.0008, 0.040),
    "BRAVO": (23, 12_000, -0.0004, 0.030),
    "CHARLIE": (37, 2_500, 0.0002, 0.050),
}
FIRST_DAY = date(2020, 1, 1)
DAYS = 730  # calendar days; weekends are skipped


def _weekdays() -> list[date]:
    days = (FIRST_DAY + timedelta(days=i) for i in range(DAYS))
    return [day for day in days if day.weekday() < 5]


def _rows(symbol: str, days: list[date]) -> list[str]:
    seed, cents, drift, spread = BASKET[symbol]
    draw = random.Random(seed).random
    rows = []
    for day in days:
        opened = cents
        cents = max(1, cents + round(cents * (drift + (draw() - 0.5) * spread)))
        high = max(opened, cents) + round(draw() * cents * spread / 4)
        low = max(1, min(opened, cents) - round(draw() * cents * spread / 4))
        volume = 1_000 + int(draw() * 9_000)
        prices = ",".join(f"{c // 100}.{c % 100:02d}" for c in (opened, high, low, cents))
        rows.append(f"{day.isoformat()}T00:00:00Z,{symbol},{prices},{volume}")
    return rows


def basket_csv_text() -> str:
    """The whole CSV: a header, then each symbol's weekday bars in time order."""
    days = _weekdays()
    lines = ["timestamp,symbol,open,high,low,close,volume"]
    for symbol in BASKET:
        lines.extend(_rows(symbol, days))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(basket_csv_text(), encoding="utf-8")
