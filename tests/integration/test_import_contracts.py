"""The import contracts hold on the repository, and really catch a forbidden edge.

A contract that can never fail proves nothing, so the second test copies the packages and
``.importlinter`` into tmp_path, plants three forbidden imports (core -> runner, a strategy
-> venues, the SDK -> yaml) and expects the contracts that forbid them to break. The
repository itself is never modified. ``PYTHONPATH`` points at the copy: the editable
install's finder sits at the end of ``sys.meta_path``, so the path finder sees the copy
first; the planted modules exist only in the copy, so a shadowed run could not report them.
"""

from __future__ import annotations

import configparser
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
PACKAGES = {"vibetrading_V2": REPO / "src" / "vibetrading_V2", "cli": REPO / "cli"}
PACKAGES["strategies"] = REPO / "strategies"


def _lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _contract_names() -> dict[str, str]:
    parser = configparser.ConfigParser()
    parser.read(REPO / ".importlinter", encoding="utf-8")
    prefix = "importlinter:contract:"
    return {s.removeprefix(prefix): parser[s]["name"] for s in parser if s.startswith(prefix)}


def _verdicts(output: str) -> dict[str, str]:
    return {m[1]: m[2] for m in re.finditer(r"^(.+?) (KEPT|BROKEN)$", output, re.MULTILINE)}


def test_lint_imports_when_run_on_repository_then_every_contract_kept() -> None:
    result = _lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    verdicts = _verdicts(result.stdout)
    assert set(verdicts) == set(_contract_names().values())
    assert set(verdicts.values()) == {"KEPT"}


def test_lint_imports_when_forbidden_edges_planted_in_a_copy_then_those_contracts_break(
    tmp_path: Path,
) -> None:
    for name, source in PACKAGES.items():
        shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    (tmp_path / "vibetrading_V2" / "core" / "planted_leak.py").write_text(
        "import vibetrading_V2.runner\n", encoding="utf-8"
    )
    (tmp_path / "strategies" / "planted_leak.py").write_text(
        "from vibetrading_V2 import venues\n", encoding="utf-8"
    )
    sdk = tmp_path / "vibetrading_V2" / "strategy" / "bundle.py"
    sdk.write_text(sdk.read_text(encoding="utf-8") + "\nimport yaml  # planted\n", "utf-8")

    result = _lint_imports(tmp_path, pythonpath=tmp_path)

    assert result.returncode != 0
    names = _contract_names()
    verdicts = _verdicts(result.stdout)
    for contract in ("core-is-pure", "layers", "strategies-isolated", "sdk-independent-of-loader"):
        assert verdicts.get(names[contract]) == "BROKEN", result.stdout
    assert verdicts.get(names["adapters-independent"]) == "KEPT"
    assert "vibetrading_V2.core.planted_leak -> vibetrading_V2.runner" in result.stdout
    assert "strategies.planted_leak -> vibetrading_V2.venues" in result.stdout
    assert "vibetrading_V2.strategy.bundle -> yaml" in result.stdout
    assert not (REPO / "strategies" / "planted_leak.py").exists()
