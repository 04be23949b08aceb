"""Strategy registry: load a strategy file by name or path, validate it, return its bundle.

Loading is the gate every strategy passes before it may trade, in every environment:

1. find ``strategies/<name>.py`` (or the given path) and parse it;
2. the sandbox scan lists every forbidden import with its line, before anything runs;
3. run the module under a private name, with the import hook and the runtime guard on;
4. take exactly one export, ``get_bundle()`` (preferred) or ``BUNDLE``;
5. validate the bundle (types, universe, semver, params, overrides);
6. build the strategy once with default parameters to prove ``build`` works.

Every failure is a typed error from ``core/errors.py`` naming the file, the line where
known, the problem and the fix. ``python -m vibetrading_V2.strategy.registry
--validate-all`` checks every file in ``strategies/``.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import hashlib
import importlib
import importlib.util
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import CodeType, ModuleType, TracebackType
from typing import TypeVar

from vibetrading_V2.core.errors import (
    BundleValidationError,
    ForbiddenImportError,
    SandboxViolationError,
    StrategyExecutionError,
    StrategyExportError,
    StrategyLoadError,
    StrategyNotFoundError,
    StrategySyntaxError,
    VibeTradingError,
)
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.bundle import StrategyBundle
from vibetrading_V2.strategy.guard import RuntimeGuard
from vibetrading_V2.strategy.sandbox import (
    SandboxPolicy,
    guarded_imports,
    imported_modules,
    load_sandbox_policy,
    scan_source,
)
from vibetrading_V2.strategy.validation import explain_constructor_error, validate_bundle

__all__ = ["LoadedStrategy", "ValidationResult", "load_bundle", "main", "validate_directory"]

T = TypeVar("T")
_MODULE_PREFIX = "_vibetrading_strategy_"


@dataclass(frozen=True, slots=True)
class LoadedStrategy:
    """A strategy file that passed every load-time check, with the bundle it exports."""

    path: Path
    bundle: StrategyBundle
    module_name: str

    @property
    def strategy_id(self) -> str:
        return self.bundle.meta.strategy_id


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """The outcome of loading one file: the strategy, or the typed error that stopped it."""

    path: Path
    loaded: LoadedStrategy | None
    error: VibeTradingError | None

    @property
    def ok(self) -> bool:
        return self.error is None


def load_bundle(
    name_or_path: str | Path,
    *,
    strategies_dir: Path = Path("strategies"),
    policy: SandboxPolicy | None = None,
    guard: RuntimeGuard | None = None,
) -> LoadedStrategy:
    """Load, sandbox-check and validate one strategy; raise a typed error on any problem.

    ``name_or_path`` is a strategy name (``my_strategy_a`` -> ``strategies_dir/<name>.py``)
    or a path to a ``.py`` file. Pass the engine's ``guard`` so that its violation count
    sees the load too (a new ``RuntimeGuard`` is cheap: all share the process's one hook).
    """
    policy = policy if policy is not None else load_sandbox_policy()
    guard = guard if guard is not None else RuntimeGuard()
    path = _resolve(name_or_path, strategies_dir)
    label = str(path)
    source = _read(path)
    tree = _parse(source, label)
    violations = scan_source(tree, policy)
    if violations:
        raise ForbiddenImportError(label, violations)
    for name in imported_modules(tree, policy):
        _prime(name)
    code = _compile(tree, label)
    module = _new_module(path, source)
    sys.modules[module.__name__] = module
    try:
        with guarded_imports(module.__dict__, label, policy) as seen:
            try:
                bundle = _run_module(code, module, label, guard)
            except VibeTradingError:
                if seen:  # the strategy caught the import error and failed later
                    raise ForbiddenImportError(label, seen) from None
                raise
        if seen:  # the strategy caught the import error and carried on
            raise ForbiddenImportError(label, seen)
    finally:
        if sys.modules.get(module.__name__) is module:
            del sys.modules[module.__name__]
    return LoadedStrategy(path=path, bundle=bundle, module_name=module.__name__)


def validate_directory(
    directory: Path,
    *,
    policy: SandboxPolicy | None = None,
    guard: RuntimeGuard | None = None,
) -> list[ValidationResult]:
    """Load every ``*.py`` strategy file in ``directory`` (``__init__.py`` excepted)."""
    if not directory.is_dir():
        raise StrategyNotFoundError(
            "strategy directory not found",
            path=str(directory),
            hint="run from the repository root or pass --dir <directory>",
        )
    policy = policy if policy is not None else load_sandbox_policy()
    guard = guard if guard is not None else RuntimeGuard()
    results: list[ValidationResult] = []
    for path in sorted(directory.glob("*.py")):
        if path.name == "__init__.py":
            continue
        try:
            loaded = load_bundle(path, policy=policy, guard=guard)
        except VibeTradingError as exc:
            results.append(ValidationResult(path, None, exc))
        else:
            results.append(ValidationResult(path, loaded, None))
    return results


def _resolve(name_or_path: str | Path, strategies_dir: Path) -> Path:
    text = str(name_or_path)
    as_path = isinstance(name_or_path, Path) or text.endswith(".py") or "/" in text
    candidate = Path(text) if as_path else strategies_dir / f"{text}.py"
    if candidate.is_file():
        return candidate
    known = (
        sorted(p.stem for p in strategies_dir.glob("*.py") if p.name != "__init__.py")
        if strategies_dir.is_dir()
        else []
    )
    close = difflib.get_close_matches(candidate.stem, known, n=1)
    if close:
        hint = f"did you mean {close[0]!r}? available: {', '.join(known)}"
    elif known:
        hint = f"available strategies in {strategies_dir}: {', '.join(known)}"
    else:
        hint = f"create {strategies_dir}/<name>.py exporting get_bundle()"
    raise StrategyNotFoundError("no such strategy file", path=str(candidate), hint=hint)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise StrategySyntaxError(
            f"file is not UTF-8 text ({exc.reason})",
            path=str(path),
            hint="save the file as UTF-8",
        ) from None
    except OSError as exc:
        raise StrategyLoadError(
            f"cannot read the file: {exc.strerror}",
            path=str(path),
            hint="check the file's permissions",
        ) from None


def _parse(source: str, label: str) -> ast.Module:
    try:
        return ast.parse(source, filename=label)
    except SyntaxError as exc:
        text = (exc.text or "").strip()
        raise StrategySyntaxError(
            f"invalid Python: {exc.msg}",
            path=label,
            line=exc.lineno,
            hint=f"fix line {exc.lineno}: {text}" if text else "fix the syntax at that line",
        ) from None
    except ValueError as exc:  # e.g. NUL bytes in the source
        raise StrategySyntaxError(
            f"invalid Python: {exc}", path=label, hint="remove the bad characters"
        ) from None


def _compile(tree: ast.Module, label: str) -> CodeType:
    try:
        return compile(tree, label, "exec")
    except SyntaxError as exc:  # parses, but does not compile (e.g. return outside def)
        raise StrategySyntaxError(
            f"invalid Python: {exc.msg}",
            path=label,
            line=exc.lineno,
            hint="fix the statement at that line",
        ) from None


def _prime(name: str) -> None:
    """Import an allowed library before the guarded run (first imports touch env and C libs)."""
    # a failure here repeats in the guarded run, which reports it with its line
    with contextlib.suppress(Exception):
        importlib.import_module(name)


def _new_module(path: Path, source: str) -> ModuleType:
    """A fresh module object under a private name that cannot clash with another load."""
    digest = hashlib.sha256(f"{path.resolve()}\0{source}".encode()).hexdigest()[:12]
    stem = re.sub(r"\W", "_", path.stem)
    name = f"{_MODULE_PREFIX}{stem}_{digest}"
    suffix = 1
    while f"{name}_{suffix}" in sys.modules or (suffix == 1 and name in sys.modules):
        suffix += 1
    if suffix > 1:
        name = f"{name}_{suffix}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:  # pragma: no cover - a .py path always yields a spec
        raise StrategyLoadError("cannot create a module for the file", path=str(path))
    return importlib.util.module_from_spec(spec)


def _run_module(
    code: CodeType, module: ModuleType, label: str, guard: RuntimeGuard
) -> StrategyBundle:
    """Run the module body, take its export, validate it and build the strategy once."""
    namespace = module.__dict__
    _guarded_call(lambda: exec(code, namespace), guard, label, "running the module")
    bundle = validate_bundle(_exported_bundle(module, label, guard), label)
    _check_strategy(bundle, label, guard)
    return bundle


def _exported_bundle(module: ModuleType, label: str, guard: RuntimeGuard) -> object:
    namespace = module.__dict__
    has_factory, has_constant = "get_bundle" in namespace, "BUNDLE" in namespace
    if has_factory and has_constant:
        raise StrategyExportError(
            "the file exports both get_bundle() and BUNDLE",
            path=label,
            hint="keep get_bundle() and delete BUNDLE (export exactly one)",
        )
    if not has_factory and not has_constant:
        raise StrategyExportError(
            "the file exports neither get_bundle() nor BUNDLE",
            path=label,
            hint="add `def get_bundle() -> StrategyBundle:` returning StrategyBundle(...)",
        )
    if has_constant:
        return namespace["BUNDLE"]
    factory = namespace["get_bundle"]
    if not callable(factory):
        raise StrategyExportError(
            f"get_bundle is a {type(factory).__name__}, not a function",
            path=label,
            hint="define `def get_bundle() -> StrategyBundle:`",
        )
    return _guarded_call(factory, guard, label, "calling get_bundle()")


def _check_strategy(bundle: StrategyBundle, label: str, guard: RuntimeGuard) -> None:
    strategy = _guarded_call(bundle.create, guard, label, "building the strategy (build)")
    if not isinstance(strategy, Strategy):
        raise BundleValidationError(
            f"build returned {type(strategy).__name__!r}, not a Strategy",
            path=label,
            field="build",
            hint="subclass vibetrading_V2.strategy.base.Strategy and pass build=YourClass",
        )
    warmup = strategy.warmup_bars
    if not isinstance(warmup, int) or isinstance(warmup, bool) or warmup < 0:
        raise BundleValidationError(
            f"warmup_bars must be an integer >= 0, got {warmup!r}",
            path=label,
            field="warmup_bars",
            hint="set self.warmup_bars to the number of bars your features need, e.g. 30",
        )


def _guarded_call(fn: Callable[[], T], guard: RuntimeGuard, label: str, during: str) -> T:
    before = guard.violation_count
    try:
        result = guard.run(fn)
    except VibeTradingError as exc:
        if isinstance(exc, SandboxViolationError | StrategyExecutionError):
            raise _execution_error(exc, label, during) from exc
        if exc.path is None:
            exc.path = label
            exc.line = exc.line if exc.line is not None else _user_line(exc.__traceback__, label)
        raise
    except TypeError as exc:
        explained = explain_constructor_error(exc, label)
        if explained is not None:
            explained.line = _user_line(exc.__traceback__, label)
            raise explained from None
        raise _execution_error(exc, label, during) from exc
    except (Exception, SystemExit) as exc:  # exit() in a strategy must not end the caller
        raise _execution_error(exc, label, during) from exc
    _check_swallowed(guard, before, label, during)
    return result


def _check_swallowed(guard: RuntimeGuard, before: int, label: str, during: str) -> None:
    if guard.violation_count > before and guard.last_violation is not None:
        raise _execution_error(guard.last_violation, label, during)


def _execution_error(exc: BaseException, label: str, during: str) -> StrategyExecutionError:
    line = _user_line(exc.__traceback__, label)
    if isinstance(exc, SandboxViolationError):
        return StrategyExecutionError(
            f"{during} was stopped: {exc.message}",
            path=label,
            line=line,
            hint="a strategy only computes; remove file, network and process access",
        )
    return StrategyExecutionError(
        f"{during} raised {type(exc).__name__}: {exc}",
        path=label,
        line=line,
        hint="fix the error at the line shown; loading must not depend on anything but "
        "the file itself",
    )


def _user_line(tb: TracebackType | None, label: str) -> int | None:
    """The line of the deepest traceback frame that belongs to the strategy file."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == label:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``--validate-all [--dir strategies]`` or ``--validate PATH``."""
    from vibetrading_V2.strategy.registry_cli import run

    return run(argv)


if __name__ == "__main__":
    raise SystemExit(main())
