"""The load-time sandbox: allow/deny rules, the AST scan and the import hook.

Sources are strings parsed in memory; the only file read is the committed sandbox policy.
"""

from __future__ import annotations

import ast
import builtins
import importlib
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from vibetrading_V2.core.errors import ForbiddenImportError
from vibetrading_V2.strategy.sandbox import (
    SandboxPolicy,
    guarded_imports,
    imported_modules,
    load_sandbox_policy,
    scan_source,
)

POLICY = load_sandbox_policy(Path(__file__).resolve().parents[2] / "config" / "sandbox.yaml")


def _scan(source: str) -> list[tuple[str, int]]:
    return [(v.module, v.line) for v in scan_source(ast.parse(source), POLICY)]


@pytest.mark.parametrize(
    "module",
    [
        "numpy",
        "numpy.linalg",
        "pandas",
        "math",
        "__future__",
        "vibetrading_V2.core.types",
        "vibetrading_V2.strategy.base",
        "vibetrading_V2.strategy.bundle",
    ],
)
def test_policy_when_module_is_pure_compute_or_sdk_then_allowed(module: str) -> None:
    assert POLICY.reason_for(module) is None


@pytest.mark.parametrize(
    ("module", "reason"),
    [
        ("os", "operating-system"),
        ("os.path", "operating-system"),
        ("numpy.ctypeslib", "raw C calls"),
        ("vibetrading_V2.strategy.registry", "loader"),
        ("vibetrading_V2.venues.bybit", "venues"),
        ("vibetrading_V2", "allow-list"),
        ("osmosis", "allow-list"),
        ("numpyx", "allow-list"),
        ("cli.backtest", "composition root"),
    ],
)
def test_policy_when_module_denied_or_unlisted_then_reason_given(module: str, reason: str) -> None:
    why = POLICY.reason_for(module)
    assert why is not None
    assert reason in why


_PARTS = st.sampled_from(
    ["os", "numpy", "vibetrading_V2", "core", "strategy", "runner", "x", "f2py"]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PARTS, min_size=1, max_size=4).map(".".join), _PARTS)
def test_policy_when_no_entry_is_more_specific_then_child_inherits_parent_verdict(
    parent: str, child: str
) -> None:
    full = f"{parent}.{child}"
    entries = [*POLICY.allowed_modules, *POLICY.denied_modules]
    assume(not any(e == full or e.startswith(full + ".") for e in entries))
    assert POLICY.reason_for(full) == POLICY.reason_for(parent)


def test_policy_when_unknown_key_or_bad_name_then_validation_error() -> None:
    with pytest.raises(ValidationError):
        SandboxPolicy.model_validate({"allowed_modules": [], "denied_modules": {}, "extra": 1})
    with pytest.raises(ValidationError):
        SandboxPolicy(allowed_modules=("not a module",), denied_modules={})


def test_policy_when_assigned_then_frozen() -> None:
    with pytest.raises(ValidationError):
        POLICY.allowed_modules = ()  # type: ignore[misc]


def test_scan_when_only_allowed_imports_then_nothing_found() -> None:
    source = (
        "from __future__ import annotations\n"
        "import numpy as np\n"
        "import pandas as pd\n"
        "from vibetrading_V2 import core\n"
        "from vibetrading_V2.strategy import base, bundle\n"
        "from numpy import linalg\n"
        "def on_bar(self, bar):\n"
        "    input = bar.open\n"
        "    return input + bar.close\n"
    )
    assert _scan(source) == []


def test_scan_when_from_import_names_forbidden_submodule_then_submodule_reported() -> None:
    source = (
        "from vibetrading_V2 import runner, core\n"
        "from numpy import ctypeslib, linalg\n"
        "from vibetrading_V2.strategy import registry\n"
    )
    assert _scan(source) == [
        ("vibetrading_V2.runner", 1),
        ("numpy.ctypeslib", 2),
        ("vibetrading_V2.strategy.registry", 3),
    ]


