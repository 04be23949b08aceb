"""Broken and hostile strategy files: each is refused with its own typed error and message.

The fixtures are committed files under tests/fixtures/strategies (read, never written).
A line marked ``# expect-line`` is where the error must point.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibetrading_V2.core.errors import (
    BundleValidationError,
    ForbiddenImportError,
    SandboxViolationError,
    StrategyExecutionError,
    StrategyExportError,
    StrategySyntaxError,
    VibeTradingError,
)
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.registry import load_bundle
from vibetrading_V2.strategy.sandbox import SandboxPolicy, load_sandbox_policy

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "strategies"

# fixture file, error class, regex the message must match, field (None: not checked)
REFUSED: list[tuple[str, type[VibeTradingError], str, str | None]] = [
    ("import_os.py", ForbiddenImportError, r"line 5: os \(operating-system", None),
    ("import_subprocess.py", ForbiddenImportError, r"line 5: subprocess \(process creation", None),
    ("import_socket.py", ForbiddenImportError, r"line 5: socket \(network", None),
    ("from_venues.py", ForbiddenImportError, r"vibetrading_V2\.venues \(strategies emit", None),
    ("from_runner.py", ForbiddenImportError, r"vibetrading_V2\.runner \(the engine", None),
    ("import_cli.py", ForbiddenImportError, r"line 5: cli \(the composition root", None),
    ("dunder_import.py", ForbiddenImportError, r"__import__\('os'\)", None),
    (
        "importlib_literal.py",
        ForbiddenImportError,
        r"line 5: importlib .*\n +line 22: import_module\('os'\)",
        None,
    ),
    ("hidden_dunder_import.py", ForbiddenImportError, r"os \(imported while the module ran", None),
    (
        "hidden_import_module.py",
        ForbiddenImportError,
        r"subprocess \(imported while the module",
        None,
    ),
    (
        "swallowed_import_error.py",
        ForbiddenImportError,
        r"os \(imported while the module ran",
        None,
    ),
    ("relative_import.py", ForbiddenImportError, r"relative imports do not work", None),
    (
        "import_talib.py",
        ForbiddenImportError,
        r"line 5: talib \(use vibetrading_V2\.strategy\.indicators",
        None,
    ),
    ("eval_call.py", ForbiddenImportError, r"eval\(\) \(runs arbitrary code\)", None),
    (
        "module_level_io.py",
        StrategyExecutionError,
        r"running the module was stopped: .*reading",
        None,
    ),
    ("swallowed_violation.py", StrategyExecutionError, r"calling get_bundle\(\) was stopped", None),
    ("syntax_error.py", StrategySyntaxError, r"invalid Python: expected ':'", None),
    ("no_bundle.py", StrategyExportError, r"exports neither get_bundle\(\) nor BUNDLE", None),
    ("both_exports.py", StrategyExportError, r"exports both get_bundle\(\) and BUNDLE", None),
    ("wrong_bundle_type.py", BundleValidationError, r"is a dict, not a StrategyBundle", "bundle"),
    ("exit_at_import.py", StrategyExecutionError, r"module raised SystemExit: 3", None),
    (
        "get_bundle_raises.py",
        StrategyExecutionError,
        r"get_bundle\(\) raised ValueError: boom",
        None,
    ),
    ("empty_universe.py", BundleValidationError, r"meta\.universe is empty", "meta.universe"),
    ("universe_string.py", BundleValidationError, r"must be a tuple of names", "meta.universe"),
    ("bad_semver.py", BundleValidationError, r"'1\.0' is not a semantic version", "meta.version"),
    ("bad_timeframe.py", BundleValidationError, r"unknown timeframe '2h'", "meta.timeframe"),
    (
        "empty_required_fields.py",
        BundleValidationError,
        r"required_fields is empty",
        "meta.required_fields",
    ),
    (
        "unknown_override_field.py",
        BundleValidationError,
        r"unknown field 'comission_bps', did you mean 'commission_bps'",
        "overrides.cost",
    ),
    (
        "unknown_override_kwarg.py",
        BundleValidationError,
        r"no field 'comission_bps'; did you mean 'commission_bps'",
        "CostOverride.comission_bps",
    ),
    (
        "wrong_override_class.py",
        BundleValidationError,
        r"must be a CostOverride, got RiskOverride.*did you mean CostOverride",
        "overrides.cost",
    ),
    (
        "override_wrong_type.py",
        BundleValidationError,
        r"commission_bps must be a number or None, got '1' \(str\)",
        "overrides.cost.commission_bps",
    ),
    (
        "override_bool.py",
        BundleValidationError,
        r"fixed_fee must be a number or None, got True",
        "overrides.cost.fixed_fee",
    ),
    (
        "negative_commission.py",
        BundleValidationError,
        r"must be finite and >= 0, got -1\.0",
        "overrides.cost.commission_bps",
    ),
    (
        "nan_slippage.py",
        BundleValidationError,
        r"must be finite and >= 0, got nan",
        "overrides.cost.slippage_bps",
    ),
    (
        "bad_sizing_model.py",
        BundleValidationError,
        r"'kelly', not one of",
        "overrides.sizing.model",
    ),
    (
        "negative_warmup.py",
        BundleValidationError,
        r"warmup_bars must be .* >= 0, got -5",
        "warmup_bars",
    ),
    ("build_not_strategy.py", BundleValidationError, r"build returned 'object'", "build"),
    (
        "param_default_out_of_range.py",
        BundleValidationError,
        r"'fast' = 500 is above its maximum 200",
        "meta.params.fast",
    ),
]

# fixtures that load, and whose on_bar the runtime guard must stop
CALLBACKS: list[tuple[str, str]] = [
    ("callback_open.py", r"reading file .*callback_open\.py"),
    ("callback_network.py", r"network access \(audit event 'urllib\.Request'\)"),
    ("callback_subprocess.py", r"process creation \(audit event 'os\.system'\)"),
]


class _Bar:
    """A stand-in BarView: constant prices, no features."""

    symbol = "EURUSD"
    ts_ns = 0
    index = 0
    open = high = low = close = 1.0
    volume = 0.0
    position = 0.0

    def __getitem__(self, name: str) -> float:
        return 1.0


@pytest.fixture(scope="module")
def policy() -> SandboxPolicy:
    return load_sandbox_policy(REPO / "config" / "sandbox.yaml")


@pytest.fixture(scope="module")
def guard() -> Iterator[RuntimeGuard]:
    guard = RuntimeGuard()
    yield guard
    guard.active = False


def _expected_lines(path: Path) -> list[int]:
    text = path.read_text(encoding="utf-8")
    return [i for i, line in enumerate(text.splitlines(), 1) if "# expect-line" in line]


def test_fixture_table_when_counted_then_covers_at_least_22_refusals() -> None:
    assert len(REFUSED) + len(CALLBACKS) >= 22
    listed = {name for name, *_ in REFUSED} | {name for name, _ in CALLBACKS}
    assert listed <= {p.name for p in FIXTURES.glob("*.py")}


@pytest.mark.parametrize(
    ("fixture", "error", "pattern", "field"), REFUSED, ids=[row[0] for row in REFUSED]
)
def test_load_bundle_when_fixture_is_broken_then_specific_typed_error(
    fixture: str,
    error: type[VibeTradingError],
    pattern: str,
    field: str | None,
    policy: SandboxPolicy,
    guard: RuntimeGuard,
) -> None:
    path = FIXTURES / fixture
    with pytest.raises(VibeTradingError) as caught:
        load_bundle(path, policy=policy, guard=guard)
    exc = caught.value
    assert type(exc) is error, f"{fixture}: {type(exc).__name__}: {exc}"
    assert re.search(pattern, str(exc)), str(exc)
    assert fixture in str(exc)  # the message names the file
    assert exc.hint  # ... and says how to fix it
    if field is not None:
        assert exc.field == field
    expected = _expected_lines(path)
    if expected:
        assert exc.line == expected[0]
    assert not guard.active


def test_forbidden_import_error_when_many_imports_then_lists_every_one_with_its_line(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    path = FIXTURES / "several_imports.py"
    with pytest.raises(ForbiddenImportError) as caught:
        load_bundle(path, policy=policy, guard=guard)
    found = [(v.module, v.line) for v in caught.value.violations]
    modules = ["os", "sys", "socket", "vibetrading_V2.runner", "shutil"]
    assert found == list(zip(modules, _expected_lines(path), strict=True))
    for module, line in found:
        assert f"line {line}: {module} (" in str(caught.value)


def test_forbidden_import_error_when_literal_import_module_then_lists_both_lines(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    path = FIXTURES / "importlib_literal.py"
    with pytest.raises(ForbiddenImportError) as caught:
        load_bundle(path, policy=policy, guard=guard)
    assert {v.line for v in caught.value.violations} == set(_expected_lines(path))


@pytest.mark.parametrize(("fixture", "pattern"), CALLBACKS, ids=[row[0] for row in CALLBACKS])
def test_runtime_guard_when_callback_does_io_then_sandbox_violation(
    fixture: str, pattern: str, policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    loaded = load_bundle(FIXTURES / fixture, policy=policy, guard=guard)
    strategy = loaded.bundle.create()
    with pytest.raises(SandboxViolationError, match=pattern):
        guard.run(strategy.on_bar, _Bar())
    assert not guard.active


def test_load_bundle_when_valid_constant_export_then_loaded_with_overrides(
    policy: SandboxPolicy, guard: RuntimeGuard
) -> None:
    loaded = load_bundle(FIXTURES / "valid_constant_bundle.py", policy=policy, guard=guard)
    assert loaded.strategy_id == "valid_constant@2.1.0-rc.1"
    assert loaded.bundle.overrides is not None
    assert loaded.bundle.overrides.cost is not None
    assert loaded.bundle.overrides.cost.commission_bps == 2
    assert loaded.bundle.create().warmup_bars == 5
