"""``python -m cli.paper --env paper``: run the strategy on replayed history, bar by bar.

The same container, engine, simulator and outputs as ``cli.backtest``; what differs is the
run's clock (the wall clock, for ``kind: paper``) and the feed: the curated history is
handed to the engine one bar time at a time, ``gap / --speed`` seconds apart (``--speed
0``: no waiting), for at most ``--max-bars`` bars. Ctrl-C or SIGTERM ends the run after
the current bar: the outputs are written and the command exits 0 (a second signal stops
at once, without outputs, exit 130). Progress (bars, newest bar time, equity) goes to
stderr; exit codes are those of ``cli.backtest``.

``--state PATH`` makes the run a session that outlives the process: a restarted run on the
same file rebuilds the ledger, the simulated venue, the risk state and the strategies'
lifecycle from it and trades on from the bar after the last one it traded
(``cli/paper_session.py``); ``--new-session`` starts over, ``--adopt-state`` takes over a
file of another account or strategy set (refused otherwise).

A paper account whose equity falls to ``paper.top_up.floor`` ($10) at a bar's NAV check is
topped up by ``paper.top_up.amount`` ($1,000); each top-up is an epoch in the state file,
and a resumed session numbers its epochs on (``runner.bankroll``, ``cli.paper_bankroll``).
"""

from __future__ import annotations

import math
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Annotated, Any

import typer
from rich.console import Console

from cli.containers import Container
from cli.paper_session import ProgressRecorder, ResumedFeed, resume_point
from cli.run_common import RunMode, flag_overrides, run_and_write, run_command
from cli.run_flags import (
    ConfigDirFlag,
    DataFlag,
    DryRunFlag,
    EndFlag,
    EnvFlag,
    JsonFlag,
    OutFlag,
    ParamFlag,
    StartFlag,
    StrategyFlag,
    SymbolsFlag,
)
from cli.settings import AppSettings, load_settings
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.core.ports import MarketFeed
from vibetrading_V2.data.paced import PacedFeed, StopFlag
from vibetrading_V2.portfolio.timeline import iso_utc
from vibetrading_V2.store.crash_points import CRASH_ENV_VAR, arm, crash_at_from_env

__all__ = ["EXIT_ABORTED", "app", "main", "run_paper"]

EXIT_ABORTED = 130  # a second Ctrl-C / SIGTERM: stopped at once, no outputs written
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)

app = typer.Typer(add_completion=False, help=__doc__, pretty_exceptions_enable=False)


class _PaperDelivery:
    """Paces the container's feed and reports the newest bar and the equity.

    Why it exists: the run function builds the feed inside the container's lifetime; this
    keeps the paced feed it made, so the progress line can read it.
    """

    def __init__(self, settings: AppSettings, stop: StopFlag,
                 sleep: Callable[[float], None], console: Console) -> None:
        self._settings = settings
        self._console = console
        self._stop = stop
        self._sleep = sleep
        self.paced: PacedFeed | None = None

    def feed(self, inner: MarketFeed, container: Container) -> MarketFeed:
        settings = self._settings
        paper = settings.paper
        bankroll = container.bankroll()
        if bankroll is not None:  # before the engine rebuilds: it books the recorded top-ups
            container.engine().attach_bankroll(bankroll)
        store = container.state_store() if settings.state.session else None
        after = None if store is None else resume_point(store)
        if after is not None:  # a resumed session: only the bars it has not traded yet
            inner = ResumedFeed(inner, after, container.engine().warm_up, self._count_skipped)
            self._console.print(f"paper: resuming the session in {settings.state.path} after "
                                f"{iso_utc(after)}", markup=False, highlight=False)
        # heartbeats: between bars the engine still polls the operator controls (a kill is
        # applied within a sleep slice, not at the next bar)
        self.paced = PacedFeed(inner, speed=paper.speed, max_bars=paper.max_bars,
                               stop=self._stop, sleep=self._sleep, heartbeat=True)
        if store is None:
            return self.paced
        return ProgressRecorder(self.paced, store, container.venue())

    def _count_skipped(self, bars: int) -> None:
        """The session's traded bars count towards ``--max-bars``: a re-run of the same
        command ends where one uninterrupted run would have."""
        if self.paced is not None:
            self.paced.bars_done += bars

    def status(self, container: Container) -> str:
        if self.paced is None or self.paced.last_ts_ns is None:
            return ""
        return f"{iso_utc(self.paced.last_ts_ns)}  equity {container.ledger().equity():,.2f}"


def run_paper(
    settings: AppSettings,
    console: Console | None = None,
    out: Console | None = None,
    *,
    stop: StopFlag | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Path]:
    """Run paper on the configured history and write the backtest's files.

    ``stop`` ends the run after the current bar when requested; ``sleep`` waits between
    bar times (a test passes one that does not sleep). An env whose execution is a real
    venue is refused: paper trades only on the simulator.
    """
    if settings.execution.venue != "simulator":  # a replayed feed never reaches a venue
        raise ConfigError(
            f"paper fills orders with the simulator, but env {settings.env!r} names the "
            f"venue {settings.execution.venue!r}",
            field="execution.venue",
            hint="run paper with --env paper (or an env whose execution.venue is simulator)",
        )
    console = console or Console(stderr=True)
    stop = stop if stop is not None else StopFlag()
    delivery = _PaperDelivery(settings, stop, sleep, console)
    mode = RunMode(name="paper", feed=delivery.feed, status=delivery.status)
    paths = run_and_write(settings, console, out, mode)
    if stop.requested:
        done = 0 if delivery.paced is None else delivery.paced.bars_done
        console.print(f"paper: stopped on request after {done:,} bars; outputs written",
                      markup=False, highlight=False)
    return paths


