"""The in-memory store's compact columns (runs of times, the fill id index) read back every
row as recorded, whatever the sequence and wherever a rollback cuts it."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vibetrading_V2.core.types import Direction, Fill, Intent, Side
from vibetrading_V2.runner.clock import SimulatedClock
from vibetrading_V2.store.memory import InMemoryStateStore
from vibetrading_V2.store.runs import IntRuns, TextRuns

_column_ops = st.lists(
    st.one_of(st.tuples(st.just("append"), st.integers(0, 3)),
              st.tuples(st.just("truncate"), st.integers(0, 30))),
    max_size=60,
)


@settings(max_examples=200, deadline=None, database=None)
@given(_column_ops)
def test_runs_when_values_appended_and_truncated_then_read_back_as_a_list(
    ops: list[tuple[str, int]],
) -> None:
    ints, texts = IntRuns(), TextRuns()
    turns = TextRuns(plain_after=2)  # turns to a plain list of codes after a few runs
    model: list[int] = []
    for op, n in ops:
        if op == "append":
            ints.append(n - 1)  # negative values too
            texts.append(f"s{n}")
            turns.append(f"s{n}")
            model.append(n - 1)
        else:
            ints.truncate(n)
            texts.truncate(n)
            turns.truncate(n)
            del model[n:]
        assert len(ints) == len(texts) == len(turns) == len(model)
    assert ints.tolist() == model
    assert texts.tolist() == turns.tolist() == [f"s{v + 1}" for v in model]


def test_text_runs_when_strategies_take_turns_then_a_code_a_row_read_back_in_order() -> None:
    texts = TextRuns()
    model = [f"sma_pair_{k % 5}" for k in range(1_000)]
    for value in model:
        texts.append(value)
    texts.truncate(997)
    texts.append("sma_pair_9")
    assert texts.tolist() == [*model[:997], "sma_pair_9"]


def _fill(k: int, order: int) -> Fill:
    cid = f"strategy@1-BTC-{order}-0"
    return Fill(f"{cid}:{k}", cid, "BTC", Side.BUY, 1.0 + k, 100.0, 0.1, order, "s1")


# a row: a fill (fill rank, order) or an intent (strategy), each at a clock time
_row = st.tuples(
    st.sampled_from(["fill", "intent"]),
    st.integers(1, 2),
    st.integers(0, 3),
    st.integers(0, 2),  # clock time
)
_rows = st.lists(_row, max_size=30)


class _Model:
    """What the store must read back: its fills and intents, each with its time."""

    def __init__(self) -> None:
        self.fills: list[Fill] = []
        self.fills_ns: list[int] = []
        self.intents: list[tuple[int, str]] = []
        self.intents_ns: list[int] = []

    def copy(self) -> _Model:
        other = _Model()
        other.fills, other.fills_ns = list(self.fills), list(self.fills_ns)
        other.intents, other.intents_ns = list(self.intents), list(self.intents_ns)
        return other


def _write(store: InMemoryStateStore, clock: SimulatedClock,
           rows: list[tuple[str, int, int, int]], model: _Model) -> None:
    for kind, a, b, ts in rows:
        clock.ts_ns = ts
        if kind == "fill":
            fill = _fill(a, b)
            new = fill.execution_id not in {f.execution_id for f in model.fills}
            assert store.record_fill(fill) is new
            if new:
                model.fills.append(fill)
                model.fills_ns.append(ts)
        else:
            store.record_intent(ts + 100, f"s{a}", Intent("BTC", Direction.LONG, quantity=1.0))
            model.intents.append((ts + 100, f"s{a}"))
            model.intents_ns.append(ts)


@settings(max_examples=200, deadline=None, database=None)
@given(kept=_rows, dropped=_rows, again=_rows)
def test_fills_and_intents_when_written_rolled_back_and_written_again_then_read_as_kept(
    kept: list[tuple[str, int, int, int]],
    dropped: list[tuple[str, int, int, int]],
    again: list[tuple[str, int, int, int]],
) -> None:
    clock = SimulatedClock(0)
    store = InMemoryStateStore(clock)
    model = _Model()
    _write(store, clock, kept, model)
    store.begin()
    _write(store, clock, dropped, model.copy())
    store.rollback()
    _write(store, clock, again, model)
    assert store.fills() == model.fills
    assert store.recorded_ns("fills") == model.fills_ns
    assert [(r.ts_ns, r.strategy_id) for r in store.intents()] == model.intents
    assert store.recorded_ns("intents") == model.intents_ns
    for k in (1, 2):
        for order in range(4):
            eid = _fill(k, order).execution_id
            assert store.has_fill(eid) is (eid in {f.execution_id for f in store.fills()})
