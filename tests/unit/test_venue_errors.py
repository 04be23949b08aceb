"""Venue outcomes come in three classes that callers treat differently: a rejection is final,
a transient failure is safe to retry, an unknown outcome is settled by a query by client
order id and never by sending again."""

from __future__ import annotations

import pytest

from vibetrading_V2.core.errors import (
    ExecutionError,
    OrderOutcomeUnknownError,
    OrderRejectedError,
    RiskRejectedError,
    SandboxViolationError,
    TransientVenueError,
    VenueError,
    VibeTradingError,
    is_retryable,
)

VENUE_OUTCOMES = (OrderRejectedError, TransientVenueError, OrderOutcomeUnknownError)


@pytest.mark.parametrize("kind", VENUE_OUTCOMES)
def test_venue_outcome_when_caught_as_execution_error_then_it_is_one(
    kind: type[VenueError],
) -> None:
    error = kind("venue said no", venue="bybit", client_order_id="s1:EURUSD:7")
    assert isinstance(error, VenueError)
    assert isinstance(error, ExecutionError)
    assert isinstance(error, VibeTradingError)


def test_venue_outcomes_when_compared_then_no_one_is_a_kind_of_another() -> None:
    for kind in VENUE_OUTCOMES:
        others = tuple(k for k in VENUE_OUTCOMES if k is not kind)
        assert not issubclass(kind, others)


@pytest.mark.parametrize("kind", VENUE_OUTCOMES)
def test_venue_outcome_when_raised_then_carries_venue_order_id_and_reason(
    kind: type[VenueError],
) -> None:
    error = kind("refused", venue="ibkr", client_order_id="s1:ES:3", reason="201")
    assert (error.venue, error.client_order_id, error.reason) == ("ibkr", "s1:ES:3", "201")
    assert error.message == "refused"


def test_venue_error_when_rendered_then_shows_venue_order_id_reason_and_fix() -> None:
    error = OrderRejectedError(
        "order refused", venue="bybit", client_order_id="s1:BTCUSDT:9",
        reason="110007 insufficient balance", hint="lower the quantity",
    )
    assert str(error).splitlines() == [
        "order refused",
        "  venue: bybit",
        "  client_order_id: s1:BTCUSDT:9",
        "  reason: 110007 insufficient balance",
        "  fix: lower the quantity",
    ]


def test_rejection_when_about_no_single_order_then_order_id_is_none() -> None:
    error = OrderRejectedError("cancel-all refused", venue="bybit")
    assert error.client_order_id is None
    assert "client_order_id" not in str(error)


def test_unknown_outcome_when_no_hint_given_then_says_query_do_not_resend() -> None:
    error = OrderOutcomeUnknownError("timed out", venue="bybit", client_order_id="s1:X:1")
    assert error.hint is not None
    assert "query" in error.hint and "do not re-send" in error.hint


def test_is_retryable_when_transient_venue_error_then_true() -> None:
    assert is_retryable(TransientVenueError("rate limited", venue="bybit", reason="10006"))


@pytest.mark.parametrize(
    "error",
    [
        OrderRejectedError("refused", venue="bybit", client_order_id="s1:X:1"),
        OrderOutcomeUnknownError("timed out", venue="bybit", client_order_id="s1:X:1"),
        ExecutionError("simulator refused"),
        RiskRejectedError("too big", reasons=("max_notional",)),
        SandboxViolationError("file read"),
        TimeoutError("socket timed out"),
        ValueError("bad"),
    ],
)
def test_is_retryable_when_anything_but_transient_then_false(error: BaseException) -> None:
    assert not is_retryable(error)