@contextmanager
def stop_on_signals(stop: StopFlag) -> Iterator[None]:
    """While inside, SIGINT and SIGTERM request ``stop``; a second one aborts at once."""

    def request(signum: int, frame: FrameType | None) -> None:
        if stop.requested:
            raise KeyboardInterrupt
        stop.request()

    previous = {number: signal.signal(number, request) for number in STOP_SIGNALS}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _run_stoppable(settings: AppSettings, console: Console, out: Console | None) -> dict[
    str, Path
]:
    paper = settings.paper
    speed = "as fast as possible" if paper.speed == 0 else f"{paper.speed:g}x"
    bound = "every bar" if paper.max_bars is None else f"at most {paper.max_bars:,} bars"
    console.print(f"paper ({settings.env}): speed {speed}, {bound}; Ctrl-C or SIGTERM stops "
                  "after the current bar and writes the outputs", markup=False, highlight=False)
    _arm_crash_test(settings)
    stop = StopFlag()
    with stop_on_signals(stop):
        return run_paper(settings, console, out, stop=stop)


def _arm_crash_test(settings: AppSettings) -> None:
    """The crash test's kill hook (``VIBETRADING_CRASH_AT``), read once; paper only."""
    crash = crash_at_from_env(os.environ)
    if crash is not None and (settings.env == "prod" or settings.kind != "paper"):
        raise ConfigError(
            f"{CRASH_ENV_VAR} kills the process on purpose and is for the crash test only; "
            f"env {settings.env!r} (kind {settings.kind}) refuses it",
            field=CRASH_ENV_VAR, hint=f"unset {CRASH_ENV_VAR}",
        )
    arm(crash)


@app.command()
def main(
    env: EnvFlag = "paper",
    strategy: StrategyFlag = None,
    param: ParamFlag = None,
    data: DataFlag = None,
    symbols: SymbolsFlag = None,
    start: StartFlag = None,
    end: EndFlag = None,
    out: OutFlag = None,
    config_dir: ConfigDirFlag = None,
    json_out: JsonFlag = False,
    speed: Annotated[float | None, typer.Option(
        help="bar time per wall time: 60 replays an hour of bars in a minute; 0 = no waits "
        "(default: paper.speed)"
    )] = None,
    max_bars: Annotated[int | None, typer.Option(
        help="stop after this many bars, of the session with --state (default: "
        "paper.max_bars, else every bar)"
    )] = None,
    dry_run: DryRunFlag = False,
    state: Annotated[Path | None, typer.Option(
        help="the session's state file: a new one starts the session, an existing one "
        "resumes it where it stopped (default: a new store in --out each run)"
    )] = None,
    adopt_state: Annotated[bool, typer.Option(
        "--adopt-state", help="take over a --state file written for another account or "
        "strategy set (refused without it)"
    )] = False,
    new_session: Annotated[bool, typer.Option(
        "--new-session", help="end the session in --state (its file is renamed aside, "
        "kept) and start a new one"
    )] = False,
) -> None:
    """Paper-trade the strategy on replayed history; write the backtest's files and report."""

    def settings() -> AppSettings:
        overrides = flag_overrides(strategy, param, data, symbols, start, end, out)
        pace = _pace_overrides(speed, max_bars)
        if pace:
            overrides["paper"] = pace
        session = _state_overrides(state, adopt_state, new_session)
        if session:
            overrides["state"] = session
        if dry_run:
            overrides["safety"] = {"dry_run": True}
        return load_settings(env, config_dir, **overrides)

    try:
        run_command(settings, _run_stoppable, json_out=json_out)
    except KeyboardInterrupt:
        Console(stderr=True).print("paper: stopped at once; no outputs written",
                                   markup=False, highlight=False)
        raise typer.Exit(EXIT_ABORTED) from None


def _state_overrides(state: Path | None, adopt: bool, new_session: bool) -> dict[str, Any]:
    """``--state``, ``--adopt-state`` and ``--new-session`` as overrides of ``state:``."""
    if state is None:
        if adopt or new_session:
            flag = "--adopt-state" if adopt else "--new-session"
            raise ConfigError(f"{flag} needs --state", field=flag,
                              hint=f"name the session's state file: --state PATH {flag}")
        return {}
    return {"backend": "sqlite", "path": state.resolve(), "session": True, "adopt": adopt,
            "new_session": new_session}


def _pace_overrides(speed: float | None, max_bars: int | None) -> dict[str, Any]:
    """``--speed`` and ``--max-bars`` as overrides of ``paper:``, refused in the flags' terms."""
    pace: dict[str, Any] = {}
    if speed is not None:
        if not (math.isfinite(speed) and speed >= 0):
            raise ConfigError(f"--speed must be 0 or a positive number, got {speed!r}",
                              field="--speed", hint="e.g. --speed 60 (an hour of bars a "
                              "minute), or --speed 0 to replay as fast as possible")
        pace["speed"] = speed
    if max_bars is not None:
        if max_bars < 1:
            raise ConfigError(f"--max-bars must be a positive integer, got {max_bars}",
                              field="--max-bars", hint="e.g. --max-bars 500, or leave it "
                              "out to replay every bar")
        pace["max_bars"] = max_bars
    return pace


if __name__ == "__main__":
    app()
