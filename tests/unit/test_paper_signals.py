"""``cli.paper.stop_on_signals``: the first SIGINT/SIGTERM asks the feed to stop, a second
one aborts, and the previous handlers come back afterwards."""

from __future__ import annotations

import os
import signal

import pytest

from cli.paper import stop_on_signals
from vibetrading_V2.data.paced import StopFlag


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_stop_on_signals_when_first_signal_then_stop_is_requested_and_run_goes_on(
    number: signal.Signals,
) -> None:
    stop = StopFlag()
    with stop_on_signals(stop):
        os.kill(os.getpid(), number)  # handled before the next line runs
        assert stop.requested


def test_stop_on_signals_when_second_signal_then_keyboard_interrupt() -> None:
    stop = StopFlag()
    with pytest.raises(KeyboardInterrupt), stop_on_signals(stop):
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)


def test_stop_on_signals_when_left_then_previous_handlers_are_back() -> None:
    before = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    with stop_on_signals(StopFlag()):
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    assert {n: signal.getsignal(n) for n in before} == before
