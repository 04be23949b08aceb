"""What the pipeline counts about intents it refused or changed: vetoes, resizes, suspects.

Item 8 of issue 10: ``Intent.long(S, stop_loss=0.01)`` on a price of about 1.1 was shrunk
94x by the per-trade-risk cap without a word; a stop on the wrong side was only refused
deep in sizing. Item 3 / "large runs": every veto wrote a log line.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.unit.engine_helpers import HOUR, SID, T0, Scripted, bars, make_rig
from vibetrading_V2.core.types import Intent
from vibetrading_V2.policies.config import RiskPolicy, SizingPolicy
from vibetrading_V2.runner.exit_moves import BRACKET_FIXES
from vibetrading_V2.runner.run_record import ReasonCount
from vibetrading_V2.strategy.base import BarView, StrategyOutput
from vibetrading_V2.strategy.guard import RuntimeGuard

EURUSD_LIKE = [1.1] * 6
PERCENT_EQUITY = SizingPolicy(model="percent_equity", equity_fraction=0.95)


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def once(intent: Intent, at_index: int = 1) -> Scripted:
    def decide(bar: BarView) -> StrategyOutput:
        return intent if bar.index == at_index else None

    return Scripted(decide)


def alternating(first: Intent, second: Intent) -> Scripted:
    """A new intent on every bar, so each one enters the pipeline."""

    def decide(bar: BarView) -> StrategyOutput:
        return first if bar.index % 2 == 0 else second

    return Scripted(decide)


def test_pipeline_when_stop_loss_is_a_fraction_then_the_resize_is_counted_with_its_detail(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(once(Intent.long("AAA", stop_loss=0.01)), guard, sizing=PERCENT_EQUITY)

    run = rig.run(bars("AAA", EURUSD_LIKE))

    [resize] = run.resize_counts
    assert (resize.stage, resize.reason, resize.count) == ("sizing", "per_trade_risk_cap", 1)
    assert (resize.first_ts_ns, resize.symbol) == (T0 + HOUR, "AAA")
    asked, sized = 100_000 * 0.95 / 1.1, 0.01 * 100_000 / (1.1 - 0.01)
    assert run.fills[0].quantity == pytest.approx(sized)
    assert f"asked {asked:,.6g}, sized {sized:,.6g} (94.1x smaller)" in resize.detail
    [note] = run.intent_notes
    assert note.reason == "stop_loss_far_from_price"
    assert "99% away" in note.detail and "a price, not a fraction" in note.detail
    assert rig.metrics.counter("intent_resized_total", {"code": "per_trade_risk_cap"}) == 1
    assert run.veto_counts == []


def test_pipeline_when_stop_is_near_the_price_then_no_resize_and_no_note(
    guard: RuntimeGuard,
) -> None:
    rig = make_rig(once(Intent.long("AAA", quantity=10.0, stop_loss=1.0)), guard)

    run = rig.run(bars("AAA", EURUSD_LIKE))

    assert run.resize_counts == [] and run.intent_notes == [] and run.veto_counts == []
    assert run.fills[0].quantity == 10.0


@pytest.mark.parametrize(
    ("intent", "reason"),
    [
        (Intent.long("AAA", quantity=1.0, stop_loss=1.2), "stop_loss_on_wrong_side"),
        (Intent.long("AAA", quantity=1.0, take_profit=1.0), "take_profit_on_wrong_side"),
        (Intent.short("AAA", quantity=1.0, stop_loss=1.0), "stop_loss_on_wrong_side"),
        (Intent.short("AAA", quantity=1.0, take_profit=1.1), "take_profit_on_wrong_side"),
    ],
    ids=["long-stop", "long-target", "short-stop", "short-target"],
)
def test_pipeline_when_a_bracket_is_on_the_wrong_side_then_the_gate_vetoes_it(
    guard: RuntimeGuard, intent: Intent, reason: str
) -> None:
    rig = make_rig(once(intent), guard)

    run = rig.run(bars("AAA", EURUSD_LIKE))

    assert run.veto_counts == [
        ReasonCount("strategy_gate", reason, 1, T0 + HOUR, "AAA", BRACKET_FIXES[reason])]
    assert run.client_order_ids == []


def test_pipeline_when_thousands_of_intents_are_vetoed_then_only_the_first_few_are_logged(
    guard: RuntimeGuard,
) -> None:
    strategy = alternating(Intent.long("AAA", quantity=1.0), Intent.long("AAA", quantity=2.0))
    rig = make_rig(strategy, guard, risk=RiskPolicy(min_notional=1e9))

    run = rig.run(bars("AAA", [100.0] * 2_000))

    [row] = run.veto_counts
    assert (row.stage, row.reason, row.count) == ("risk", "min_notional", 2_000)
    assert row.detail == "AAA: order notional 100 < 1e+09"
    assert run.vetoes == len(rig.store.vetoes()) == 2_000  # every veto is still recorded
    logged = [c for c in rig.logger.calls if c.event == "intent_vetoed"]
    assert len(logged) == 3
    assert logged[0].fields["reasons"] == ["min_notional"]
    [total] = [c for c in rig.logger.calls if c.event == "intents_vetoed_total"]
    assert total.fields["count"] == 2_000 and total.fields["reason"] == "min_notional"
    assert rig.metrics.counter("risk_reject_total", {"code": "min_notional"}) == 2_000
    assert run.n_intents == 2_000


def test_pipeline_when_one_veto_has_two_reasons_then_each_reason_is_counted_once(
    guard: RuntimeGuard,
) -> None:
    intent = Intent.long("AAA", quantity=900.0)
    risk = RiskPolicy(min_notional=1e6, max_position_notional=1_000.0)
    rig = make_rig(once(intent), guard, risk=risk)

    run = rig.run(bars("AAA", [100.0] * 3))

    assert run.vetoes == 1
    assert [(r.reason, r.count) for r in run.veto_counts] == [
        ("min_notional", 1), ("max_position_notional", 1),
    ]
    assert rig.store.vetoes()[0].strategy_id == SID
