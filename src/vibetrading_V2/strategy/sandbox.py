"""Strategy sandbox: which modules a strategy may import, checked before and during import.

Two layers, both driven by one :class:`SandboxPolicy` read from ``config/sandbox.yaml``:

* :func:`scan_source` reads the parsed file and lists **every** forbidden import, relative
  import, forbidden built-in call (``open``, ``eval``, ``__import__`` ...) and escape
  attribute (``__globals__``, ``f_back`` ...) with its line, before any of it runs.
* :func:`guarded_imports` wraps ``builtins.__import__`` (and ``importlib.import_module``)
  while the module body runs, so an import the scan could not see (a name computed at run
  time) is refused too. Only imports requested by the strategy's own frames are checked;
  numpy or pandas importing their submodules pass untouched.

I/O done through allowed libraries (``pd.read_csv`` in ``on_bar``) is the job of the
runtime guard in :mod:`vibetrading_V2.strategy.guard`. None of this is a security boundary
against a determined attacker; it stops mistakes and shortcuts early, with a clear message.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import re
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from vibetrading_V2.core.errors import ConfigError, ForbiddenImport, ForbiddenImportError

__all__ = [
    "DEFAULT_POLICY_PATH",
    "SandboxPolicy",
    "guarded_imports",
    "imported_modules",
    "load_sandbox_policy",
    "scan_source",
]

DEFAULT_POLICY_PATH = Path("config") / "sandbox.yaml"
_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_NOT_ALLOWED = "not in the sandbox allow-list (config/sandbox.yaml)"
_RUNTIME = "imported while the module ran"
_KEYS_HINT = "allowed keys: allowed_modules, denied_modules, denied_builtins, denied_attributes"


class SandboxPolicy(BaseModel):
    """The allow- and deny-lists a strategy is held to; data, so users can read and tune it.

    A module is judged by its most specific entry (longest dotted prefix) in either list, so
    ``numpy`` can be allowed while ``numpy.ctypeslib`` is denied. Unlisted means refused.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    allowed_modules: tuple[str, ...]
    denied_modules: Mapping[str, str]
    denied_builtins: Mapping[str, str] = Field(default_factory=dict, validate_default=True)
    denied_attributes: Mapping[str, str] = Field(default_factory=dict, validate_default=True)

    @field_validator("allowed_modules")
    @classmethod
    def _check_allowed(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for name in value:
            _check_module_name(name)
        return value

    @field_validator("denied_modules")
    @classmethod
    def _check_denied(cls, value: Mapping[str, str]) -> Mapping[str, str]:
        for name in value:
            _check_module_name(name)
        return MappingProxyType(dict(value))

    @field_validator("denied_builtins", "denied_attributes")
    @classmethod
    def _freeze(cls, value: Mapping[str, str]) -> Mapping[str, str]:
        return MappingProxyType(dict(value))

    def reason_for(self, module: str) -> str | None:
        """Why ``module`` is forbidden, or ``None`` when the allow-list admits it."""
        _, allowed, reason = self._rule_for(module)
        return None if allowed else reason

    def _rule_for(self, module: str) -> tuple[str, bool, str]:
        """The most specific matching entry: (entry, allowed?, reason if denied)."""
        best, allowed, reason = "", False, _NOT_ALLOWED
        for entry in self.allowed_modules:
            if _covers(entry, module) and len(entry) > len(best):
                best, allowed = entry, True
        for entry, why in self.denied_modules.items():
            if _covers(entry, module) and len(entry) >= len(best):
                best, allowed, reason = entry, False, why
        return best, allowed, reason


def _check_module_name(name: str) -> None:
    if not _MODULE_NAME.match(name):
        raise ValueError(f"{name!r} is not a dotted module name")


def _covers(entry: str, module: str) -> bool:
    return module == entry or module.startswith(entry + ".")


def load_sandbox_policy(path: Path | None = None) -> SandboxPolicy:
    """Read the sandbox lists from ``path`` (default: ``config/sandbox.yaml`` of the repo).

    Without a path, ``config/sandbox.yaml`` is looked up under the current directory, then
    beside the installed package's repository. Missing or invalid files raise ``ConfigError``.
    """
    resolved = path if path is not None else _default_policy_path()
    try:
        raw = yaml.safe_load(resolved.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            "sandbox policy file not found",
            path=str(resolved),
            hint="restore config/sandbox.yaml from the repository or pass its path",
        ) from None
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"sandbox policy file cannot be read: {exc}",
            path=str(resolved),
            hint="fix the YAML syntax",
        ) from None
    if not isinstance(raw, dict):
        raise ConfigError(
            "sandbox policy must be a mapping with allowed_modules and denied_modules",
            path=str(resolved),
            hint="see the comments at the top of config/sandbox.yaml",
        )
    try:
        return SandboxPolicy.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            f"invalid sandbox policy: {first['msg']}",
            path=str(resolved),
            field=field,
            hint=_KEYS_HINT if first["type"] == "extra_forbidden" else f"fix the value of {field}",
        ) from None


def _default_policy_path() -> Path:
    local = Path.cwd() / DEFAULT_POLICY_PATH
    if local.is_file():
        return local
    # src/vibetrading_V2/strategy/sandbox.py -> the repository root is three levels up
    return Path(__file__).resolve().parents[3] / DEFAULT_POLICY_PATH


