"""The in-memory store's client order ids: a counter under a run prefix, and what each is for.

The ``n``-th id the store issues is ``<prefix>-<n>`` (``core.client_ids``); what it was
issued for (the intent, its strategy and bar time) is kept at place ``n - 1`` of three
columns, so a backtest's million orders cost a few bytes each. An intent handled again at
the same bar gets its first id back, found by a search from the newest id back (it ends at the
first id of an earlier time unless a clock went back, which is rare).
"""

from __future__ import annotations

from array import array
from typing import NamedTuple

from vibetrading_V2.core.client_ids import entry_id, id_prefix
from vibetrading_V2.core.types import Intent

__all__ = ["IssuedId", "IssuedIds"]


class IssuedId(NamedTuple):
    """Why: what a client order id was issued for (``intent`` ``None``: not recorded)."""

    client_order_id: str
    strategy_id: str
    ts_ns: int
    intent: Intent | None


class IssuedIds:
    """Why: the counter and the id -> (intent, strategy) map of one in-memory store.

    ``seed`` names the run (a backtest's config hash): the same seed, the same ids.
    """

    def __init__(self, seed: str) -> None:
        self.prefix = id_prefix(seed)
        self._ts: array[int] = array("q")
        self._strategies: list[str] = []
        self._intents: list[Intent] = []
        self._newest_ts = -(2**63)
        # while no id went to an earlier time than one before it, the ids of the newest
        # time are the last ones issued, and a search can stop at the first older one
        self._in_order = True

    def __len__(self) -> int:
        return len(self._intents)

    def find(self, ts_ns: int, strategy_id: str, intent: Intent) -> str | None:
        """The id issued before for ``intent`` of ``strategy_id`` at ``ts_ns``, if any."""
        if ts_ns > self._newest_ts:  # the usual case: a new bar, nothing issued at it yet
            return None
        newest_only = self._in_order and ts_ns == self._newest_ts
        ts, strategies, intents = self._ts, self._strategies, self._intents
        for k in range(len(intents) - 1, -1, -1):
            at = ts[k]
            if at == ts_ns and strategies[k] == strategy_id and intents[k] == intent:
                return entry_id(self.prefix, k + 1)
            if newest_only and at != ts_ns:
                break
        return None

    def issue(self, ts_ns: int, strategy_id: str, intent: Intent) -> str:
        """A new id, for ``intent`` of ``strategy_id`` at ``ts_ns``."""
        self._ts.append(ts_ns)
        self._strategies.append(strategy_id)
        self._intents.append(intent)
        if ts_ns < self._newest_ts:
            self._in_order = False
        else:
            self._newest_ts = ts_ns
        return entry_id(self.prefix, len(self._intents))

    def owner(self, client_order_id: str) -> IssuedId | None:
        """What ``client_order_id`` was issued for; ``None`` if this store did not issue it."""
        head, _, counter = client_order_id.rpartition("-")
        if head != self.prefix or not counter.isdigit():
            return None
        k = int(counter) - 1
        if not 0 <= k < len(self._intents):
            return None
        return IssuedId(client_order_id, self._strategies[k], self._ts[k], self._intents[k])
