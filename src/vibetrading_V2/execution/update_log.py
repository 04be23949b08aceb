"""The simulator's update stream: every order change and fill, in the order they happened.

``updates(cursor)`` of the ``Execution`` port reads it. Each event is one changed order,
and the fill that changed it if a fill did; a cursor is a count of events, so any number
of readers each keep their own and none takes events from another.
"""

from __future__ import annotations

from vibetrading_V2.core.types import Fill

__all__ = ["UpdateLog"]


class UpdateLog:
    """Order changes and fills as one list, appended to and never rewritten: a change is
    the client order id it changed, a fill the ``Fill`` (its order is the one changed).

    Why it exists: the engine picks up fills on whichever event they arrive, through the
    same cursor-based stream a venue's bridge fills, instead of a drain that only one
    reader may call. One slot an event, not two: a run books about three an order.
    """

    __slots__ = ("_events",)

    def __init__(self) -> None:
        self._events: list[str | Fill] = []

    @property
    def count(self) -> int:
        """The number of events so far: the cursor after the latest one."""
        return len(self._events)

    def order_changed(self, client_order_id: str) -> None:
        self._events.append(client_order_id)

    def filled(self, fill: Fill) -> None:
        self._events.append(fill)

    def fills_since(self, cursor: int) -> list[Fill]:
        """The fills of the events after ``cursor``, in order."""
        events = self._events
        return [e for k in range(cursor, len(events)) if isinstance(e := events[k], Fill)]

    def changed_since(self, cursor: int) -> list[str]:
        """The client ids changed after ``cursor``, each once, in order of first change."""
        changed: list[str] = []
        seen: set[str] = set()
        events = self._events
        for k in range(cursor, len(events)):
            event = events[k]
            cid = event.client_order_id if isinstance(event, Fill) else event
            if cid not in seen:
                seen.add(cid)
                changed.append(cid)
        return changed
