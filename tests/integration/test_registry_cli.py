"""``python -m vibetrading_V2.strategy.registry`` as a user runs it, and the policy file.

The CLI runs in a real subprocess from the repository root; policy files live in tmp_path.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from vibetrading_V2.core.errors import ConfigError
from vibetrading_V2.strategy.sandbox import load_sandbox_policy

REPO = Path(__file__).resolve().parents[2]


def _registry(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "vibetrading_V2.strategy.registry", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_when_validate_all_on_shipped_strategies_then_exit_0_and_ok_row() -> None:
    result = _registry("--validate-all")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "my_strategy_a.py" in result.stdout
    assert "my_strategy_a@1.0.0" in result.stdout
    assert "FAIL" not in result.stdout


def test_cli_when_file_is_invalid_then_exit_2_with_file_lines_and_no_traceback() -> None:
    result = _registry("--validate", "tests/fixtures/strategies/several_imports.py")
    assert result.returncode == 2
    output = result.stdout + result.stderr
    assert "several_imports.py" in result.stderr
    assert "line 6: os (" in result.stderr
    assert "fix:" in result.stderr
    assert "Traceback" not in output
    assert len(output.splitlines()) < 25  # one screen


def test_load_policy_when_file_missing_then_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sandbox policy file not found"):
        load_sandbox_policy(tmp_path / "sandbox.yaml")


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("allowed_modules: [numpy\n", "cannot be read"),
        ("- just\n- a list\n", "must be a mapping"),
        ("allowed_modules: [numpy]\ndenied_modules: {}\nallowed_modles: []\n", "invalid"),
        ("allowed_modules: ['not a module']\ndenied_modules: {}\n", "dotted module name"),
    ],
    ids=["bad-yaml", "not-a-mapping", "unknown-key", "bad-name"],
)
def test_load_policy_when_file_invalid_then_config_error_names_file(
    tmp_path: Path, text: str, pattern: str
) -> None:
    path = tmp_path / "sandbox.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=pattern) as caught:
        load_sandbox_policy(path)
    assert str(path) in str(caught.value)


def test_load_policy_when_no_path_then_cwd_config_preferred(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "sandbox.yaml").write_text(
        "allowed_modules: [math]\ndenied_modules: {os: operating system}\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    policy = load_sandbox_policy()
    assert policy.allowed_modules == ("math",)


def test_load_policy_when_cwd_has_no_config_then_repository_config_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    policy = load_sandbox_policy()
    assert policy == load_sandbox_policy(REPO / "config" / "sandbox.yaml")
    assert policy.reason_for("numpy") is None
