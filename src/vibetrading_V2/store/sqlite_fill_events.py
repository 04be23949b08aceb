"""The SQLite store's one transaction per fill: the fill and its order's new state together.

A fill recorded in one commit and its order's filled state in another leave a gap: killed
between them, the store holds a filled order without its fill (or the reverse), and a
restarted run can neither book the fill (its fee is nowhere) nor send the order again.
``record_fill_with_order`` writes both in one transaction, or inside the caller's open one
(a reconciliation pass commits its fills with the discrepancies they resolve).
"""

from __future__ import annotations

from vibetrading_V2.core.types import Fill, Order

__all__ = ["SqliteFillEvents"]


class SqliteFillEvents:
    """Why: a fill and its order's state must land together; needs the store's
    ``begin``/``commit``/``rollback``, ``record_fill``, ``record_order`` and ``_in_tx``."""

    _in_tx: bool

    def begin(self) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        raise NotImplementedError

    def rollback(self) -> None:
        raise NotImplementedError

    def record_fill(self, fill: Fill) -> bool:
        raise NotImplementedError

    def record_order(self, order: Order) -> None:
        raise NotImplementedError

    def record_fill_with_order(self, fill: Fill, order: Order | None) -> bool:
        """Record ``fill`` and, if it is new, ``order`` (its order after it) in one
        transaction (the caller's, when one is open); ``False``: a known execution id."""
        if self._in_tx:
            return self._record_both(fill, order)
        self.begin()
        try:
            new = self._record_both(fill, order)
        except BaseException:
            self.rollback()
            raise
        self.commit()
        return new

    def _record_both(self, fill: Fill, order: Order | None) -> bool:
        new = self.record_fill(fill)
        if new and order is not None:
            self.record_order(order)
        return new
