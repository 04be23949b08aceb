"""``cli.paper.run_paper`` in process, with a sleep that never sleeps: a run stopped while
waiting for its next bar writes exactly the files of a run bounded at the bars it did."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.paper import run_paper
from cli.settings import load_settings
from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.data.paced import StopFlag

ROOT = Path(__file__).resolve().parents[2]
WINDOW = {"symbols": ["EURUSD"], "start": "2017-05-01", "end": "2017-06-01"}
SAME_BYTES = ("orders.csv", "trades.csv", "equity.csv")


class StopAfter:
    """A sleep that returns at once and requests ``stop`` on its ``waits``-th call."""

    def __init__(self, stop: StopFlag, waits: int) -> None:
        self.calls = 0
        self._stop, self._waits = stop, waits

    def __call__(self, seconds: float) -> None:
        self.calls += 1
        if self.calls == self._waits:
            self._stop.request()


def _rows(path: Path) -> int:
    return path.read_bytes().count(b"\n") - 1


def test_paper_env_when_loaded_then_outputs_default_to_runs_paper_at_speed_0() -> None:
    settings = load_settings("paper", ROOT / "config")
    assert settings.kind == "paper"
    assert settings.output.directory == ROOT / "runs" / "paper"
    assert settings.paper.speed == 0 and settings.paper.max_bars is None


def test_run_paper_when_stopped_while_waiting_then_files_equal_a_run_bounded_there(
    tmp_path: Path,
) -> None:
    stop = StopFlag()
    stopped = load_settings("paper", ROOT / "config", data=WINDOW, paper={"speed": 3600.0},
                            output={"directory": tmp_path / "stopped"})
    # an hour between bars waits one second, in slices of 0.1 s: about 30 bars in
    paths = run_paper(stopped, stop=stop, sleep=StopAfter(stop, 300))
    bars = _rows(paths["equity"])
    assert 10 < bars < 100 and stop.requested

    bounded = load_settings("paper", ROOT / "config", data=WINDOW, paper={"max_bars": bars},
                            output={"directory": tmp_path / "bounded"})
    run_paper(bounded, sleep=_no_sleep)

    for name in SAME_BYTES:
        assert (tmp_path / "stopped" / name).read_bytes() == (
            tmp_path / "bounded" / name).read_bytes(), name


def _no_sleep(seconds: float) -> None:
    pytest.fail(f"a run at speed 0 must not sleep (asked for {seconds} s)")


def test_run_paper_when_env_names_a_real_venue_then_config_error_before_anything_runs(
    tmp_path: Path,
) -> None:
    settings = load_settings("prod", ROOT / "config", output={"directory": tmp_path / "out"})
    with pytest.raises(ConfigError) as info:
        run_paper(settings, sleep=_no_sleep)
    assert info.value.field == "execution.venue" and "--env paper" in (info.value.hint or "")
    assert not (tmp_path / "out").exists()
