"""Client order ids fit every venue: at most 36 characters of [A-Za-z0-9_-], legs included."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vibetrading_V2.core.client_ids import (
    CLOSE_SUFFIX,
    LEG_SUFFIXES,
    MAX_LENGTH,
    PREFIX_LENGTH,
    RISK_SUFFIX,
    checked_prefix,
    entry_id,
    entry_of_leg,
    id_prefix,
    is_bracket_leg,
    is_valid_client_id,
)
from vibetrading_V2.core.errors import ExecutionError
from vibetrading_V2.core.types import Intent
from vibetrading_V2.portfolio.trades import exit_reason
from vibetrading_V2.store.issued_ids import IssuedIds

BYBIT_ORDER_LINK_ID = re.compile(r"[A-Za-z0-9_-]{1,36}")
COUNTERS = st.integers(min_value=1, max_value=2**63 - 1)  # SQLite's whole INTEGER range


@given(seed=st.text(), seq=COUNTERS)
def test_client_id_when_any_seed_and_counter_then_it_and_every_derived_id_fit_bybit(
    seed: str, seq: int
) -> None:
    entry = entry_id(id_prefix(seed), seq)
    derived = [entry, *(entry + leg for leg in LEG_SUFFIXES), entry + RISK_SUFFIX,
               *(entry + leg + CLOSE_SUFFIX for leg in LEG_SUFFIXES)]
    for cid in derived:
        assert BYBIT_ORDER_LINK_ID.fullmatch(cid), cid
        assert len(cid) <= MAX_LENGTH and is_valid_client_id(cid)


@given(seed=st.text(), seq=COUNTERS)
def test_client_id_when_legs_are_named_then_each_leads_back_to_its_entry(
    seed: str, seq: int
) -> None:
    entry = entry_id(id_prefix(seed), seq)
    assert not is_bracket_leg(entry) and entry_of_leg(entry) is None
    for leg in LEG_SUFFIXES:
        assert is_bracket_leg(entry + leg) and entry_of_leg(entry + leg) == entry


@given(seed=st.text())
def test_id_prefix_when_the_seed_repeats_then_the_prefix_repeats(seed: str) -> None:
    prefix = id_prefix(seed)
    assert prefix == id_prefix(seed) and len(prefix) == PREFIX_LENGTH
    assert re.fullmatch(r"[a-z2-7]{8}", prefix)


def test_id_prefix_when_run_ids_differ_then_prefixes_differ() -> None:
    prefixes = {id_prefix(f"20261203T1800{k:02d}Z-{k:06x}") for k in range(1000)}
    assert len(prefixes) == 1000


@pytest.mark.parametrize("seq", [0, -1])
def test_entry_id_when_counter_below_one_then_typed_error_naming_the_field(seq: int) -> None:
    with pytest.raises(ExecutionError, match="counter") as caught:
        entry_id(id_prefix("x"), seq)
    assert caught.value.field == "client_order_id"


def test_exit_reason_when_id_names_a_leg_or_a_risk_order_then_it_says_which() -> None:
    entry = entry_id(id_prefix("x"), 7)
    assert [exit_reason(entry + s) for s in ("", "-sl", "-tp", "-rk", "-sl-cl")] == [
        "signal", "stop", "take_profit", "risk", "risk"]


@given(seq=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=40))
def test_issued_ids_when_intents_repeat_then_ids_stay_unique_and_map_back(
    seq: list[int],
) -> None:
    ids = IssuedIds("seed")
    issued = [ids.issue(1000 + k, "s", Intent.long("AAA", quantity=float(q + 1)))
              for k, q in enumerate(seq)]
    assert len(set(issued)) == len(issued)
    for k, cid in enumerate(issued):
        owner = ids.owner(cid)
        assert owner is not None and owner.ts_ns == 1000 + k and owner.strategy_id == "s"
        assert ids.find(1000 + k, "s", Intent.long("AAA", quantity=float(seq[k] + 1))) == cid


def test_issued_ids_when_the_same_intent_comes_again_then_its_first_id_in_order_or_not() -> None:
    ids = IssuedIds("seed")
    a, b = Intent.long("EURUSD"), Intent.flat("EURUSD")
    first = ids.issue(1, "s", a)
    second = ids.issue(2, "s", b)
    assert ids.find(2, "s", b) == second
    assert ids.find(2, "s", a) is None  # issued at 1, not at 2
    assert ids.find(1, "s", a) == first
    earlier = ids.issue(0, "s", b)  # a clock that went back: the search reads every id
    assert ids.find(2, "s", b) == second
    assert ids.find(0, "s", b) == earlier
    assert ids.find(3, "s", a) is None


def test_checked_prefix_when_read_back_broken_then_typed_error_naming_the_fix() -> None:
    assert checked_prefix(id_prefix("x")) == id_prefix("x")
    for broken in ("", "has space", "x" * (PREFIX_LENGTH + 1), "a:b"):
        with pytest.raises(ExecutionError, match="prefix") as caught:
            checked_prefix(broken)
        assert caught.value.hint is not None and "--new-session" in caught.value.hint