def test_scan_when_from_forbidden_module_imports_many_names_then_reported_once() -> None:
    assert _scan("from os import path, sep, getcwd\n") == [("os", 1)]


def test_scan_when_forbidden_builtins_and_escape_attributes_then_each_reported() -> None:
    source = (
        "data = open('x.csv').read()\n"
        "code = compile('1', 'f', 'eval')\n"
        "b = __builtins__\n"
        "def f(g):\n"
        "    return g.__globals__\n"
        "try:\n"
        "    1 / 0\n"
        "except ZeroDivisionError as e:\n"
        "    frame = e.__traceback__.tb_frame.f_back\n"
        "mod = __import__('subprocess')\n"
    )
    assert _scan(source) == [
        ("open()", 1),
        ("compile()", 2),
        ("__builtins__", 3),
        (".__globals__", 5),
        (".tb_frame", 9),
        (".f_back", 9),
        ("__import__('subprocess')", 10),
    ]


def test_scan_when_builtin_name_is_rebound_by_the_file_then_not_reported() -> None:
    source = "def compile(x):\n    return x\n\nvalue = compile(3)\n"
    assert _scan(source) == []


def test_scan_when_bar_open_attribute_used_then_not_reported() -> None:
    assert _scan("def on_bar(bar):\n    return bar.open > bar.close\n") == []


def test_imported_modules_when_file_mixes_allowed_and_denied_then_only_allowed_listed() -> None:
    tree = ast.parse("import numpy\nimport os\nfrom pandas import Series\nfrom . import x\n")
    assert imported_modules(tree, POLICY) == ["numpy", "pandas"]


def _run_in(namespace: dict[str, object], source: str) -> None:
    exec(compile(source, "strategy.py", "exec"), namespace)


def test_guarded_imports_when_name_computed_at_run_time_then_forbidden_with_line() -> None:
    namespace: dict[str, object] = {}
    original = builtins.__import__
    with (
        pytest.raises(ForbiddenImportError, match=r"line 2: os \(imported while the module ran"),
        guarded_imports(namespace, "strategy.py", POLICY),
    ):
        _run_in(namespace, "name = 'o' + 's'\nmod = __import__(name)\n")
    assert builtins.__import__ is original


def test_guarded_imports_when_import_module_reached_indirectly_then_forbidden() -> None:
    namespace: dict[str, object] = {"loader": importlib}
    original = importlib.import_module
    with (
        pytest.raises(ForbiddenImportError, match="subprocess"),
        guarded_imports(namespace, "strategy.py", POLICY),
    ):
        _run_in(namespace, "loader.import_module('sub' + 'process')\n")
    assert importlib.import_module is original


def test_guarded_imports_when_allowed_module_then_imported() -> None:
    namespace: dict[str, object] = {}
    with guarded_imports(namespace, "strategy.py", POLICY) as seen:
        _run_in(namespace, "import math\nfrom numpy import linalg\n")
    assert seen == []
    assert isinstance(namespace["linalg"], ModuleType)


def _library_helper() -> ModuleType:
    import os  # a library (not the strategy) importing os is not the sandbox's business

    return os


def test_guarded_imports_when_import_comes_from_another_module_then_not_checked() -> None:
    namespace: dict[str, object] = {"helper": _library_helper}
    with guarded_imports(namespace, "strategy.py", POLICY) as seen:
        _run_in(namespace, "result = helper()\n")
    assert seen == []
    assert isinstance(namespace["result"], ModuleType)


def test_guarded_imports_when_strategy_swallows_refusal_then_violation_still_recorded() -> None:
    namespace: dict[str, object] = {}
    with guarded_imports(namespace, "strategy.py", POLICY) as seen:
        _run_in(namespace, "try:\n    __import__('socket')\nexcept Exception:\n    pass\n")
    assert [(v.module, v.line) for v in seen] == [("socket", 2)]
