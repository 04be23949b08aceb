"""Stops and targets measured from an entry's fill price, and the intent's number fields.

Standard library only, like ``types`` (which re-exports ``ExitOffsets``); compiled with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Real
from typing import Final

from vibetrading_V2.core.errors import StrategyError

__all__ = ["ExitOffsets", "exit_offsets_of", "optional_real", "real"]

_INF: Final = float("inf")


@dataclass(slots=True, init=False, unsafe_hash=True)
class ExitOffsets:
    """A stop and a target measured from the entry's fill price, made prices when it fills.

    Why it exists: "stop = entry price - 2 x ATR" cannot be a price on the signal bar, a
    bar before the entry fills. ``*_distance`` is in price units, ``*_pct`` a fraction of
    the fill price (0.02 is 2 %); at most one of each pair is set.
    """

    stop_distance: Final[float | None]
    stop_pct: Final[float | None]
    take_profit_distance: Final[float | None]
    take_profit_pct: Final[float | None]

    def __init__(
        self,
        stop_distance: float | None = None,
        stop_pct: float | None = None,
        take_profit_distance: float | None = None,
        take_profit_pct: float | None = None,
    ) -> None:
        self.stop_distance = stop_distance
        self.stop_pct = stop_pct
        self.take_profit_distance = take_profit_distance
        self.take_profit_pct = take_profit_pct

    @property
    def has_stop(self) -> bool:
        return self.stop_distance is not None or self.stop_pct is not None

    @property
    def has_take_profit(self) -> bool:
        return self.take_profit_distance is not None or self.take_profit_pct is not None

    def stop_price(self, fill_price: float, is_buy: bool) -> float | None:
        """The stop of an entry that filled at ``fill_price`` (below it for a buy)."""
        away = _away(fill_price, self.stop_distance, self.stop_pct)
        if away is None:
            return None
        return fill_price - away if is_buy else fill_price + away

    def take_profit_price(self, fill_price: float, is_buy: bool) -> float | None:
        """The target of an entry that filled at ``fill_price`` (above it for a buy)."""
        away = _away(fill_price, self.take_profit_distance, self.take_profit_pct)
        if away is None:
            return None
        return fill_price + away if is_buy else fill_price - away

    def problem(self) -> str | None:
        """``invalid_bracket`` if a value is not a positive finite number (a stop's fraction
        also below 1), else ``None``."""
        for value in (self.stop_distance, self.stop_pct, self.take_profit_distance,
                      self.take_profit_pct):
            if value is not None and not (value > 0.0 and value < _INF):
                return "invalid_bracket"
        if self.stop_pct is not None and self.stop_pct >= 1.0:
            return "invalid_bracket"
        return None


def _away(price: float, distance: float | None, fraction: float | None) -> float | None:
    if distance is not None:
        return distance
    if fraction is not None:
        return price * fraction
    return None




def real(value: object, name: str) -> float:
    """``value`` as a float if it is a real number (int, float, numpy scalar), not a bool."""
    if type(value) is float:
        return value
    if isinstance(value, Real) and not isinstance(value, bool):
        return float(value)
    raise StrategyError(
        f"Intent.{name} must be a number, got {value!r} ({type(value).__name__})",
        field=name,
        hint=f"pass a float (or None) as {name}",
    )


def optional_real(value: object, name: str) -> float | None:
    return None if value is None else real(value, name)


def exit_offsets_of(
    stop_loss: float | None, take_profit: float | None, exits: ExitOffsets | None,
    stop_distance: object, stop_pct: object, take_profit_distance: object,
    take_profit_pct: object,
) -> ExitOffsets | None:
    """An intent's offsets: ``exits`` as given, or built from the keywords (each a
    number); a level given two ways is refused by name."""
    if not (stop_distance is None and stop_pct is None and take_profit_distance is None
            and take_profit_pct is None):
        if exits is not None:
            raise StrategyError("Intent got both exits= and offset keywords",
                                field="exits", hint="give the offsets one way")
        exits = ExitOffsets(
            _offset(stop_distance, "stop_distance"), _offset(stop_pct, "stop_pct"),
            _offset(take_profit_distance, "take_profit_distance"),
            _offset(take_profit_pct, "take_profit_pct"),
        )
    if exits is None:
        return None
    if not isinstance(exits, ExitOffsets):  # as the compiled build refuses a wrong type
        raise TypeError(f"Intent.exits must be ExitOffsets or None, not {type(exits).__name__}")
    for level, ways in (
        ("stop", (("stop_loss", stop_loss), ("stop_distance", exits.stop_distance),
                  ("stop_pct", exits.stop_pct))),
        ("take_profit", (("take_profit", take_profit),
                         ("take_profit_distance", exits.take_profit_distance),
                         ("take_profit_pct", exits.take_profit_pct))),
    ):
        given = [name for name, value in ways if value is not None]
        if len(given) > 1:
            raise StrategyError(
                f"Intent sets the {level} twice: {' and '.join(given)}",
                field=given[1],
                hint=f"give the {level} one way: {', '.join(name for name, _ in ways)}",
            )
    return exits


def _offset(value: object, name: str) -> float | None:
    """An offset as a float; NaN refused here (a store would refuse the intent later)."""
    number = optional_real(value, name)
    if number is not None and number != number:
        raise StrategyError(
            f"Intent.{name} is NaN",
            field=name,
            hint="an indicator still warming up gives NaN: raise warmup_bars, or return None "
            "until it is a number",
        )
    return number
