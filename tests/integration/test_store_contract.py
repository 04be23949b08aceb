"""The StateStore contract, run against both stores (memory, and SQLite on a tmp file)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.errors import StateStoreError
from vibetrading_V2.core.ports import StateStore
from vibetrading_V2.core.types import (
    Direction,
    Fill,
    Intent,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.records import IntentRecord, VetoRecord
from vibetrading_V2.store.sqlite import SqliteStateStore

AnyStore = InMemoryStateStore | SqliteStateStore


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnyStore]:
    s: AnyStore = (
        InMemoryStateStore() if request.param == "memory"
        else SqliteStateStore(tmp_path / "state.sqlite", synchronous="NORMAL")
    )
    with s:
        yield s


def _request(coid: str = "s1-BTC-1", **kw: object) -> OrderRequest:
    base: dict[str, object] = {
        "client_order_id": coid, "symbol": "BTCUSDT", "side": Side.BUY, "quantity": 0.5,
        "order_type": OrderType.LIMIT, "limit_price": 42000.25, "time_in_force": TimeInForce.IOC,
        "reduce_only": True, "strategy_id": "s1", "stop_loss": 40000.0, "oco_group": "g1",
        "created_ns": 1_700_000_000_000_000_001,
    }
    base.update(kw)
    return OrderRequest(**base)  # type: ignore[arg-type]


def _fill(execution_id: str = "e1", **kw: object) -> Fill:
    base: dict[str, object] = {
        "execution_id": execution_id, "client_order_id": "s1-BTC-1", "symbol": "BTCUSDT",
        "side": Side.SELL, "quantity": 0.25, "price": 42000.1, "fee": 0.0123,
        "ts_ns": 1_700_000_000_500_000_000, "strategy_id": "s1", "liquidity": "maker",
    }
    base.update(kw)
    return Fill(**base)  # type: ignore[arg-type]


def test_store_when_either_adapter_then_satisfies_state_store_port(store: AnyStore) -> None:
    port: StateStore = store
    assert port.get_control("missing") is None


def test_store_when_intents_recorded_then_read_back_in_order(store: AnyStore) -> None:
    a = Intent(
        "ETH", Direction.LONG, quantity=None, notional=1000.0, weight=None, confidence=0.7,
        stop_loss=1800.5, take_profit=2500.0, rationale=("sma_cross", "trend"),
    )
    b = Intent.flat("ETH", "exit")
    store.record_intent(10, "s1", a)
    store.record_intent(20, "s2", b)
    assert store.intents() == [IntentRecord(10, "s1", a), IntentRecord(20, "s2", b)]


def test_store_when_order_updated_then_latest_state_and_full_history(store: AnyStore) -> None:
    new = Order(_request(), OrderStatus.NEW, venue_order_id="v1", updated_ns=1)
    other = Order(_request("s1-BTC-2", side=Side.SELL, order_type=OrderType.MARKET,
                           limit_price=None), OrderStatus.IN_FLIGHT)
    part = Order(_request(), OrderStatus.PARTIALLY_FILLED, 0.25, 42000.0, "v1", None, 2)
    done = Order(_request(), OrderStatus.FILLED, 0.5, 42000.1, "v1", "done", 3)
    for order in (new, other, part, done):
        store.record_order(order)
    assert store.orders() == [done, other]
    assert store.order("s1-BTC-1") == done
    assert store.order("nope") is None
    assert store.open_orders() == [other]
    assert store.order_history("s1-BTC-1") == [new, part, done]
    assert store.order_history() == [new, other, part, done]


def test_store_when_same_execution_id_twice_then_second_record_returns_false(
    store: AnyStore,
) -> None:
    assert store.record_fill(_fill("e1")) is True
    assert store.record_fill(_fill("e1", price=1.0)) is False
    assert store.record_fill(_fill("e2")) is True
    assert [f.execution_id for f in store.fills()] == ["e1", "e2"]
    assert store.fills()[0] == _fill("e1")
    assert store.has_fill("e1") and not store.has_fill("e3")


def test_store_when_vetoes_recorded_then_reasons_kept(store: AnyStore) -> None:
    store.record_veto(5, "s1", "BTCUSDT", ["max_notional", "halted"])
    store.record_veto(6, "s2", "ETH", ())
    assert store.vetoes() == [
        VetoRecord(5, "s1", "BTCUSDT", ("max_notional", "halted")),
        VetoRecord(6, "s2", "ETH", ()),
    ]


def test_store_when_control_set_twice_then_last_value_wins(store: AnyStore) -> None:
    store.set_control("trading_state", "active")
    store.set_control("trading_state", "halted")
    store.set_control("kill_switch", "on")
    assert store.get_control("trading_state") == "halted"
    assert store.controls() == {"kill_switch": "on", "trading_state": "halted"}


@pytest.mark.parametrize(
    "record",
    [
        lambda s: s.record_fill(_fill(price=float("nan"))),
        lambda s: s.record_order(Order(_request(quantity=float("nan")), OrderStatus.NEW)),
        lambda s: s.record_intent(1, "s1", Intent("X", Direction.LONG, weight=float("nan"))),
    ],
    ids=["fill", "order", "intent"],
)
def test_store_when_nan_value_then_state_store_error_and_nothing_written(
    store: AnyStore, record: Callable[[AnyStore], object]
) -> None:
    with pytest.raises(StateStoreError) as info:
        record(store)
    assert info.value.field in {"price", "quantity", "weight"}
    assert store.fills() == [] and store.orders() == [] and store.intents() == []


finite = st.floats(allow_nan=False, allow_infinity=False, width=64)


@settings(max_examples=25, deadline=None)
@given(qty=finite, price=finite, fee=finite, ts=st.integers(-(2**63), 2**63 - 1),
       text=st.text(max_size=20))
def test_sqlite_store_when_any_finite_fill_then_round_trips_exactly(
    tmp_path_factory: pytest.TempPathFactory, qty: float, price: float, fee: float, ts: int,
    text: str,
) -> None:
    path = tmp_path_factory.mktemp("rt") / "s.sqlite"
    fill = _fill("x" + text, quantity=qty, price=price, fee=fee, ts_ns=ts, strategy_id=text)
    with SqliteStateStore(path, synchronous="OFF") as s:
        assert s.record_fill(fill)
        assert s.fills() == [fill]
