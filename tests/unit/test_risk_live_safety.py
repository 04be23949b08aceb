"""The gate's live-safety parts: throttle, pending exposure, trading day, saved revisions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.fakes import ManualClock
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.order_ports import PositionBook
from vibetrading_V2.core.types import (
    NS_PER_SECOND,
    Order,
    OrderRequest,
    OrderStatus,
    OrderType,
    Side,
    TradingState,
)
from vibetrading_V2.policies.config import RiskPolicy
from vibetrading_V2.policies.exposure import InFlightOrders, pending_exposure
from vibetrading_V2.policies.risk import NS_PER_DAY, RiskEngine, RiskReason
from vibetrading_V2.policies.safety_config import SafetyPolicy
from vibetrading_V2.policies.throttle import SubmitThrottle
from vibetrading_V2.policies.trading_day import TradingDay

EQUITY = 100_000.0
DAY0 = 19_000 * NS_PER_DAY  # a UTC midnight (2022-01-08)
HOUR = NS_PER_DAY // 24


def _buy(engine: RiskEngine, **kwargs: Any) -> Any:
    args: dict[str, Any] = {"symbol": "BTC", "side": Side.BUY, "quantity": 1.0, "price": 100.0,
                            "position_qty": 0.0, "equity": EQUITY, "gross_notional": 0.0}
    args.update(kwargs)
    return engine.check_order(**args)


def _open(symbol: str, side: Side, quantity: float, *, strategy: str = "other",
          reduce_only: bool = False, filled: float = 0.0) -> Order:
    request = OrderRequest(f"{strategy}-{symbol}-{side}", symbol, side, quantity,
                           OrderType.LIMIT, limit_price=100.0, reduce_only=reduce_only,
                           strategy_id=strategy)
    return Order(request, OrderStatus.NEW, filled_quantity=filled)


class _Book(PositionBook):
    """Positions and marks as the ledger answers them."""

    def __init__(self, held: dict[str, float]) -> None:
        self.held = held

    def net_quantity(self, symbol: str) -> float:
        return self.held.get(symbol, 0.0)

    def last_price(self, symbol: str) -> float | None:
        return 100.0


# -- the submit-rate throttle -----------------------------------------------------------------


def test_gate_when_101_orders_come_in_one_second_then_exactly_100_pass() -> None:
    clock = ManualClock(DAY0)
    engine = RiskEngine(RiskPolicy(), SafetyPolicy(max_submits_per_second=100), clock)
    decisions = []
    for _ in range(101):
        decisions.append(_buy(engine))
        clock.advance(NS_PER_SECOND // 200)  # 101 orders within 0.505 s
    assert sum(d.approved for d in decisions) == 100
    assert decisions[-1].reasons == (RiskReason.SUBMIT_RATE,)
    assert "safety.max_submits_per_second" in decisions[-1].details[0]


def test_gate_when_a_second_has_passed_since_the_oldest_order_then_room_again() -> None:
    clock = ManualClock(DAY0)
    engine = RiskEngine(RiskPolicy(), SafetyPolicy(max_submits_per_second=2), clock)
    assert _buy(engine).approved and _buy(engine).approved
    assert not _buy(engine).approved
    clock.advance(NS_PER_SECOND)
    assert _buy(engine).approved


def test_gate_when_an_order_is_vetoed_otherwise_then_it_takes_no_throttle_room() -> None:
    clock = ManualClock(DAY0)
    engine = RiskEngine(RiskPolicy(max_leverage=1.0), SafetyPolicy(max_submits_per_second=1),
                        clock)
    assert _buy(engine, quantity=10_000.0).reasons == (RiskReason.MAX_LEVERAGE,)
    assert _buy(engine).approved


def test_gate_when_a_throttle_is_set_without_a_clock_then_config_error_names_the_field() -> None:
    with pytest.raises(ConfigError) as caught:
        RiskEngine(RiskPolicy(), SafetyPolicy(max_submits_per_second=5))
    assert caught.value.field == "safety.max_submits_per_second"


@given(st.lists(st.integers(min_value=0, max_value=3 * NS_PER_SECOND), max_size=60),
       st.integers(min_value=1, max_value=8))
def test_throttle_when_any_times_then_no_second_holds_more_than_the_limit(
    gaps: list[int], limit: int
) -> None:
    throttle, now, admitted = SubmitThrottle(limit), 0, []
    for gap in gaps:
        now += gap
        if throttle.admit(now):
            admitted.append(now)
    for k in range(len(admitted) - limit):
        assert admitted[k + limit] - admitted[k] >= NS_PER_SECOND


# -- open and in-flight orders count as exposure -----------------------------------------------


def test_gate_when_open_orders_already_fill_the_leverage_then_another_entry_is_vetoed() -> None:
    engine = RiskEngine(RiskPolicy(max_leverage=1.0))
    pending = engine.pending([_open("ETH", Side.BUY, 900.0)], strategy_id="me", symbol="BTC",
                             book=_Book({}))
    assert pending.other_gross == pytest.approx(90_000.0)
    decision = _buy(engine, quantity=200.0, pending_gross=pending.other_gross)
    assert decision.reasons == (RiskReason.MAX_LEVERAGE,)
    assert _buy(engine, quantity=200.0).approved  # positions alone would have let it pass


def test_gate_when_an_order_is_in_flight_then_it_counts_until_answered() -> None:
    engine = RiskEngine(RiskPolicy(max_position_notional=15_000.0))
    request = OrderRequest("other-BTC-1", "BTC", Side.BUY, 100.0, strategy_id="other")
    engine.in_flight.sent(request)
    pending = engine.pending([], strategy_id="me", symbol="BTC", book=_Book({}))
    assert pending.quantity == 100.0
    vetoed = _buy(engine, quantity=60.0, pending_qty=pending.quantity)
    assert vetoed.reasons == (RiskReason.MAX_POSITION_NOTIONAL,)
    engine.in_flight.answered("other-BTC-1")
    assert engine.pending([], strategy_id="me", symbol="BTC", book=_Book({})).quantity == 0.0


def test_pending_when_reduce_only_or_replaced_or_filled_then_not_counted() -> None:
    orders = [
        _open("BTC", Side.SELL, 5.0, reduce_only=True),  # a protective stop
        _open("BTC", Side.BUY, 7.0, strategy="me"),  # replaced by the new order
        _open("ETH", Side.BUY, 4.0, filled=4.0),  # nothing left to fill
    ]
    pending = pending_exposure(orders, InFlightOrders().requests(), strategy_id="me",
                               symbol="BTC", book=_Book({}))
    assert (pending.quantity, pending.other_gross) == (0.0, 0.0)


def test_pending_when_an_order_would_shrink_another_position_then_it_is_not_credited() -> None:
    pending = pending_exposure([_open("ETH", Side.SELL, 4.0)], [], strategy_id="me",
                               symbol="BTC", book=_Book({"ETH": 10.0}))
    assert pending.other_gross == 0.0


def test_gate_when_reducing_and_pending_buys_then_a_sell_that_would_still_flip_is_vetoed() -> None:
    engine = RiskEngine(RiskPolicy(max_drawdown=0.1))
    engine.check_nav(DAY0, EQUITY)
    engine.check_nav(DAY0 + 1, EQUITY * 0.8)
    assert engine.state is TradingState.REDUCING
    assert _buy(engine, side=Side.SELL, quantity=5.0, position_qty=10.0).approved
    decision = _buy(engine, side=Side.SELL, quantity=5.0, position_qty=10.0, pending_qty=-8.0)
    assert RiskReason.REDUCING_ONLY in decision.reasons


# -- the trading day -------------------------------------------------------------------------


def test_trading_day_when_default_then_utc_midnight_days() -> None:
    day = TradingDay()
    assert day.day_of(DAY0 + 5 * HOUR) == 19_000
    assert day.start_ns(19_001) == DAY0 + NS_PER_DAY


def test_trading_day_when_17h_new_york_then_the_day_turns_at_17h_local_time() -> None:
    day = TradingDay(SafetyPolicy(day_boundary="17:00", time_zone="America/New_York"))
    turn = DAY0 + 22 * HOUR  # 17:00 in New York (UTC-5 in January) of 2022-01-08
    assert day.day_of(turn - 1) == day.day_of(turn) - 1
    assert day.start_ns(day.day_of(turn)) == turn
    assert day.day_of(turn + 23 * HOUR) == day.day_of(turn)


def test_daily_loss_when_the_day_boundary_is_configured_then_the_latch_ends_at_that_time() -> None:
    safety = SafetyPolicy(day_boundary="08:00", time_zone="Europe/London")
    engine = RiskEngine(RiskPolicy(daily_loss_limit=0.05), safety)
    engine.check_nav(DAY0 + 9 * HOUR, 1_000.0)  # 09:00 London: the day of the 8th
    assert engine.check_nav(DAY0 + 20 * HOUR, 940.0) is TradingState.REDUCING  # 6 % down
    assert engine.check_nav(DAY0 + 31 * HOUR, 945.0) is TradingState.REDUCING  # 07:00 the 9th
    assert engine.check_nav(DAY0 + 32 * HOUR, 945.0) is TradingState.ACTIVE  # 08:00: new day
    assert engine.day_start_equity == 945.0
    assert engine.snapshot().day == TradingDay(safety).day_of(DAY0 + 32 * HOUR)


def test_daily_loss_when_utc_midnight_passes_before_the_boundary_then_still_reducing() -> None:
    engine = RiskEngine(RiskPolicy(daily_loss_limit=0.05), SafetyPolicy(day_boundary="06:00"))
    engine.check_nav(DAY0 + 7 * HOUR, 1_000.0)
    engine.check_nav(DAY0 + 23 * HOUR, 900.0)
    assert engine.check_nav(DAY0 + 25 * HOUR, 910.0) is TradingState.REDUCING  # 01:00 UTC


@pytest.mark.parametrize(("field", "value", "says"), [
    ("time_zone", "Europe/Pariss", "unknown time zone"),
    ("time_zone", "europe/paris", "did you mean 'Europe/Paris'"),
    ("day_boundary", "5pm", "HH:MM"),
    ("day_boundary", "24:00", "HH:MM"),
    ("max_submits_per_second", 0, "greater than or equal to 1"),
])
def test_safety_settings_when_invalid_then_refused_naming_the_fix(
    field: str, value: object, says: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        SafetyPolicy(**{field: value})
    assert says in str(caught.value)


# -- what a restart must not lose ---------------------------------------------------------------


def test_revision_when_the_peak_rises_without_a_state_change_then_it_moves() -> None:
    engine = RiskEngine(RiskPolicy(max_drawdown=0.2))
    engine.check_nav(DAY0, 1_000.0)
    before = engine.revision
    engine.check_nav(DAY0 + 1, 1_100.0)
    assert engine.revision > before and engine.drain_transitions() == []
    same = engine.revision
    engine.check_nav(DAY0 + 2, 1_050.0)  # inside the band: nothing to save
    assert engine.revision == same
    engine.check_nav(DAY0 + NS_PER_DAY, 1_050.0)  # a new day's start
    assert engine.revision > same
