"""``make native`` (setup.py) on a machine that cannot compile C keeps the plain modules.

Each case builds in a copy of the project under ``tmp_path`` (never the real build):
with ``CC`` naming no program, and with a compiler that compiles the probe but fails on
the generated code. Both end with exit code 0, one warning line, no compiled file and
"plain-python" recorded; pytest's build check then accepts the plain modules.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests import conftest
from vibetrading_V2.ops import build

ROOT = Path(__file__).resolve().parents[2]
FAILING_CC = """#!/bin/sh
# compiles the probe, fails on anything else (as a broken or killed C build would)
case "$*" in *probe.c*) exec gcc "$@";; esac
echo "cc: simulated failure on $*" >&2
exit 1
"""


def _project_copy(tmp_path: Path, modules: list[str] | None = None) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("setup.py", "pyproject.toml", "README.md", "native_modules.txt"):
        shutil.copy2(ROOT / name, copy / name)
    ignore = shutil.ignore_patterns("*.so", "__pycache__")
    shutil.copytree(ROOT / "src", copy / "src", ignore=ignore)
    if modules is not None:
        (copy / "native_modules.txt").write_text("\n".join(modules) + "\n", encoding="utf-8")
    return copy


def _native_build(copy: Path, cc: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"CC", "LDSHARED"}}
    env.update({"VIBETRADING_NATIVE_BUILD": "1", "CC": cc,
                "VIBETRADING_NATIVE_RECORD": str(copy / ".native")})
    command = [sys.executable, "setup.py", "--quiet", "build_ext", "--inplace"]
    return subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                          timeout=600, check=False)


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def test_native_build_when_no_c_compiler_then_plain_modules_one_warning(
    tmp_path: Path,
) -> None:
    copy = _project_copy(tmp_path)
    done = _native_build(copy, str(tmp_path / "no-such-cc"))
    assert done.returncode == 0, done.stderr
    [warning] = _warnings(done.stderr)
    assert "no C compiler" in warning and "slower" in warning and "plain-Python" in warning
    assert list((copy / "src").rglob("*.so")) == []
    assert (copy / ".native").read_text(encoding="utf-8").splitlines()[0] == "plain-python"


@pytest.mark.skipif(shutil.which("gcc") is None, reason="the probe needs a real gcc")
def test_native_build_when_c_build_fails_then_plain_modules_and_stages_said(
    tmp_path: Path,
) -> None:
    copy = _project_copy(tmp_path, ["src/vibetrading_V2/core/numeric.py"])
    cc = tmp_path / "failing-cc"
    cc.write_text(FAILING_CC, encoding="utf-8")
    cc.chmod(cc.stat().st_mode | stat.S_IXUSR)
    done = _native_build(copy, str(cc))
    assert done.returncode == 0, done.stderr
    assert "native build: type-checking 1 hot modules" in done.stdout
    assert "native build: [1/2] vibetrading_V2.native__mypyc" in done.stdout
    [warning] = _warnings(done.stderr)
    assert "the C build failed" in warning
    assert list((copy / "src").rglob("*.so")) == []
    record = (copy / ".native").read_text(encoding="utf-8").splitlines()
    assert record[0] == "plain-python" and "C build failed" in record[1]


def test_build_info_when_sources_not_compiled_then_plain_python(tmp_path: Path) -> None:
    copy = _project_copy(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(copy / "src")}
    code = "from vibetrading_V2.ops.build import build_info; print(build_info())"
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "plain-python"


def test_build_info_when_called_then_names_the_loaded_build() -> None:
    compiled = not str(build.types.__file__).endswith(".py")
    assert build.build_info() == ("compiled" if compiled else "plain-python")


def test_required_build_when_plain_and_fallback_recorded_then_warning_not_refusal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / ".native").write_text("plain-python\nno C compiler\n", "utf-8")
    monkeypatch.setattr(build, "build_info", lambda: "plain-python")
    warning = conftest.check_required_build(tmp_path)
    assert warning is not None and "no C compiler" in warning


@pytest.mark.parametrize("record", [None, "", "compiled\n27 modules compiled with mypyc\n"])
def test_required_build_when_plain_without_recorded_fallback_then_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record: str | None
) -> None:
    if record is not None:
        (tmp_path / ".venv").mkdir()
        (tmp_path / ".venv" / ".native").write_text(record, "utf-8")
    monkeypatch.setattr(build, "build_info", lambda: "plain-python")
    with pytest.raises(pytest.UsageError, match="make native"):
        conftest.check_required_build(tmp_path)


def test_required_build_when_compiled_then_nothing_to_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(build, "build_info", lambda: "compiled")
    assert conftest.check_required_build(tmp_path) is None
