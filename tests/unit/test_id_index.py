"""``IdIndex`` answers as a dictionary of id -> position would, over any adds and forgets,
in its dictionary, in its slots and across the move from one to the other."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.id_index import SMALL_LIMIT, IdIndex


class _ListIndex(IdIndex):
    def __init__(self, keys: list[str], small_limit: int = 0) -> None:
        super().__init__(small_limit)
        self.keys = keys

    def key_at(self, position: int) -> str:
        return self.keys[position]


# few distinct ids, so repeats are common; a forget takes out the last id filed (a rollback)
_ops = st.lists(
    st.one_of(st.tuples(st.just("add"), st.integers(0, 60)), st.just(("forget", 0))),
    max_size=200,
)


@settings(max_examples=200, deadline=None, database=None)
@given(_ops, st.sampled_from([0, 1, 5, 30, SMALL_LIMIT]))
def test_id_index_when_ids_added_and_forgotten_then_finds_what_a_dict_would(
    ops: list[tuple[str, int]], small_limit: int
) -> None:
    keys: list[str] = []
    index = _ListIndex(keys, small_limit)
    model: dict[str, int] = {}
    for op, n in ops:
        if op == "add":
            key = f"id-{n}"
            filed = index.add(key, len(keys))
            assert filed == model.get(key, -1)
            if filed < 0:
                model[key] = len(keys)
                keys.append(key)
        elif keys:
            index.forget(len(keys) - 1)
            del model[keys.pop()]
        assert len(index) == len(model)
    for n in range(61):
        key = f"id-{n}"
        assert index.find(key) == model.get(key, -1)


@pytest.mark.parametrize("small_limit", [0, 4_000, SMALL_LIMIT])
def test_id_index_when_many_ids_then_each_found_at_its_position(small_limit: int) -> None:
    keys = [f"order-{k}" for k in range(10_000)]
    index = _ListIndex(keys, small_limit)
    for k, key in enumerate(keys):
        assert index.add(key, k) == -1
    assert [index.find(key) for key in keys] == list(range(10_000))
    assert index.find("order-10000") == -1
    assert index.add("order-17", 99) == 17
