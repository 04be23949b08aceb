"""The shape of a client order id, the one name an order has at the venue before it answers.

Bybit's ``orderLinkId`` is the strictest venue rule we meet: at most 36 characters of
``[A-Za-z0-9_-]``. An order the pipeline sends is ``<prefix>-<n>``: an 8-character run
prefix (``id_prefix``: a digest of a seed, see ``store``) and the store's counter ``n``.
The venue derives the rest from it: a bracket's stop and target legs add ``-sl`` / ``-tp``,
the close that replaces a refused stop adds ``-cl`` to the stop's id; even with a 19-digit
counter (SQLite's whole 64-bit range) every one of them stays within 36 characters.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Final

from vibetrading_V2.core.errors import ExecutionError

__all__ = [
    "CLOSE_SUFFIX",
    "ENTRY_MAX_LENGTH",
    "LEG_SUFFIXES",
    "MAX_LENGTH",
    "PREFIX_LENGTH",
    "RISK_SUFFIX",
    "STOP_LEG",
    "TAKE_PROFIT_LEG",
    "checked_prefix",
    "entry_id",
    "entry_of_leg",
    "id_prefix",
    "is_bracket_leg",
    "is_valid_client_id",
]

MAX_LENGTH: Final = 36
"""The longest client order id any venue we send to accepts (Bybit's ``orderLinkId``)."""
PREFIX_LENGTH: Final = 8
STOP_LEG: Final = "-sl"
TAKE_PROFIT_LEG: Final = "-tp"
LEG_SUFFIXES: Final = (STOP_LEG, TAKE_PROFIT_LEG)
"""A bracket's stop and target legs: their entry's id and one of these."""
CLOSE_SUFFIX: Final = "-cl"
"""The market close sent when a protective stop is refused: the stop's id and this."""
RISK_SUFFIX: Final = "-rk"
"""An order sent on the risk gate's demand: its id ends so."""
ENTRY_MAX_LENGTH: Final = MAX_LENGTH - len(STOP_LEG) - len(CLOSE_SUFFIX)
"""The longest id the pipeline may give an order, so that the ids derived from it fit."""

_ALLOWED: Final = re.compile(r"[A-Za-z0-9_-]{1,36}")
_PREFIX_BYTES: Final = PREFIX_LENGTH * 5 // 8  # base32: 5 bits a character


def id_prefix(seed: str) -> str:
    """The 8-character run prefix of ``seed`` (lower-case letters and digits 2-7).

    The same seed gives the same prefix (a backtest's config hash: its ids repeat run to
    run); different seeds differ but for a 1 in 2**40 chance (a live session's run id).
    """
    digest = hashlib.blake2b(seed.encode("utf-8"), digest_size=_PREFIX_BYTES).digest()
    return base64.b32encode(digest).decode("ascii").lower()


def entry_id(prefix: str, seq: int) -> str:
    """The client order id of the ``seq``-th order issued under ``prefix`` (one that
    ``id_prefix`` made or ``checked_prefix`` passed: it is not checked again per order)."""
    cid = f"{prefix}-{seq}"
    if seq < 1 or len(cid) > ENTRY_MAX_LENGTH:
        raise ExecutionError(
            f"no client order id for prefix {prefix!r} and counter {seq}", field="client_order_id",
            hint=f"ids are at most {ENTRY_MAX_LENGTH} characters of [A-Za-z0-9_-]; counters "
            "start at 1")
    return cid


def checked_prefix(prefix: str) -> str:
    """``prefix`` as it is, if ids made from it can be sent (read back from a store)."""
    if len(prefix) > PREFIX_LENGTH or not _ALLOWED.fullmatch(prefix):
        raise ExecutionError(
            f"the store's client order id prefix {prefix!r} is not one this version makes",
            field="client_order_id",
            hint=f"a prefix is at most {PREFIX_LENGTH} characters of [A-Za-z0-9_-]; open the "
            "state with the version that wrote it, or start a new session (--new-session)")
    return prefix


def is_valid_client_id(client_order_id: str) -> bool:
    """Whether every venue we send to accepts ``client_order_id`` as it is."""
    return _ALLOWED.fullmatch(client_order_id) is not None


def is_bracket_leg(client_order_id: str) -> bool:
    """Whether ``client_order_id`` names a bracket's stop or target leg."""
    return client_order_id.endswith(LEG_SUFFIXES)


def entry_of_leg(client_order_id: str) -> str | None:
    """The entry order's id of a bracket leg's id; ``None`` for any other id."""
    if client_order_id.endswith(LEG_SUFFIXES):
        return client_order_id[: -len(STOP_LEG)]
    return None
