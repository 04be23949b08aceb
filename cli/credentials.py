"""Venue credentials: read from the environment only, under their own variable names.

They are not settings: ``VT_*`` variables layer onto the YAML and refuse unknown keys, and
a secret has no place in a file anyway. Each venue lists the variables it needs
(:data:`VENUE_CREDENTIALS`); :func:`read_credentials` returns them wrapped in
:class:`~vibetrading_V2.core.secret.Secret` (printed as ``***``) or refuses with every
missing variable named at once. Values are never echoed, not even in an error.

The IB gateway keeps the IBKR login itself: its host, port and client id are settings, so
IBKR needs no secret here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from vibetrading_V2.core.errors import ConfigError, MissingCredentialsError
from vibetrading_V2.core.secret import Secret

__all__ = [
    "VENUE_CREDENTIALS",
    "CredentialSpec",
    "Credentials",
    "missing_credentials",
    "read_credentials",
    "required_credentials",
]


@dataclass(frozen=True)
class CredentialSpec:
    """One environment variable a venue needs, and what to put in it."""

    variable: str
    meaning: str


VENUE_CREDENTIALS: Mapping[str, tuple[CredentialSpec, ...]] = {
    "simulator": (),
    "bybit": (
        CredentialSpec("BYBIT_API_KEY", "the Bybit API key (read and trade permissions)"),
        CredentialSpec("BYBIT_API_SECRET", "the secret of that API key"),
    ),
    "ibkr": (),
}


@dataclass(frozen=True)
class Credentials:
    """The secrets of one venue, by variable name; shown as ``***`` however printed."""

    venue: str
    secrets: Mapping[str, Secret]

    def __getitem__(self, variable: str) -> Secret:
        return self.secrets[variable]


def required_credentials(venue: str) -> tuple[CredentialSpec, ...]:
    """The variables ``venue`` needs (none for the simulator and IBKR)."""
    return VENUE_CREDENTIALS.get(venue, ())


def missing_credentials(venue: str, environ: Mapping[str, str]) -> list[str]:
    """The variables ``venue`` needs that are unset or blank, in their listed order."""
    return [
        spec.variable for spec in required_credentials(venue)
        if not environ.get(spec.variable, "").strip()
    ]


def read_credentials(venue: str, environ: Mapping[str, str]) -> Credentials:
    """Every secret ``venue`` needs, or one error naming all that are missing or malformed."""
    missing = missing_credentials(venue, environ)
    if missing:
        raise MissingCredentialsError(missing, venue=venue)
    specs = required_credentials(venue)
    padded = [s.variable for s in specs if environ[s.variable] != environ[s.variable].strip()]
    if padded:
        raise ConfigError(
            f"{', '.join(padded)} has spaces or a line break around its value "
            "(the value is not shown)",
            field=", ".join(padded),
            hint="export the value exactly as the venue issued it, with no space or "
            "newline around it",
        )
    return Credentials(venue, {s.variable: Secret(environ[s.variable]) for s in specs})