def scan_source(tree: ast.Module, policy: SandboxPolicy) -> list[ForbiddenImport]:
    """Every forbidden import, built-in call and escape attribute in ``tree``, by line."""
    found: list[tuple[int, int, int, ForbiddenImport]] = []
    bound = _bound_names(tree)
    reported: set[int] = set()

    def add(node: ast.AST, module: str, reason: str) -> None:
        line, col = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", None) or 0
        found.append((line, col, end, ForbiddenImport(module=module, line=line, reason=reason)))

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                reason = policy.reason_for(alias.name)
                if reason is not None:
                    add(node, alias.name, reason)
        elif isinstance(node, ast.ImportFrom):
            for module, reason in _judge_from_import(node, policy):
                add(node, module, reason)
        elif isinstance(node, ast.Call):
            literal = _literal_module(node)
            name = _called_name(node)
            if literal is not None and name in ("__import__", "import_module"):
                why = policy.reason_for(literal) or "dynamic import bypasses the allow-list"
                add(node, f"{name}({literal!r})", why)
                reported.add(id(node.func))  # not again as a bare attribute
            elif (
                isinstance(node.func, ast.Name)
                and node.func.id in policy.denied_builtins
                and node.func.id not in bound
            ):
                add(node, f"{node.func.id}()", policy.denied_builtins[node.func.id])
        elif (
            isinstance(node, ast.Attribute)
            and node.attr in policy.denied_attributes
            and id(node) not in reported
        ):
            add(node, f".{node.attr}", policy.denied_attributes[node.attr])
        elif isinstance(node, ast.Name) and node.id == "__builtins__":
            add(node, "__builtins__", policy.denied_attributes.get(node.id, "escape hatch"))
    found.sort(key=lambda item: item[:3])
    return list(_dedupe(item[3] for item in found))


def _dedupe(found: Iterable[ForbiddenImport]) -> Iterator[ForbiddenImport]:
    seen: set[tuple[int, str]] = set()
    for violation in found:
        key = (violation.line, violation.module)
        if key not in seen:
            seen.add(key)
            yield violation


def _judge_from_import(node: ast.ImportFrom, policy: SandboxPolicy) -> list[tuple[str, str]]:
    """Forbidden names of one ``from x import a, b``; ``x`` once if nothing more specific."""
    if node.level:
        shown = "." * node.level + (node.module or "")
        return [(shown, "relative imports do not work: strategy files load standalone")]
    module = node.module or ""
    base_rule, base_allowed, base_reason = policy._rule_for(module)
    out: list[tuple[str, str]] = []
    base_reported = False
    for alias in node.names:
        if alias.name == "*":
            rule, allowed, reason = base_rule, base_allowed, base_reason
        else:
            rule, allowed, reason = policy._rule_for(f"{module}.{alias.name}")
        if rule != base_rule:
            if not allowed:
                out.append((f"{module}.{alias.name}", reason))
        elif not base_allowed and not base_reported:
            out.append((module, base_reason))
            base_reported = True
    return out


def _called_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _literal_module(node: ast.Call) -> str | None:
    if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
        return node.args[0].value
    return None


def _bound_names(tree: ast.Module) -> frozenset[str]:
    """Names the file itself binds (a local ``input = ...`` is not the built-in)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            names.add(node.name)
    return frozenset(names)


def imported_modules(tree: ast.Module, policy: SandboxPolicy) -> list[str]:
    """Allowed modules the file imports, to import them before the guarded run.

    Importing numpy for the first time touches the environment and loads C libraries; that
    is trusted library work, done once outside the runtime guard.
    """
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names.append(node.module)
    return [name for name in dict.fromkeys(names) if policy.reason_for(name) is None]


@contextmanager
def guarded_imports(
    namespace: dict[str, Any], path: str, policy: SandboxPolicy
) -> Iterator[list[ForbiddenImport]]:
    """Refuse forbidden imports requested from ``namespace``'s code while the block runs.

    Yields the list of violations seen, so a strategy that swallows the error is still
    reported by the caller. The originals are restored in ``finally``.
    """
    violations: list[ForbiddenImport] = []
    original_import = builtins.__import__
    original_import_module = importlib.import_module

    def check(module: str, fromlist: Sequence[str] | None) -> None:
        caller = sys._getframe(2)
        if caller.f_globals is not namespace:
            return
        bad = [module] if policy.reason_for(module) is not None else []
        if not bad and fromlist:
            bad = [f"{module}.{n}" for n in fromlist if policy.reason_for(f"{module}.{n}")]
        if bad:
            new = [
                ForbiddenImport(name, caller.f_lineno, f"{_RUNTIME}: {policy.reason_for(name)}")
                for name in bad
            ]
            violations.extend(new)
            raise ForbiddenImportError(path, new)

    def checked_import(
        name: str,
        globals: Mapping[str, object] | None = None,
        locals: Mapping[str, object] | None = None,
        fromlist: Sequence[str] | None = (),
        level: int = 0,
    ) -> ModuleType:
        if level == 0:
            check(name, fromlist)
        return original_import(name, globals, locals, fromlist or (), level)

    def checked_import_module(name: str, package: str | None = None) -> ModuleType:
        if not name.startswith("."):
            check(name, None)
        return original_import_module(name, package)

    builtins.__import__ = checked_import
    importlib.import_module = checked_import_module
    try:
        yield violations
    finally:
        builtins.__import__ = original_import
        importlib.import_module = original_import_module
