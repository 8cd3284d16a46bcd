"""What every benchmark shares: repeated timing, CPU and peak memory, figures with targets, tables.

The machine may be shared, so wall time is never reported alone: each figure keeps every run
(median, min, max), CPU time sits beside wall time, comparisons are ratios of runs made in the
same sitting, and every result records the load average before and after it ran. A process's
own CPU comes from `time.process_time`, a command's CPU and peak memory from the rusage that
`os.wait4` returns for exactly that child (started by a small launcher, see `run_process`), and
a running process's peak memory from VmHWM in /proc (reset through `clear_refs` so that a
measurement starts from the current size). VmHWM is also what a fresh `isolated` process
reports about itself: its rusage would include the parent's peak at the fork.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

T = TypeVar("T")
Op = Literal["<", "<=", ">", ">="]
MB = 1024 * 1024


def spread(values: Sequence[float]) -> dict[str, float]:
    """Median, min and max of some runs (and how many there were)."""
    if not values:
        raise ValueError("no runs to summarise")
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def load() -> float:
    """The one-minute load average."""
    return os.getloadavg()[0]


@dataclass(frozen=True)
class Target:
    """A bound a figure should meet, e.g. `Target("<=", 1.3)`."""

    op: Op
    value: float

    def met(self, measured: float) -> bool:
        """True when `measured` is within the bound."""
        return {
            "<": measured < self.value,
            "<=": measured <= self.value,
            ">": measured > self.value,
            ">=": measured >= self.value,
        }[self.op]

    def __str__(self) -> str:
        return f"{self.op} {self.value:g}"


@dataclass(frozen=True)
class Figure:
    """One measured quantity over one or more runs, with its unit and its target if any."""

    label: str
    values: tuple[float, ...]
    unit: str = "s"
    target: Target | None = None

    @property
    def median(self) -> float:
        """The median of the runs."""
        return statistics.median(self.values)

    @property
    def met(self) -> bool | None:
        """Whether the median meets the target (None without a target)."""
        return None if self.target is None else self.target.met(self.median)

    def to_json(self) -> dict[str, Any]:
        """The figure as JSON: the spread, every run, the unit, the target and the verdict."""
        out: dict[str, Any] = {**spread(self.values), "values": list(self.values)}
        out["unit"] = self.unit
        out["target"] = None if self.target is None else str(self.target)
        out["met"] = self.met
        return out


@dataclass
class Result:
    """What one benchmark measured, with the load around it and notes on how."""

    name: str
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load_before: float = field(default_factory=load)
    load_after: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def add(
        self,
        label: str,
        values: Sequence[float] | float,
        unit: str = "s",
        target: Target | None = None,
    ) -> Figure:
        """Record a figure (one value or the values of several runs)."""
        runs = tuple(values) if isinstance(values, Sequence) else (float(values),)
        figure = Figure(label, tuple(float(v) for v in runs), unit, target)
        self.figures.append(figure)
        return figure

    def compare(
        self,
        top: tuple[str, Sequence[Mapping[str, float]]],
        bottom: tuple[str, Sequence[Mapping[str, float]]],
        ratio: tuple[str, str],
        target: Target,
    ) -> None:
        """Record two sides run in alternation (`wall_s`, `cpu_s` per run): each side's wall and
        CPU, the wall ratio top/bottom per pair (against `target`) and the ratio of CPU medians.
        `ratio` names the two ratio figures (wall, CPU)."""
        for name, runs in (top, bottom):
            self.add(f"{name} wall", [run["wall_s"] for run in runs])
            self.add(f"{name} CPU", [run["cpu_s"] for run in runs])
        pairs = zip(top[1], bottom[1], strict=True)
        self.add(ratio[0], [a["wall_s"] / b["wall_s"] for a, b in pairs], "x", target)
        cpu = [statistics.median(run["cpu_s"] for run in side[1]) for side in (top, bottom)]
        self.add(ratio[1], cpu[0] / cpu[1], "x")

    def done(self) -> Result:
        """Note the load average at the end."""
        self.load_after = load()
        return self

    def to_json(self) -> dict[str, Any]:
        """The result as JSON."""
        return {
            "name": self.name,
            "figures": {f.label: f.to_json() for f in self.figures},
            "load_average": {"before": self.load_before, "after": self.load_after},
            "notes": list(self.notes),
            **({"extra": self.extra} if self.extra else {}),
        }


@dataclass(frozen=True)
class Sample:
    """Wall and CPU seconds of one timed call, and what it returned."""

    wall_s: float
    cpu_s: float
    value: Any = None


def timed(work: Callable[[], T]) -> Sample:
    """Time one call in this process: wall clock and this process's CPU (all threads)."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = work()
    return Sample(time.perf_counter() - wall, time.process_time() - cpu, value)


