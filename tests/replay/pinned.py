"""The bundled dev run's output files, pinned by digest: ``fixtures/dev_run.json``.

Each pinned file is described by its sha256, its size in bytes and its data rows (lines
after the header), so a failing comparison says at once whether rows came or went.

Re-pin only when a change of the outputs is intended, and say why in the commit:

    python -m cli.backtest --env dev --out /tmp/dev-run
    python -m tests.replay.pinned /tmp/dev-run
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import TypedDict

PINNED_FILES = ("trades.csv", "orders.csv", "equity.csv")
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "dev_run.json"


class Pin(TypedDict):
    """One output file as pinned."""

    sha256: str
    bytes: int
    rows: int


def describe(path: Path) -> Pin:
    """The digest, size and data-row count of one output file."""
    data = path.read_bytes()
    return Pin(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data),
               rows=max(data.count(b"\n") - 1, 0))


def describe_run(out: Path) -> dict[str, Pin]:
    """Every pinned file of the run written to ``out``."""
    return {name: describe(out / name) for name in PINNED_FILES}


def load_pins(fixture: Path = FIXTURE) -> dict[str, Pin]:
    """The pinned descriptions, by file name."""
    loaded: dict[str, Pin] = json.loads(fixture.read_text(encoding="utf-8"))
    return loaded


def write_pins(out: Path, fixture: Path = FIXTURE) -> None:
    """Pin the files of the run written to ``out`` (overwrites the fixture)."""
    text = json.dumps(describe_run(out), indent=2, sort_keys=True) + "\n"
    fixture.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write_pins(Path(sys.argv[1]))
    print(f"pinned {', '.join(PINNED_FILES)} of {sys.argv[1]} in {FIXTURE}")
