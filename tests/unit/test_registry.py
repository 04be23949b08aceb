"""The registry as its callers use it: load by name or path, module isolation, the CLI.

Reads the committed strategies/ and tests/fixtures/strategies files; writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibetrading_V2.core.errors import StrategyNotFoundError
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import load_bundle, main, validate_directory
from vibetrading_V2.strategy.sandbox import SandboxPolicy, load_sandbox_policy

REPO = Path(__file__).resolve().parents[2]
STRATEGIES = REPO / "strategies"
FIXTURES = REPO / "tests" / "fixtures" / "strategies"


@pytest.fixture(scope="module")
def policy() -> SandboxPolicy:
    return load_sandbox_policy(REPO / "config" / "sandbox.yaml")


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def test_load_bundle_when_given_a_name_then_found_in_strategies_dir(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    loaded = load_bundle("my_strategy_a", strategies_dir=STRATEGIES, policy=policy, guard=guard)
    assert loaded.path == STRATEGIES / "my_strategy_a.py"
    assert loaded.strategy_id == "my_strategy_a@1.0.0"
    assert loaded.module_name.startswith("_vibetrading_strategy_my_strategy_a_")
    assert isinstance(loaded.bundle.create(), Strategy)


def test_load_bundle_when_loaded_then_private_module_not_left_in_sys_modules(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    loaded = load_bundle(STRATEGIES / "my_strategy_a.py", policy=policy, guard=guard)
    assert loaded.module_name not in sys.modules
    assert not any(name.startswith("_vibetrading_strategy_") for name in sys.modules)


def test_load_bundle_when_loaded_twice_then_independent_modules_and_classes(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    first = load_bundle(STRATEGIES / "my_strategy_a.py", policy=policy, guard=guard)
    second = load_bundle(STRATEGIES / "my_strategy_a.py", policy=policy, guard=guard)
    assert first.bundle is not second.bundle
    assert type(first.bundle.create()) is not type(second.bundle.create())
    other = load_bundle(FIXTURES / "valid_constant_bundle.py", policy=policy, guard=guard)
    assert other.module_name != first.module_name


def test_load_bundle_when_same_file_loaded_then_module_name_is_deterministic(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    path = STRATEGIES / "my_strategy_a.py"
    names = {load_bundle(path, policy=policy, guard=guard).module_name for _ in range(2)}
    assert len(names) == 1


def test_load_bundle_when_name_misspelt_then_not_found_with_did_you_mean(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    with pytest.raises(StrategyNotFoundError, match="no such strategy file") as caught:
        load_bundle("my_strategy", strategies_dir=STRATEGIES, policy=policy, guard=guard)
    assert caught.value.hint is not None
    assert "did you mean 'my_strategy_a'" in caught.value.hint
    assert "my_strategy.py" in str(caught.value)


def test_load_bundle_when_path_missing_then_not_found(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    with pytest.raises(StrategyNotFoundError, match=r"nowhere\.py"):
        load_bundle(FIXTURES / "nowhere.py", policy=policy, guard=guard)


def test_validate_directory_when_shipped_strategies_then_all_valid(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    results = validate_directory(STRATEGIES, policy=policy, guard=guard)
    assert results
    assert all(r.ok for r in results), [str(r.error) for r in results]
    assert "__init__.py" not in {r.path.name for r in results}


def test_validate_directory_when_fixtures_then_only_loadable_files_pass(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    results = validate_directory(FIXTURES, policy=policy, guard=guard)
    passed = sorted(r.path.name for r in results if r.ok)
    assert passed == [
        "callback_network.py",
        "callback_open.py",
        "callback_subprocess.py",
        "uses_indicators.py",
        "valid_constant_bundle.py",
    ]
    assert all(r.error is not None and r.loaded is None for r in results if not r.ok)


def test_validate_directory_when_missing_then_not_found(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    with pytest.raises(StrategyNotFoundError, match="strategy directory not found"):
        validate_directory(REPO / "no-such-dir", policy=policy, guard=guard)


def test_main_when_fixture_dir_has_bad_files_then_exit_2_with_table_and_messages(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    code = main(["--validate-all", "--dir", str(FIXTURES)])
    out = capsys.readouterr().out
    assert code == 2
    assert "valid_constant_bundle.py" in out
    assert "FAIL" in out
    assert "ForbiddenImportError: " in out
    assert "Traceback" not in out


def test_main_when_both_or_neither_option_then_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["--validate-all", "--validate", str(FIXTURES / "import_os.py")]) == 2
    assert "exactly one of" in capsys.readouterr().err


def test_main_when_single_valid_file_then_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--validate", str(STRATEGIES / "my_strategy_a.py")]) == 0
    assert "OK  my_strategy_a@1.0.0" in capsys.readouterr().out