def repeat(work: Callable[[], T], runs: int) -> list[Sample]:
    """Time `runs` calls of `work`."""
    return [timed(work) for _ in range(runs)]


@dataclass(frozen=True)
class ProcessRun:
    """One child process: wall and CPU seconds, peak RSS, exit code and output."""

    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int
    stdout: str
    stderr: str


# A child forked from a big process inherits that process's peak RSS in its own rusage
# (Linux keeps the larger of the two across exec), so commands are started by a small launcher
# that times them and reports their rusage: the child is forked from the launcher's small image.
_LAUNCHER = """
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as handle:
    json.dump([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
               os.waitstatus_to_exitcode(status)], handle)
"""


def run_process(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout: float = 600.0,
) -> ProcessRun:
    """Run a command to its end: wall, CPU and peak RSS of the command alone (via a launcher)."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r", suffix=".json") as report,
    ):
        launch = [sys.executable, "-c", _LAUNCHER, report.name, *argv]
        proc = subprocess.Popen(launch, stdout=out, stderr=err, env=env, cwd=cwd)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
        wall, cpu, rss, code = json.loads(report.read() or "[0, 0, 0, -1]")
        out.seek(0)
        err.seek(0)
        return ProcessRun(
            wall_s=wall,
            cpu_s=cpu,
            peak_rss_mb=rss,
            returncode=code if proc.returncode == 0 else proc.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def isolated(task: Callable[..., T], *args: Any) -> T:
    """Run `task(*args)` in a fresh process, so its peak memory and imports are its own."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(task, args)


def _status(pid: int | str, key: str) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise LookupError(f"{key} not in /proc/{pid}/status")


def rss_mb(pid: int | str = "self") -> float:
    """A process's resident memory now, in MB."""
    return _status(pid, "VmRSS")


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak resident memory (VmHWM) since it started or since `reset_peak`."""
    return _status(pid, "VmHWM")


def reset_peak(pid: int | str = "self") -> None:
    """Start a process's peak memory again from its current size (Linux `clear_refs` 5)."""
    with open(f"/proc/{pid}/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")


def process_cpu_s(pid: int) -> float:
    """CPU seconds a running process has used so far (user + system, from /proc)."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` (0-1) of the values fall (nearest rank)."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1))
    return ordered[rank]


def format_table(results: Sequence[Result]) -> str:
    """A plain-text table of every figure: median [min-max], unit, target, verdict, load."""
    rows = [("benchmark", "figure", "median", "min-max", "unit", "target", "met", "load")]
    for result in results:
        shown_load = f"{result.load_before:.1f}->{result.load_after:.1f}"
        for figure in result.figures:
            low, high = min(figure.values), max(figure.values)
            rows.append(
                (
                    result.name,
                    figure.label,
                    _number(figure.median),
                    "" if len(figure.values) == 1 else f"{_number(low)}-{_number(high)}",
                    figure.unit,
                    "" if figure.target is None else str(figure.target),
                    {None: "", True: "yes", False: "NO"}[figure.met],
                    shown_load,
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _number(value: float) -> str:
    if value == 0 or abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"
