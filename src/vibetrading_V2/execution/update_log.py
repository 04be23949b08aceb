"""The simulator's update stream: every order change and fill, in the order they happened.

``updates(cursor)`` of the ``Execution`` port reads it. Each event is one changed order,
and the fill that changed it if a fill did; a cursor is a count of events, so any number
of readers each keep their own and none takes events from another.
"""

from __future__ import annotations

from vibetrading_V2.core.types import Fill

__all__ = ["UpdateLog"]


class UpdateLog:
    """Order changes and fills as two parallel lists, appended to and never rewritten.

    Why it exists: the engine picks up fills on whichever event they arrive, through the
    same cursor-based stream a venue's bridge fills, instead of a drain that only one
    reader may call.
    """

    __slots__ = ("_cids", "_fills")

    def __init__(self) -> None:
        self._cids: list[str] = []  # the client order id each event changed
        self._fills: list[Fill | None] = []  # the fill of each event, if it was one

    @property
    def count(self) -> int:
        """The number of events so far: the cursor after the latest one."""
        return len(self._cids)

    def order_changed(self, client_order_id: str) -> None:
        self._cids.append(client_order_id)
        self._fills.append(None)

    def filled(self, fill: Fill) -> None:
        self._cids.append(fill.client_order_id)
        self._fills.append(fill)

    def fills_since(self, cursor: int) -> list[Fill]:
        """The fills of the events after ``cursor``, in order."""
        fills = self._fills
        return [f for k in range(cursor, len(fills)) if (f := fills[k]) is not None]

    def changed_since(self, cursor: int) -> list[str]:
        """The client ids changed after ``cursor``, each once, in order of first change."""
        changed: list[str] = []
        seen: set[str] = set()
        cids = self._cids
        for k in range(cursor, len(cids)):
            cid = cids[k]
            if cid not in seen:
                seen.add(cid)
                changed.append(cid)
        return changed
