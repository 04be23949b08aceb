"""A paper session's top-up epochs in the SQLite store: one row per top-up, kept for good.

A paper account that falls to its floor is topped up (``runner.bankroll``); each top-up
starts an epoch. The row is written before the cash moves, so a restarted session finds
every deposit it made (and books it again into the ledger and the simulated venue). The row
also keeps how many fills were recorded before it (``fills_before``): a restart books each
deposit at that place among the fills, so its cash is the same to the last bit.
"""

from __future__ import annotations

from vibetrading_V2.core.epochs import EpochRecord
from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.store.sqlite_part import SqlitePart

__all__ = ["SqliteEpochRecord"]

_COLUMNS = "epoch, ts_ns, wall_ns, equity_before, deposit, recorded_ns"
_INSERT = (f"INSERT INTO epochs ({_COLUMNS}, run_id, account, venue, fills_before) "
           f"VALUES ({', '.join('?' * 9)}, (SELECT COUNT(*) FROM fills))")


class SqliteEpochRecord(SqlitePart):
    """Why: the epochs table apart from the run's records; needs the store's ``_tx``,
    ``_query``, ``_identity`` and ``_now``."""

    def record_epoch(self, epoch: EpochRecord) -> None:
        """Record a top-up, after the fills recorded so far; its number must be the next
        one (a repeat is refused)."""
        row = (epoch.epoch, epoch.ts_ns, epoch.wall_ns, epoch.equity_before, epoch.deposit,
               self._now(), *self._identity)
        with self._tx("record_epoch") as conn:
            newest = conn.execute("SELECT MAX(epoch) FROM epochs").fetchone()[0]
            expected = (newest or 0) + 1
            if epoch.epoch != expected:
                raise StateStoreError(
                    f"epoch {epoch.epoch} is not the next one (expected {expected})",
                    field="epoch", hint="number a top-up after the epochs the store holds",
                )
            conn.execute(_INSERT, row)

    def epochs(self) -> list[EpochRecord]:
        """Every top-up of the store, in order."""
        rows = self._query("epochs", f"SELECT {_COLUMNS}, run_id FROM epochs ORDER BY epoch")
        return [EpochRecord(epoch=int(r[0]), ts_ns=int(r[1]), wall_ns=int(r[2]),
                            equity_before=float(r[3]), deposit=float(r[4]), run_id=str(r[6]))
                for r in rows]

    def deposit_places(self) -> list[tuple[int, float]]:
        """Each top-up's place and amount, in order: (the fills recorded before it, deposit)."""
        rows = self._query("deposit_places",
                           "SELECT fills_before, deposit FROM epochs ORDER BY epoch")
        return [(int(r[0]), float(r[1])) for r in rows]
