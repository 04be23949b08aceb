"""Building many engines in one process (tests, sweeps) through the composition root adds no
audit hooks: the sandbox's hook is installed once per process and shared, while each
engine keeps a guard, and so an armed-or-not switch, of its own."""

from __future__ import annotations

import gc
from pathlib import Path

from cli.containers import Container, build_container
from cli.settings import load_settings
from tests.integration.data_files import ROOT, settings_for
from vibetrading_V2.strategy.guard import installed_hook_count, live_guard_count

STRATEGY = ROOT / "strategies" / "my_strategy_a.py"
DATA = ROOT / "data" / "curated"


def _container(tmp_path: Path, index: int) -> Container:
    overrides = settings_for(tmp_path / str(index), STRATEGY, DATA)
    return build_container(load_settings("dev", ROOT / "config", **overrides))


def test_engines_when_many_built_in_one_process_then_one_audit_hook(tmp_path: Path) -> None:
    gc.collect()  # guards other tests dropped go now, not while this test counts
    before = live_guard_count()
    containers = [_container(tmp_path, index) for index in range(4)]
    try:
        engines = [container.engine() for container in containers]
        guards = [container.guard() for container in containers]
        assert len({id(engine) for engine in engines}) == 4
        assert len({id(guard) for guard in guards}) == 4
        assert live_guard_count() >= before + 4
        assert installed_hook_count() == 1
    finally:
        for container in containers:
            container.logger().close()


def test_engines_when_one_guard_armed_then_the_others_stay_idle(tmp_path: Path) -> None:
    containers = [_container(tmp_path, index) for index in range(3)]
    try:
        guards = [container.guard() for container in containers]
        with guards[0]:
            assert [guard.active for guard in guards] == [True, False, False]
            guards[1].active = True
            guards[1].active = False
            assert guards[0].active
        assert not any(guard.active for guard in guards)
    finally:
        for container in containers:
            container.logger().close()
