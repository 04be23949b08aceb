"""The typed error tree of vibetrading_V2.

Callers branch on the class, never on the message. Errors are grouped by what the caller
does next::

    VibeTradingError                    base of everything we raise on purpose
    ├── UserInputError                  stop and tell the user what to fix (exit code 2)
    │   ├── StrategyLoadError           a strategy file cannot be loaded
    │   │   ├── StrategyNotFoundError   no such strategy name or path
    │   │   ├── StrategySyntaxError     the file does not parse
    │   │   ├── ForbiddenImportError    the file imports outside the allow-list
    │   │   ├── StrategyExportError     not exactly one of get_bundle() / BUNDLE
    │   │   └── StrategyExecutionError  the module or get_bundle() raised
    │   ├── BundleValidationError       the bundle is of the wrong shape or values
    │   ├── ConfigError                 settings / YAML / environment are invalid
    │   │   └── MissingCredentialsError live trading without its secrets
    │   ├── DataValidationError         curated data is missing or malformed
    │   └── IndicatorInputError         an indicator got a bad window or non-numeric series
    │       └── OffTickPriceError       an exact tick-grid mean got a price off the grid
    ├── StrategyError                   user strategy code failed at run time (skip, count)
    │   └── SandboxViolationError       a callback tried file, network or process I/O
    ├── RiskRejectedError               the risk gate refused an order (skip, record)
    ├── ExecutionError                  a venue or simulator refused or failed (retry/inspect)
    │   └── VenueError                  how a venue answered an order request (venue,
    │       │                           client_order_id, reason); branch on the subclass
    │       ├── OrderRejectedError      refused: final, never re-send the same request
    │       ├── TransientVenueError     surely not applied (rate limit, busy): retry
    │       └── OrderOutcomeUnknownError
    │           │                       may have been applied: query the venue by client
    │           │                       order id, never re-send
    │           └── DuplicateClientOrderIdError
    │                                   the venue holds an order under this id: query it
    └── StateStoreError                 durable state cannot be read or written (stop)
        └── ForeignStateError           a new run's store holds another run's state (also a
                                        UserInputError: exit code 2); its subclasses: the
                                        store is another account's or strategy set's

The three venue outcomes will be raised by the order gateways of the venue adapters
(``venues/``: issue 11's in-memory fake gateway, then Bybit and IBKR), on the engine's
synchronous side of their bridge, when ``submit`` / ``cancel`` / ``amend`` / ``cancel_all``
learn how the venue answered (``client_order_id`` is ``None`` only for a request about no
single order, such as cancel-all). The order pipeline's submit (``runner.order_identity``)
records a rejection and moves on, and queries the venue by client order id on an unknown
outcome or a duplicate id, leaving the order in flight for reconciliation when the query
cannot settle it; a transient failure still reaches the caller. The simulator answers
synchronously and never raises them; the test gateway answers duplicate ids on request.
:func:`is_retryable` is the one question a retry loop may ask.

Every error carries a plain ``message``, and where known the ``path`` and ``line`` it is
about and a ``hint`` saying how to fix it. ``str(error)`` renders all of them on one screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = [
    "BundleValidationError",
    "ConfigError",
    "DataValidationError",
    "DuplicateClientOrderIdError",
    "ExecutionError",
    "ForbiddenImport",
    "ForbiddenImportError",
    "ForeignAccountError",
    "ForeignStateError",
    "ForeignStrategiesError",
    "IndicatorInputError",
    "MissingCredentialsError",
    "OffTickPriceError",
    "OrderOutcomeUnknownError",
    "OrderRejectedError",
    "RiskRejectedError",
    "SandboxViolationError",
    "StateStoreError",
    "StoreDurabilityError",
    "StoreSchemaError",
    "StrategyError",
    "StrategyExecutionError",
    "StrategyExportError",
    "StrategyLoadError",
    "StrategyNotFoundError",
    "StrategySyntaxError",
    "TransientVenueError",
    "UserInputError",
    "VenueError",
    "VibeTradingError",
    "is_retryable",
]


class VibeTradingError(Exception):
    """Base of every error the framework raises on purpose, so callers can catch ours only."""

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.field = field
        self.hint = hint

    def details(self) -> list[tuple[str, object]]:
        """Labelled lines printed under the message (``None`` values are left out)."""
        return [("field", self.field)]

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = self.path if self.line is None else f"{self.path}:{self.line}"
        parts = [f"{where}: {self.message}" if where else self.message]
        parts += [f"  {label}: {value}" for label, value in self.details() if value is not None]
        if self.hint is not None:
            parts.append(f"  fix: {self.hint}")
        return "\n".join(parts)


class UserInputError(VibeTradingError):
    """Something the user wrote (strategy, config, data) is wrong: stop and say how to fix it."""


class StrategyLoadError(UserInputError):
    """A strategy file could not be turned into a bundle."""


class StrategyNotFoundError(StrategyLoadError):
    """No strategy file exists under the given name or path."""


class StrategySyntaxError(StrategyLoadError):
    """The strategy file is not valid Python."""


@dataclass(frozen=True, slots=True)
class ForbiddenImport:
    """One import outside the sandbox allow-list, with the line it stands on."""

    module: str
    line: int
    reason: str


class ForbiddenImportError(StrategyLoadError):
    """The strategy imports modules it may not; ``violations`` lists every one of them."""

    def __init__(self, path: str, violations: Sequence[ForbiddenImport]) -> None:
        self.violations = tuple(violations)
        listing = "\n".join(
            f"    line {v.line}: {v.module} ({v.reason})" for v in self.violations
        )
        first_line = self.violations[0].line if self.violations else None
        super().__init__(
            f"forbidden import(s) in strategy file:\n{listing}",
            path=path,
            line=first_line,
            hint=(
                "strategies may import only vibetrading_V2.core, vibetrading_V2.strategy.base, "
                "vibetrading_V2.strategy.bundle, vibetrading_V2.strategy.indicators and "
                "pure-compute modules (numpy, pandas, math, ...); remove the listed imports"
            ),
        )


class StrategyExportError(StrategyLoadError):
    """The module does not export exactly one of ``get_bundle()`` or ``BUNDLE``."""


class StrategyExecutionError(StrategyLoadError):
    """Importing the module or calling ``get_bundle()`` raised."""


class BundleValidationError(UserInputError):
    """The bundle loaded but its type, meta, overrides or params are invalid."""


class ConfigError(UserInputError):
    """Settings, YAML layers or environment variables are invalid or unknown."""


class MissingCredentialsError(ConfigError):
    """Live trading was asked for without the secrets it needs; ``missing`` names them."""

    def __init__(self, missing: Sequence[str], *, venue: str) -> None:
        self.missing = tuple(missing)
        super().__init__(
            f"live trading on {venue} needs credentials that are not set: "
            + ", ".join(self.missing),
            field=", ".join(self.missing),
            hint="export them as environment variables; they are never read from files",
        )


class DataValidationError(UserInputError):
    """A curated data file is missing, malformed or violates the bar invariants."""


class IndicatorInputError(UserInputError):
    """An indicator was given a window below 1, a non-numeric or misaligned series.

    Why it exists: a wrong lookback must stop the strategy author, not yield NaN columns.
    """


class OffTickPriceError(IndicatorInputError):
    """A price handed to an exact tick-grid mean is not a multiple of the tick.

    Why it exists: rounding it silently would make the "exact" mean wrong; ``value``,
    ``tick`` and ``position`` (its row number) say which price to fix.
    """

    def __init__(self, value: float, tick: str, position: int) -> None:
        self.value = value
        self.tick = tick
        self.position = position
        super().__init__(
            f"price {value!r} at row {position} is not on the tick grid {tick}",
            field="tick",
            hint="pass the instrument's real tick size, or prices that are multiples of it",
        )


class StrategyError(VibeTradingError):
    """User strategy code raised while running; the engine counts it and carries on."""


class SandboxViolationError(StrategyError):
    """A strategy callback attempted file, network or process I/O."""


class RiskRejectedError(VibeTradingError):
    """The risk gate refused an order; carries the machine-readable reason codes."""

    def __init__(self, message: str, *, reasons: Sequence[str]) -> None:
        self.reasons = tuple(reasons)
        super().__init__(message)


class ExecutionError(VibeTradingError):
    """An execution venue (or the simulator) refused or failed an operation."""


class VenueError(ExecutionError):
    """How a venue answered an order request; raise a subclass, since callers branch on it."""

    def __init__(
        self,
        message: str,
        *,
        venue: str,
        client_order_id: str | None = None,
        reason: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.venue = venue
        self.client_order_id = client_order_id
        self.reason = reason
        super().__init__(message, hint=hint)

    def details(self) -> list[tuple[str, object]]:
        return [*super().details(), ("venue", self.venue),
                ("client_order_id", self.client_order_id), ("reason", self.reason)]


class OrderRejectedError(VenueError):
    """The venue refused the request; final, since sending it again gets the same answer."""


class TransientVenueError(VenueError):
    """The venue surely did not apply the request (rate limit, busy, refused connection).

    Safe to retry with the same client order id. A timeout *after* the request left is not
    transient: that is :class:`OrderOutcomeUnknownError`.
    """


class OrderOutcomeUnknownError(VenueError):
    """The request may have reached the venue but no answer came back (timeout, dropped link).

    Re-sending could place the order twice; resolve it by querying the venue for
    ``client_order_id`` (it is required here for that reason).
    """

    client_order_id: str

    def __init__(
        self, message: str, *, venue: str, client_order_id: str, reason: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message, venue=venue, client_order_id=client_order_id, reason=reason,
                         hint=hint or "query the venue for this client order id; do not re-send")


class DuplicateClientOrderIdError(OrderOutcomeUnknownError):
    """The venue refused a submit because it already holds an order under its client id.

    Why it exists: that answer means the order exists (an earlier send of it got through);
    the caller queries it by ``client_order_id`` and adopts it, never sends it again.
    """


def is_retryable(exc: BaseException) -> bool:
    """True only for a venue failure known not to have taken effect (safe to send again)."""
    return isinstance(exc, TransientVenueError)


class StateStoreError(VibeTradingError):
    """Durable state could not be read or written; trading must not continue on guesses."""


class ForeignStateError(StateStoreError, UserInputError):
    """A run that starts from nothing found a state store already holding another run's rows."""


class StoreDurabilityError(StateStoreError, UserInputError):
    """The state store's file system cannot give the durability promised (no WAL mode)."""


class ForeignAccountError(ForeignStateError):
    """A state store holds another account's (or venue's) rows; it is not adopted silently."""


class ForeignStrategiesError(ForeignStateError):
    """A state store was written for another strategy set; it is not adopted silently."""


class StoreSchemaError(StateStoreError, UserInputError):
    """A state store's schema version is one this build cannot read (newer, or too old)."""
