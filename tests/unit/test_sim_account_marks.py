"""The simulated account keeps a traded symbol's mark on its holding: same figures, same
decisions as valuing every holding at a mark looked up by name."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.execution.account import SimAccount

SYMBOLS = ("A", "B", "C")


def _reference(marks: dict[str, float], quantities: dict[str, float], cash: float,
               symbol: str, signed_qty: float, price: float, fee: float,
               leverage: float) -> bool:
    """Whether the margin check lets a growing fill through, summed the way it always was:
    the other holdings in first-fill order, each at its mark looked up by name."""
    after = quantities.get(symbol, 0.0) + signed_qty
    value = cash - signed_qty * price - fee + after * price
    gross = abs(after) * price
    for other, quantity in quantities.items():
        if other != symbol and quantity != 0.0:
            value += quantity * marks[other]
            gross += abs(quantity) * marks[other]
    return not gross > value * leverage + 1e-9 * max(1.0, gross)


operations = st.lists(
    st.tuples(
        st.sampled_from(("mark", "fill")),
        st.sampled_from(SYMBOLS),
        st.builds(lambda sign, size: sign * size, st.sampled_from((-1.0, 1.0)),
                  st.floats(min_value=0.01, max_value=50.0)),
        st.floats(min_value=0.5, max_value=200.0),
    ),
    max_size=40,
)


@settings(max_examples=200, deadline=None)
@given(operations)
def test_account_when_marks_and_fills_interleave_then_equity_and_checks_match_a_lookup(
    steps: list[tuple[str, str, float, float]],
) -> None:
    account = SimAccount(5_000.0, leverage=2.0, allow_short=True, currency="USD")
    marks: dict[str, float] = {}
    quantities: dict[str, float] = {}
    for action, symbol, quantity, price in steps:
        if action == "mark":
            account.set_mark(symbol, price)
            marks[symbol] = price
        else:
            problem = account.check(symbol, quantity, price, 0.5)
            before = quantities.get(symbol, 0.0)
            if problem is None or abs(before + quantity) <= abs(before):
                if problem is None and abs(before + quantity) > abs(before):
                    assert _reference(marks, quantities, account.cash, symbol, quantity,
                                      price, 0.5, 2.0)
                marks.setdefault(symbol, price)
                account.apply(symbol, quantity, price, 0.5)
                quantities[symbol] = account.quantity(symbol)
            else:
                assert not _reference(marks, quantities, account.cash, symbol, quantity,
                                      price, 0.5, 2.0)
        assert account.mark_of(symbol) == marks.get(symbol)
    expected = account.cash
    for symbol, held in quantities.items():
        if held != 0.0:
            expected += held * marks[symbol]
    assert account.equity() == expected


def test_mark_of_when_marked_before_the_first_fill_then_the_fill_keeps_that_mark() -> None:
    account = SimAccount(1_000.0, leverage=1.0, allow_short=False, currency="USD")
    account.set_mark("A", 10.0)
    account.apply("A", 1.0, 11.0, 0.0)
    assert account.mark_of("A") == 10.0
    account.set_mark("A", 12.0)
    assert account.mark_of("A") == 12.0
    assert account.equity() == 1_000.0 - 11.0 + 12.0
