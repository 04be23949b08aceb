"""The SQLite store's client order ids: a counter under a run prefix, kept in ``client_ids``.

Each id issued is a row (its counter ``seq``, prefix, the strategy, symbol and bar time of
the intent it is for, and that intent's row in ``intents``), written before the order is
recorded, so a restart goes on counting after the last one and finds the id an intent
already got (the id -> intent map is this table). The prefix is that of the ids already
issued; a store with none takes it from ``id_seed`` (a backtest's or simulated venue's
config hash: runs repeat their ids), else from the run id (a live session: a wiped store,
or another session on the same account, gets another prefix).
"""

from __future__ import annotations

import secrets

from vibetrading_V2.core.client_ids import checked_prefix, entry_id, id_prefix
from vibetrading_V2.core.types import Intent
from vibetrading_V2.store.issued_ids import IssuedId
from vibetrading_V2.store.sqlite_part import SqlitePart
from vibetrading_V2.store.sqlite_schema import INTENT_COLUMNS, intent_from_row

__all__ = ["SqliteClientIds"]

_INTENT_OF = (
    f"SELECT c.client_order_id, {', '.join(f'i.{c.strip()}' for c in INTENT_COLUMNS.split(','))} "
    "FROM client_ids c JOIN intents i ON i.seq = c.intent_seq"
)
_INSERT = (
    "INSERT INTO client_ids (seq, prefix, client_order_id, strategy_id, symbol, intent_ts_ns, "
    "intent_seq, recorded_ns, run_id, account, venue) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


class SqliteClientIds(SqlitePart):
    """Why: the store's client id counter and map, apart from its other records; needs the
    store's ``_tx``, ``_query``, ``_identity``, ``_now`` and ``_id_seed``. First among the
    store's bases, so its methods fill the port's abstract ones."""

    _id_seed: str | None
    # prefix, the last counter and the newest intent time issued: read once, then kept
    _id_state: tuple[str, int, int] | None = None

    def client_id_for(self, ts_ns: int, strategy_id: str, intent: Intent) -> str | None:
        """The id issued before for ``intent`` of ``strategy_id`` at bar time ``ts_ns``."""
        if ts_ns > self._ids()[2]:  # nothing issued at so late a time yet
            return None
        rows = self._query(
            "client_id_for",
            f"{_INTENT_OF} WHERE c.strategy_id = ? AND c.symbol = ? AND c.intent_ts_ns = ? "
            "ORDER BY c.seq", (strategy_id, intent.symbol, ts_ns))
        for row in rows:
            if intent_from_row(row[1:]).intent == intent:
                return str(row[0])
        return None

    def issue_client_id(self, ts_ns: int, strategy_id: str, intent: Intent) -> str:
        """A new id for ``intent``, its row committed (or part of the open transaction)."""
        prefix, last, newest = self._ids()
        seq = last + 1
        cid = entry_id(prefix, seq)
        intent_seq = self._intent_seq(ts_ns, strategy_id, intent)
        with self._tx("issue_client_id") as conn:
            conn.execute(_INSERT, (seq, prefix, cid, strategy_id, intent.symbol, ts_ns,
                                   intent_seq, self._now(), *self._identity))
        self._id_state = (prefix, seq, max(newest, ts_ns))
        return cid

    def client_id_owner(self, client_order_id: str) -> IssuedId | None:
        """What ``client_order_id`` was issued for (the id -> intent, strategy map)."""
        rows = self._query(
            "client_id_owner",
            "SELECT strategy_id, intent_ts_ns, intent_seq FROM client_ids "
            "WHERE client_order_id = ?", (client_order_id,))
        if not rows:
            return None
        strategy_id, ts_ns, intent_seq = rows[0]
        found = self._query("client_id_owner", f"{_INTENT_OF} WHERE c.intent_seq = ?",
                            (intent_seq,)) if intent_seq is not None else []
        intent = intent_from_row(found[0][1:]).intent if found else None
        return IssuedId(client_order_id, str(strategy_id), int(ts_ns), intent)

    def _ids(self) -> tuple[str, int, int]:
        state = self._id_state
        if state is None:
            rows = self._query(
                "client_ids",
                "SELECT (SELECT prefix FROM client_ids ORDER BY seq DESC LIMIT 1), "
                "COALESCE(MAX(seq), 0), COALESCE(MAX(intent_ts_ns), ?) FROM client_ids",
                (-(2**63),))
            prefix, last, newest = rows[0]
            if prefix is None:
                run_id = self._identity[0]
                prefix = id_prefix(self._id_seed or run_id or secrets.token_hex(8))
            state = self._id_state = (checked_prefix(str(prefix)), int(last), int(newest))
        return state

    def _intent_seq(self, ts_ns: int, strategy_id: str, intent: Intent) -> int | None:
        """The row of ``intent`` in ``intents`` (recorded just before, as a rule)."""
        rows = self._query(
            "issue_client_id",
            f"SELECT seq, {INTENT_COLUMNS} FROM intents WHERE ts_ns = ? AND strategy_id = ? "
            "AND symbol = ? ORDER BY seq DESC LIMIT 16", (ts_ns, strategy_id, intent.symbol))
        for row in rows:
            if intent_from_row(row[1:]).intent == intent:
                return int(row[0])
        return None
