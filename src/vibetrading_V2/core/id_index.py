"""``IdIndex``: where each of many string ids sits in its owner's list, in 16-32 bytes an id.

A long backtest's records deduplicate a million ids or more (the store's execution ids,
the simulator's client order ids). A Python set of a million strings is ~32 MiB (a 16-byte
slot holds a hash and a pointer, and the table keeps 2 to 4 slots an id), although each id
already lives in a list of its owner's (the fills, the orders). This index keeps only the
positions into that list, in an open-addressing table of 8-byte slots at most half full:
each holds the position and 31 bits of the id's hash, so a probe asks the owner for the id
at a position (a likely cache miss) only when those bits match, and growing reads no id.
"""

from __future__ import annotations

from array import array
from typing import Final

from mypy_extensions import i64, mypyc_attr

__all__ = ["IdIndex"]

_FIRST_SIZE: Final = 8
SMALL_LIMIT: Final = 1 << 18  # ids kept in a plain dictionary up to this many
_HASH_BITS: Final = 0x7FFFFFFF  # the hash bits a slot keeps (its home is these & mask)
_PLACE_BITS: Final = 0xFFFFFFFF  # a slot's low half: position + 1 (0: empty)


@mypyc_attr(allow_interpreted_subclasses=True)  # tests subclass it
class IdIndex:
    """The position of each id in an owner's list; a subclass says which id a position holds.

    Why it exists: a set's memory for ids whose strings the owner keeps anyway. The ids
    are filed at positions 0, 1, 2, ... in turn, the position their item takes (``add``);
    ``forget`` takes the last one out again (a rolled-back row). Up to ``small_limit`` ids
    sit in a dictionary (a look-up there costs a quarter of one here, where a probe reads
    the owner's id: a likely cache miss); past it, in the slots, growing reads the ids in the
    owner's order.
    """

    def __init__(self, small_limit: int = SMALL_LIMIT) -> None:
        self._small: dict[str, int] | None = {}  # id -> position while there are few
        self._small_limit: i64 = small_limit
        # hash bits << 32 | (position + 1); 0 empty
        self._slots: array[int] = array("q", bytes(8 * _FIRST_SIZE))
        self._mask: i64 = _FIRST_SIZE - 1
        self._count: i64 = 0

    def key_at(self, position: int) -> str:
        """The id of the owner's item at ``position`` (which this index holds)."""
        raise NotImplementedError

    def __len__(self) -> int:
        small = self._small
        return self._count if small is None else len(small)

    def find(self, key: str) -> int:
        """The position filed under ``key``, or -1."""
        small = self._small
        if small is not None:
            return small.get(key, -1)
        filed: i64 = self._slots[self._slot_of(key, hash(key) & _HASH_BITS)]
        return -1 if filed == 0 else (filed & _PLACE_BITS) - 1

    def add(self, key: str, position: int) -> int:
        """File ``key`` at ``position`` (the number of ids filed) unless it is filed; -1 if
        it was new, else the position it was filed at (and nothing changes)."""
        small = self._small
        if small is not None:
            if len(small) < self._small_limit:
                before = small.setdefault(key, position)
                return -1 if before == position else before
            self._leave_small(len(small))  # the owner holds every id filed so far, not key
        if 2 * (self._count + 1) > self._mask + 1:
            self._grow()
        bits: i64 = hash(key) & _HASH_BITS
        i = self._slot_of(key, bits)
        filed: i64 = self._slots[i]
        if filed != 0:
            return (filed & _PLACE_BITS) - 1
        self._slots[i] = bits << 32 | (position + 1)
        self._count += 1
        return -1

    def _slot_of(self, key: str, bits: i64) -> i64:
        """The slot filing ``key`` (whose hash bits are ``bits``), or the empty slot that
        ends its probe: a probe reads the owner's id only where the bits match."""
        slots = self._slots
        mask = self._mask
        i: i64 = bits & mask
        while True:
            filed: i64 = slots[i]
            if filed == 0:
                return i
            if filed >> 32 == bits and self.key_at((filed & _PLACE_BITS) - 1) == key:
                return i
            i = (i + 1) & mask

    def forget(self, position: int) -> None:
        """Take the id at ``position``, the last filed, out (the owner still holds it)."""
        small = self._small
        if small is not None:
            small.pop(self.key_at(position), None)
            return
        slots = self._slots
        mask = self._mask
        bits: i64 = hash(self.key_at(position)) & _HASH_BITS
        i: i64 = bits & mask
        while slots[i] != bits << 32 | (position + 1):
            if slots[i] == 0:
                return
            i = (i + 1) & mask
        # backward-shift deletion: move up each later entry of the run whose home slot is
        # not between the hole and it, so no probe sequence crosses an empty slot it needs
        j: i64 = i
        while True:
            j = (j + 1) & mask
            filed: i64 = slots[j]
            if filed == 0:
                break
            home: i64 = (filed >> 32) & mask
            if (j > i and (home <= i or home > j)) or (j < i and i >= home > j):
                slots[i] = filed
                i = j
        slots[i] = 0
        self._count -= 1

    def _leave_small(self, count: i64) -> None:
        """File the dictionary's ``count`` ids (positions 0 .. count - 1) in the slots."""
        self._small = None
        self._count = count
        size: i64 = _FIRST_SIZE
        while 2 * (count + 1) > size:
            size *= 2
        slots: array[int] = array("q", bytes(8 * size))
        mask: i64 = size - 1
        for position in range(count):  # the ids filed are positions 0 .. count - 1
            bits: i64 = hash(self.key_at(position)) & _HASH_BITS
            _place(slots, mask, bits << 32 | (position + 1))
        self._slots = slots
        self._mask = mask

    def _grow(self) -> None:
        """Twice the slots, each entry moved to its home in them (found from its bits)."""
        size: i64 = 2 * (self._mask + 1)
        slots: array[int] = array("q", bytes(8 * size))
        mask: i64 = size - 1
        for filed in self._slots:
            if filed != 0:
                _place(slots, mask, filed)
        self._slots = slots
        self._mask = mask


def _place(slots: array[int], mask: i64, filed: i64) -> None:
    """Put the entry ``filed`` in the first empty slot from its home on."""
    i: i64 = (filed >> 32) & mask
    while slots[i] != 0:
        i = (i + 1) & mask
    slots[i] = filed
