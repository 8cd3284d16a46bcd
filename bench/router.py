"""Router benchmark: route 100,000 realistic lines in-process; the target is under 1 s.

The lines are the router's case table (English, Chinese, mixed, negations, edits, slash
commands, dragged paths and URLs) cycled to 100,000. Paths are checked against an in-memory
set, as the CLI would check them against the disk, so the figure is the router's own cost.
Reported: wall and CPU seconds, each the median of 5 runs with min and max, and the load
average (the machine is shared, and wall time suffers first). Apart from that, one run that
also reads every intent's language (`Intent.lang` is worked out on first read; the one French
line of the table needs langdetect, about 10 ms a time). Run: `python -m bench.router [count]`.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import yaml

from vidskill.router import route

CASES = Path(__file__).resolve().parent.parent / "tests" / "data" / "router_cases.yaml"
FOLDER = "/bench/drop"
COUNT = 100_000
RUNS = 5


def workload(count: int = COUNT) -> tuple[list[str], Callable[[str], bool]]:
    """`count` lines cycled from the case table, and an `exists` that knows their files."""
    cases: list[dict[str, Any]] = yaml.safe_load(CASES.read_text("utf-8"))
    lines = [case["text"].replace("{dir}", FOLDER) for case in cases]
    existing = {f"{FOLDER}/{name}" for case in cases for name in case.get("create", ())}
    existing.add(FOLDER)
    return [lines[i % len(lines)] for i in range(count)], existing.__contains__


def timed(lines: Sequence[str], exists: Callable[[str], bool]) -> tuple[float, float]:
    """Wall and CPU seconds to route every line once."""
    wall, cpu = time.perf_counter(), time.process_time()
    for line in lines:
        route(line, exists=exists, home=FOLDER)
    return time.perf_counter() - wall, time.process_time() - cpu


def with_language(lines: Sequence[str], exists: Callable[[str], bool]) -> float:
    """Seconds to route every line and read its language."""
    start = time.perf_counter()
    for line in lines:
        route(line, exists=exists, home=FOLDER).lang  # noqa: B018 - reading it is the work
    return time.perf_counter() - start


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    """Run the benchmark, print its figures and return them."""
    args = list(sys.argv[1:] if argv is None else argv)
    count = int(args[0]) if args else COUNT
    lines, exists = workload(count)
    with_language(lines[:1000], exists)  # warm up: first calls, language profiles
    runs = [timed(lines, exists) for _ in range(RUNS)]
    wall, cpu = _spread([w for w, _ in runs]), _spread([c for _, c in runs])
    lang_s = with_language(lines, exists)
    figures: dict[str, Any] = {
        "name": "router",
        "utterances": count,
        "distinct": len(set(lines)),
        "wall_s": wall,
        "cpu_s": cpu,
        "us_per_line": wall["median"] / count * 1e6,
        "load_average": os.getloadavg()[0],
        "with_language_s": lang_s,
        "target_s": 1.0,
    }
    print(
        f"router: {count:,} lines ({figures['distinct']} distinct) in {wall['median']:.3f} s wall "
        f"(min {wall['min']:.3f}, max {wall['max']:.3f}), {cpu['median']:.3f} s CPU "
        f"(min {cpu['min']:.3f}, max {cpu['max']:.3f}), {figures['us_per_line']:.1f} us/line, "
        f"target < 1 s; load average {figures['load_average']:.1f}\n"
        f"router + language: {lang_s:.3f} s"
    )
    return figures


if __name__ == "__main__":
    main()
