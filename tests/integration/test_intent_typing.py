"""The type checker reads ``Intent.long`` / ``Intent.short`` keywords as typed: a user's
strategy needs no ``type: ignore`` on them, and a misspelled or mistyped keyword is caught
before the run."""

from __future__ import annotations

from pathlib import Path

from mypy import api

SRC = Path(__file__).resolve().parents[2] / "src"

USER_CODE = '''\
from vibetrading_V2.core.types import Intent

fine = Intent.long("AAA", quantity=1.0, stop_loss=0.9, take_profit=1.2, rationale=("x",))
also_fine = Intent.short("AAA", weight=0.5, confidence=0.8)
misspelled = Intent.long("AAA", quantitty=1.0)
mistyped = Intent.short("AAA", rationale="x")
'''


def test_intent_shortcuts_when_type_checked_then_only_bad_keywords_are_errors(
    tmp_path: Path,
) -> None:
    source = tmp_path / "user_strategy.py"
    source.write_text(USER_CODE, encoding="utf-8")
    config = tmp_path / "mypy.ini"
    config.write_text(f"[mypy]\nstrict = True\nmypy_path = {SRC}\nfollow_imports = silent\n",
                      encoding="utf-8")
    report, _, _ = api.run([f"--config-file={config}", "--cache-dir=/dev/null", str(source)])
    errors = [line for line in report.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["5", "6"], report
    assert '"quantitty"' in errors[0] and '"rationale"' in errors[1]
