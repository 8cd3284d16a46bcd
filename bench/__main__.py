"""`python -m bench` (`make bench`): run the benchmarks, print one table, save the figures as JSON.

Options: `--only NAME[,NAME]` runs some of them, `--quick` uses the small smoke sizes, `--runs N`
overrides how many times each measurement is repeated. The JSON goes to
bench/results/<UTC timestamp>.json and bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import platform
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.harness import Result, format_table, load

RESULTS = Path(__file__).resolve().parent / "results"
# name -> "module[:function]"; the function (default `run`) takes quick: bool, runs: int | None
# and returns a list of Result
BENCHMARKS = {
    "startup": "bench.startup",
    "router": "bench.startup:run_router",
    "stream": "bench.stream",
    "upload": "bench.upload",
    "concurrency": "bench.concurrency",
    "render": "bench.render_cases",
    "moviepy": "bench.moviepy_cmp",
    "e2e": "bench.e2e",
}


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", metavar="NAME[,NAME]", help=f"any of {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="small smoke sizes, one run each")
    parser.add_argument("--runs", type=int, metavar="N", help="repeat each measurement N times")
    args = parser.parse_args(argv)
    names = BENCHMARKS if args.only is None else [n.strip() for n in args.only.split(",") if n]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(
            f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}"
        )
    if args.runs is not None and args.runs < 1:
        parser.error("--runs is 1 or more")
    args.names = list(names)
    return args


def run_one(name: str, quick: bool, runs: int | None) -> list[Result]:
    """Run one benchmark; a failure becomes a result that says so instead of stopping the rest."""
    print(f"== {name} (load {load():.1f})", file=sys.stderr, flush=True)
    start = time.perf_counter()
    try:
        module_name, _, function = BENCHMARKS[name].partition(":")
        module = importlib.import_module(module_name)
        results: list[Result] = getattr(module, function or "run")(quick=quick, runs=runs)
    except Exception:
        failed = Result(name)
        failed.notes.append("FAILED: " + traceback.format_exc(limit=8))
        print(failed.notes[-1], file=sys.stderr, flush=True)
        return [failed.done()]
    print(f"   {name} took {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    return results


def save(results: Sequence[Result], args: argparse.Namespace) -> Path:
    """Write the figures to a timestamped file and to latest.json."""
    stamp = datetime.datetime.now(datetime.UTC)
    document: dict[str, Any] = {
        "when": stamp.isoformat(timespec="seconds"),
        "quick": args.quick,
        "runs": args.runs,
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": _cpus(),
        },
        "results": [r.to_json() for r in results],
    }
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{stamp.strftime('%Y%m%dT%H%M%SZ')}.json"
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    path.write_text(text, "utf-8")
    (RESULTS / "latest.json").write_text(text, "utf-8")
    return path


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen benchmarks; exit code 1 when one of them failed to run."""
    args = parse(argv)
    results: list[Result] = []
    for name in args.names:
        results.extend(run_one(name, args.quick, args.runs))
    print(format_table(results))
    for result in results:
        for note in result.notes:
            print(f"[{result.name}] {note}")
    print(f"results: {save(results, args)}")
    failed = any(note.startswith("FAILED") for r in results for note in r.notes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
