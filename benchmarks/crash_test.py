"""The crash test: a paper session SIGKILLed at seeded commit points, restarted until done.

``python -m benchmarks.crash_test --kills 200 --seed 7`` runs ``cli.paper --env paper
--speed 0 --max-bars N --strategy tests/crash/sma_stop_strategy.py --state S --out DIR``
once uninterrupted (the reference), then
sessions that are killed (``VIBETRADING_CRASH_AT``, ``store/crash_points.py``) at points a
seeded RNG picks and re-run with the same command until they complete. Each completed
session must end with the reference's orders, fills, positions and equity: ``orders.csv``,
``trades.csv`` and ``equity.csv`` byte-identical, the final equity equal, each execution id
and client order id once (0 lost, 0 duplicated), and ``PRAGMA integrity_check`` ok after
every kill. The strategy rests a stop under every entry and cancels it at the exit, so
every commit point is reached, the cancel's too (``kills_by_point``).

Each start is a child process forked from this one after the imports (the command's own
``cli.paper`` entry point with the same arguments), so a start costs the run, not the
interpreter's start-up; the kill is a real SIGKILL of that child.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cli.paper import app  # imported before the forks: a start pays for the run only
from vibetrading_V2.store.crash_points import CRASH_ENV_VAR, POINTS

__all__ = ["CrashFigures", "main", "run_crash_test"]

_KILLED = -signal.SIGKILL
STRATEGY = Path(__file__).resolve().parents[1] / "tests" / "crash" / "sma_stop_strategy.py"
_COMPLETED = (0, 3)  # 3: completed, outputs written, this start's own bars traded nothing


@dataclass
class CrashFigures:
    """Why: what one crash test found, printed and compared against zero."""

    kills: int = 0
    restarts: int = 0
    sessions: int = 0
    orders_compared: int = 0
    fills_compared: int = 0
    lost: int = 0
    duplicated: int = 0
    integrity_failures: int = 0
    mismatches: list[str] = field(default_factory=list)
    kills_by_point: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not (self.lost or self.duplicated or self.integrity_failures or self.mismatches)


def start(state: Path, out: Path, bars: int, crash: str | None) -> int:
    """One start of the paper command in a forked child; its exit code (-9: killed)."""
    argv = ["--env", "paper", "--speed", "0", "--max-bars", str(bars), "--strategy",
            str(STRATEGY), "--state", str(state), "--out", str(out)]
    return forked_paper(argv, crash)


def forked_paper(argv: list[str], crash: str | None, settings: dict[str, str] | None = None) -> int:
    """``cli.paper`` with ``argv`` in a forked child, silenced, with no ``VT_*`` settings of
    the calling shell but ``settings``, killed at ``crash`` (``point:count``) if given; its
    exit code (-9: killed)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 1
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            for name in [k for k in os.environ if k.startswith("VT_")]:
                del os.environ[name]  # the calling shell's settings are not the command's
            os.environ.update(settings or {})
            if crash is None:
                os.environ.pop(CRASH_ENV_VAR, None)
            else:
                os.environ[CRASH_ENV_VAR] = crash
            app(args=argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _integrity(db: Path) -> str:
    return str(_rows(db, "PRAGMA integrity_check")[0][0])


def _caps(db: Path, bars: int) -> dict[str, int]:
    """How often the reference run reached each point: a kill's count is drawn below it."""
    n_intents = len(_rows(db, "SELECT seq FROM intents"))
    history = Counter(str(r[0]) for r in _rows(db, "SELECT status FROM order_history"))
    n_fills = len(_rows(db, "SELECT seq FROM fills"))
    answered = sum(history.values()) - history["in_flight"]
    return {
        "intent_recorded": n_intents, "id_issued": len(_rows(db, "SELECT seq FROM client_ids")),
        "order_in_flight": history["in_flight"],
        "order_sent": answered, "order_recorded": answered,
        "cancel_requested": history["cancelled"], "fill_received": n_fills,
        "fill_committed": n_fills, "bar_checkpoint": bars, "bar_committed": bars,
    }  # fmt: skip


# every order in its latest state: the recorded ones and the venue's working ones it never
# reported (a bracket leg not yet ended: a restart's reconciliation records it, a run that
# was never killed does not), by client id
_ORDER_SQL = (
    "SELECT client_order_id, status, filled_quantity FROM orders UNION ALL "
    "SELECT client_order_id, status, filled_quantity FROM venue_orders WHERE client_order_id "
    "NOT IN (SELECT client_order_id FROM orders) ORDER BY client_order_id"
)


def _final_equity(out: Path) -> object:
    return json.loads((out / "summary.json").read_text())["final_equity"]


def compare(reference: Path, session: Path, figures: CrashFigures) -> None:
    """Count the lost, the duplicated and the different between a session and the reference."""
    for name in ("orders.csv", "trades.csv", "equity.csv"):
        if (reference / "out" / name).read_bytes() != (session / "out" / name).read_bytes():
            figures.mismatches.append(f"{session.name}/{name}")
    if _final_equity(reference / "out") != _final_equity(session / "out"):
        figures.mismatches.append(f"{session.name}/final_equity")
    fill_sql = "SELECT execution_id, client_order_id, quantity, price FROM fills ORDER BY seq"
    for sql, kind in ((fill_sql, "fills"), (_ORDER_SQL, "orders")):
        want = _rows(reference / "S.sqlite", sql)
        got = _rows(session / "S.sqlite", sql)
        ids = Counter(row[0] for row in got)
        wanted = {row[0] for row in want}
        figures.duplicated += sum(n - 1 for n in ids.values()) + len(set(ids) - wanted)
        figures.lost += len(wanted - set(ids))
        if got != want:
            figures.mismatches.append(f"{session.name}/{kind}")
        if kind == "fills":
            figures.fills_compared += len(want)
        else:
            figures.orders_compared += len(want)


def _crash_point(rng: random.Random, caps: dict[str, int]) -> str:
    point = rng.choice([p for p in caps if caps[p] > 0])
    return f"{point}:{rng.randint(1, max(1, caps[point] // 3))}"


def run_session(work: Path, reference: Path, bars: int, caps: dict[str, int],
                rng: random.Random, figures: CrashFigures, kills_left: int) -> None:
    """One session: killed at drawn points (at most ``kills_left``), re-run until done."""
    figures.sessions += 1
    session = work / f"session-{figures.sessions:03d}"
    state, out = session / "S.sqlite", session / "out"
    while True:
        crash = _crash_point(rng, caps) if kills_left > 0 else None
        code = start(state, out, bars, crash)
        if code == _KILLED and crash is not None:
            figures.kills += 1
            kills_left -= 1
            point = crash.split(":")[0]
            figures.kills_by_point[point] = figures.kills_by_point.get(point, 0) + 1
            if state.exists() and _integrity(state) != "ok":
                figures.integrity_failures += 1
            figures.restarts += 1
            continue
        if code not in _COMPLETED:
            figures.mismatches.append(f"{session.name}: exit {code} after {crash}")
            return
        break
    if _integrity(state) != "ok":
        figures.integrity_failures += 1
    compare(reference, session, figures)


def run_crash_test(work: Path, *, kills: int, seed: int, bars: int,
                   points: tuple[str, ...] = POINTS) -> CrashFigures:
    """The reference run, then sessions killed ``kills`` times in all (at ``points``)."""
    if work.exists():
        shutil.rmtree(work)  # a session's state file must start empty
    reference = work / "reference"
    if start(reference / "S.sqlite", reference / "out", bars, None) != 0:
        raise RuntimeError(f"the uninterrupted reference run failed (see {reference})")
    caps = {p: n for p, n in _caps(reference / "S.sqlite", bars).items() if p in points}
    rng = random.Random(seed)
    figures = CrashFigures()
    while figures.kills < kills:
        run_session(work, reference, bars, caps, rng, figures, kills - figures.kills)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--bars", type=int, default=300)
    parser.add_argument("--points", default=",".join(POINTS),
                        help="the commit points to kill at, comma-separated (default: all)")
    parser.add_argument("--work", type=Path, default=Path("benchmarks/results/crash_test"))
    args = parser.parse_args(argv)
    figures = run_crash_test(args.work, kills=args.kills, seed=args.seed, bars=args.bars,
                             points=tuple(args.points.split(",")))
    report = {**asdict(figures), "ok": figures.ok, "seed": args.seed, "bars": args.bars}
    print(json.dumps(report, indent=2))
    return 0 if figures.ok else 1


if __name__ == "__main__":
    sys.exit(main())
