"""StructLogger writing a real JSON-lines file."""

from __future__ import annotations

import json
import re
from pathlib import Path

from vibetrading_V2.ops.logging import StructLogger, new_run_id


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


def test_struct_logger_when_fresh_with_run_id_then_one_run_per_file_each_line_tagged(
    tmp_path: Path,
) -> None:
    path = tmp_path / "run.log.jsonl"
    for run_id in (new_run_id(), new_run_id()):
        log = StructLogger(now_ns=lambda: 0, env="dev", service="x", json_path=path,
                           run_id=run_id, fresh=True)
        log.info("run", run_id="user field")
        log.info("done")
        log.close()
    records = [json.loads(x) for x in path.read_text().splitlines()]
    assert [r["event"] for r in records] == ["run", "done"]  # the first run's lines are gone
    assert {r["run_id"] for r in records} == {run_id}
    assert list(records[0])[:6] == ["ts", "level", "event", "env", "service", "run_id"]
    assert records[0]["run_id_"] == "user field"


def test_new_run_id_when_called_twice_then_ids_differ_and_start_with_the_utc_time() -> None:
    first, second = new_run_id(), new_run_id()
    assert first != second
    assert re.fullmatch(r"\d{8}T\d{6}Z-[0-9a-f]{6}", first)
