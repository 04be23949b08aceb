"""Every file of examples/strategies loads through the registry and the sandbox, and stays short.

The gallery is validated here (so in CI) but never loaded by default: the default
strategy directory is ``strategies/``, and an example runs only when named by path.
"""

from __future__ import annotations

import ast

import yaml

from tests.examples.gallery import EXAMPLES, GALLERY_CASES
from tests.integration.backtest_runs import ROOT
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.registry import validate_directory
from vibetrading_V2.strategy.sandbox import load_sandbox_policy

MAX_STRATEGY_LINES = 40  # the Strategy class and get_bundle(), docstrings and blanks included


def test_gallery_when_validated_then_every_file_loads_through_the_sandbox_and_builds() -> None:
    policy = load_sandbox_policy(ROOT / "config" / "sandbox.yaml")
    results = validate_directory(EXAMPLES, policy=policy)
    assert [r.path.stem for r in results] == sorted(GALLERY_CASES)
    for result in results:
        assert result.ok, f"{result.path.name}: {result.error}"
        assert result.loaded is not None
        assert isinstance(result.loaded.bundle.create(), Strategy)
    ids = [r.loaded.strategy_id for r in results if r.loaded is not None]
    assert len(set(ids)) == len(ids) and all(i.startswith("example_") for i in ids)


def test_gallery_when_read_then_each_strategy_and_its_bundle_fit_in_40_lines() -> None:
    for path in sorted(EXAMPLES.glob("*.py")):
        if path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        written = [n for n in tree.body if isinstance(n, ast.ClassDef | ast.FunctionDef)]
        assert [type(n) for n in written] == [ast.ClassDef, ast.FunctionDef], path.name
        lines = sum((n.end_lineno or n.lineno) - n.lineno + 1 for n in written)
        assert lines <= MAX_STRATEGY_LINES, f"{path.name}: {lines} lines"


def test_default_strategy_directory_when_listed_then_it_holds_no_example() -> None:
    base = yaml.safe_load((ROOT / "config" / "base.yaml").read_text(encoding="utf-8"))
    defaults = {path.stem for path in (ROOT / base["strategy"]["directory"]).glob("*.py")}
    assert not defaults & set(GALLERY_CASES)
