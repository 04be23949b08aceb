"""Reconciliation's discrepancies in the SQLite store: each difference with its resolution.

The venue is the truth, but every time it disagrees with the local record an operator must
be able to see, after the fact and after a restart, what differed and what was done about
it (``runner.reconcile``). A row is written in the transaction of the pass that resolved
it, with the orders and fills that resolution recorded; ``cli.control status`` lists the
latest.
"""

from __future__ import annotations

from dataclasses import dataclass

from vibetrading_V2.store.sqlite_part import SqlitePart

__all__ = ["DiscrepancyRecord", "SqliteDiscrepancyRecord"]

_COLUMNS = "ts_ns, kind, subject, resolution, blocks"


@dataclass(frozen=True, slots=True)
class DiscrepancyRecord:
    """Why: one recorded difference read back (``runner.reconcile.Discrepancy``'s row)."""

    ts_ns: int
    kind: str
    subject: str
    resolution: str
    blocks: bool


class SqliteDiscrepancyRecord(SqlitePart):
    """Why: the discrepancies table apart from the run's records; needs the store's
    ``_tx``, ``_query``, ``_identity`` and ``_now``."""

    def record_discrepancy(self, ts_ns: int, kind: str, subject: str, resolution: str,
                           blocks: bool) -> None:
        """Record one difference and how it was resolved (``runner.reconcile.DiscrepancyLog``)."""
        with self._tx("record_discrepancy") as conn:
            conn.execute(
                f"INSERT INTO discrepancies ({_COLUMNS}, recorded_ns, run_id, account, venue) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (ts_ns, kind, subject, resolution, int(blocks), self._now(), *self._identity))

    def discrepancies(self, last: int | None = None) -> list[DiscrepancyRecord]:
        """The recorded discrepancies, oldest first; ``last``: only the newest that many."""
        rows = self._query(
            "discrepancies",
            f"SELECT * FROM (SELECT seq, {_COLUMNS} FROM discrepancies ORDER BY seq DESC "
            "LIMIT ?) ORDER BY seq", (-1 if last is None else last,))
        return [DiscrepancyRecord(int(r[1]), str(r[2]), str(r[3]), str(r[4]), bool(r[5]))
                for r in rows]
