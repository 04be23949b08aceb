"""StructLogger writing a real JSON-lines file."""

from __future__ import annotations

import json
from pathlib import Path

from vibetrading_V2.ops.logging import StructLogger


def test_struct_logger_when_json_path_then_file_has_valid_lines_after_close(
    tmp_path: Path,
) -> None:
    path = tmp_path / "logs" / "run.jsonl"
    with StructLogger(now_ns=lambda: 0, env="paper", service="paper", json_path=path) as log:
        log.info("start", api_token="t0k3n")
        log.debug("bar", i=1)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(x)["event"] for x in lines] == ["start", "bar"]
    assert json.loads(lines[0])["api_token"] == "***"


def test_struct_logger_when_file_exists_then_appends(tmp_path: Path) -> None:
    path = tmp_path / "run.jsonl"
    for i in range(2):
        log = StructLogger(now_ns=lambda: 0, env="dev", service="x", json_path=path)
        log.info("run", n=i)
        log.close()
    assert [json.loads(x)["n"] for x in path.read_text().splitlines()] == [0, 1]
