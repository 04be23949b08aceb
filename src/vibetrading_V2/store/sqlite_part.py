"""What each part of the SQLite store (ids, venue, epochs, discrepancies) needs of the store."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["SqlitePart"]


class SqlitePart:
    """Why: a part of the store keeps its own table's reads and writes in its own module;
    the store it is mixed into gives the transaction, the queries, the row identity (run,
    account, venue) and the clock."""

    _identity: tuple[str, str, str]

    def _tx(self, action: str) -> AbstractContextManager[Any]:
        raise NotImplementedError

    def _query(self, action: str, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        raise NotImplementedError

    def _now(self) -> int:
        raise NotImplementedError
