"""Where a many-symbol run's extra cost goes, in instructions: exact, so noise cannot hide it.

Timed figures on a shared machine swing by ±15 % from one minute to the next; a cut of a few
percent cannot be seen in them. This counts instructions under valgrind's callgrind (only
inside ``TradingEngine.run``) for four runs over the same number of bars:

- N symbols × (bars / N) and one symbol × bars, each with ``sma_many_bench`` trading;
- the same two with ``trade: 0`` (the quiet twin: every read of ``on_bar``, no intent).

A run's instructions less its quiet twin's, over its orders, are what an order costs there;
the twins' instructions over the bars are what a bar costs without orders. The report gives
both for both runs and, per compiled function, how much more an order costs with N symbols
than with one (``per_order_extra``): the code whose work grows with the symbols.

```
.venv/bin/python -m benchmarks.instruction_split [--symbols 40] [--bars 230400] [--top 25]
```

Needs ``valgrind`` on the PATH; about two minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.bench_many_symbols import many_container, symbol_name, write_many
from benchmarks.harness import write_figures

HERE = Path(__file__).resolve().parent
_ENTRY = "CPyDef_engine___TradingEngine___run"
_LINE = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+(\S+)")


def child(catalog: Path, n_symbols: int, trade: int) -> None:
    """One engine run (the process valgrind watches); prints its fills."""
    with tempfile.TemporaryDirectory(prefix="vt-split-") as out:
        symbols = [symbol_name(i) for i in range(n_symbols)]
        _, container = many_container(catalog, symbols, Path(out), params={"trade": trade})
        run = container.engine().run(container.feed())
        print(json.dumps({"fills": len(run.fills)}))
        container.logger().close()


def counted(catalog: Path, n_symbols: int, trade: int, out: Path) -> dict[str, Any]:
    """Run ``child`` under callgrind; its fills and inclusive instructions per function."""
    command = [
        "valgrind", "--tool=callgrind", f"--toggle-collect={_ENTRY}",
        f"--callgrind-out-file={out}", sys.executable, "-m", "benchmarks.instruction_split",
        "--child", str(catalog), str(n_symbols), str(trade),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=True,
                          cwd=HERE.parent)
    fills = json.loads(done.stdout.strip().splitlines()[-1])["fills"]
    annotated = subprocess.run(
        ["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--auto=no", str(out)],
        capture_output=True, text=True, check=True).stdout
    return {"fills": fills, "functions": _inclusive(annotated)}


def _inclusive(annotated: str) -> dict[str, int]:
    """Compiled functions' inclusive instructions (``CPyDef_`` dropped), and the total."""
    functions: dict[str, int] = {}
    for line in annotated.splitlines():
        match = _LINE.match(line)
        if match is None:
            continue
        count, where = int(match.group(1).replace(",", "")), match.group(2)
        name = where.rsplit(":", 1)[-1]
        if where == "PROGRAM":
            functions["(total)"] = count
        elif name.startswith("CPyDef_"):  # listed again under each inlined file: the most
            key = name.removeprefix("CPyDef_")
            functions[key] = max(functions.get(key, 0), count)
    return functions


def split(runs: dict[str, dict[str, Any]], bars: int, top: int) -> dict[str, Any]:
    """Per bar and per order, for the many-symbol run and the one-symbol run."""
    figures: dict[str, Any] = {}
    per_order: dict[str, dict[str, float]] = {}
    for side in ("many", "one"):
        trading, quiet = runs[f"{side}_trading"], runs[f"{side}_quiet"]
        orders = max(trading["fills"], 1)
        total, total_quiet = trading["functions"]["(total)"], quiet["functions"]["(total)"]
        figures[f"{side}_fills"] = trading["fills"]
        figures[f"{side}_instructions_per_bar"] = round(total / bars)
        figures[f"{side}_quiet_instructions_per_bar"] = round(total_quiet / bars)
        figures[f"{side}_instructions_per_order"] = round((total - total_quiet) / orders)
        per_order[side] = {
            name: (count - quiet["functions"].get(name, 0)) / orders
            for name, count in trading["functions"].items()
        }
    figures["instructions_ratio"] = round(
        figures["many_instructions_per_bar"] / figures["one_instructions_per_bar"], 3)
    figures["quiet_instructions_ratio"] = round(
        figures["many_quiet_instructions_per_bar"] / figures["one_quiet_instructions_per_bar"], 3)
    names = set(per_order["many"]) | set(per_order["one"])
    extra = {name: per_order["many"].get(name, 0.0) - per_order["one"].get(name, 0.0)
             for name in names if name != "(total)"}
    ranked = sorted(extra.items(), key=lambda item: -abs(item[1]))[:top]
    figures["per_order_extra"] = {
        name: [round(value), round(per_order["many"].get(name, 0.0)),
               round(per_order["one"].get(name, 0.0))] for name, value in ranked
    }
    return figures


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--symbols", type=int, default=40)
    parser.add_argument("--bars", type=int, default=230_400,
                        help="bars of each run (the many-symbol one: bars / symbols each)")
    parser.add_argument("--top", type=int, default=25, help="functions listed")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    parser.add_argument("--child", nargs=3, metavar=("CATALOG", "SYMBOLS", "TRADE"),
                        help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    if args.child:
        child(Path(args.child[0]), int(args.child[1]), int(args.child[2]))
        return 0
    if shutil.which("valgrind") is None:
        print("instruction_split needs valgrind (apt-get install valgrind)", file=sys.stderr)
        return 2
    bars = args.bars // args.symbols * args.symbols  # both runs: the same bars
    with tempfile.TemporaryDirectory(prefix="vt-split-") as directory:
        root = Path(directory)
        many = write_many(root / "many", args.symbols, bars // args.symbols)
        one = write_many(root / "one", 1, bars)
        plan = {f"{side}_{mode}": (catalog, n, trade)
                for side, catalog, n in (("many", many, args.symbols), ("one", one, 1))
                for mode, trade in (("trading", 1), ("quiet", 0))}
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {key: pool.submit(counted, *job, root / f"{key}.callgrind")
                       for key, job in plan.items()}
            runs = {key: future.result() for key, future in futures.items()}
    figures = {"symbols": args.symbols, "bars": bars, **split(runs, bars, args.top)}
    write_figures(args.out, f"instruction_split_{args.symbols}x{args.bars}.json", figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
