"""End to end: the one-shot commands a host agent runs, against the embedded local backend.

Each run starts from a fresh HOME and runs, as separate processes: `vidskill upload` (three
2400x1600 photos and a logo), `vidskill say "create a 30-second product showcase video with
background music and text overlays"`, `vidskill export` (1080p) and `vidskill export --preview`
(540p, the fastest preset). Every command starts its own embedded backend, as it does for a
user. Wall time is spawn to exit; CPU is the process's and its render workers' (rusage). The
files are probed with PyAV. Targets: upload + say + export under 20 s, preview under 4 s.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from bench.harness import ProcessRun, Result, Target, run_process
from bench.startup import fresh_env

MESSAGE = "create a 30-second product showcase video with background music and text overlays"
STEPS = ("upload", "say", "export", "preview")


def commands(folder: Path) -> dict[str, list[str]]:
    """The command line of each step."""
    head = [sys.executable, "-m", "vidskill"]
    tail = ["--local", "--json", "--progress", "none"]
    photos = [str(folder / f"photo{i}.jpg") for i in range(3)] + [str(folder / "logo.png")]
    return {
        "upload": [*head, "upload", *photos, *tail],
        "say": [*head, "say", MESSAGE, *tail],
        "export": [*head, "export", "-o", str(folder / "showcase.mp4"), *tail],
        "preview": [*head, "export", "--preview", "-o", str(folder / "preview.mp4"), *tail],
    }


def probe(path: Path) -> tuple[int, int, float]:
    """Width, height and duration (s) of an MP4."""
    import av

    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        return stream.width, stream.height, float(container.duration or 0) / 1e6


def one_run(assets: Path) -> dict[str, ProcessRun]:
    """The four steps from a fresh HOME; raises when a step fails or a file is wrong."""
    runs: dict[str, ProcessRun] = {}
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for name in ("photo0.jpg", "photo1.jpg", "photo2.jpg", "logo.png"):
            (folder / name).write_bytes((assets / name).read_bytes())
        env = fresh_env(str(folder / "home"))
        for step, argv in commands(folder).items():
            run = run_process(argv, env=env, cwd=work)
            report = json.loads(run.stdout.splitlines()[-1]) if run.stdout.strip() else {}
            if run.returncode != 0 or not report.get("ok"):
                raise RuntimeError(
                    f"`vidskill {step}` failed: {run.stdout[-400:]} {run.stderr[-400:]}"
                )
            runs[step] = run
        _check(folder / "showcase.mp4", (1920, 1080))
        _check(folder / "preview.mp4", (960, 540))
    return runs


def _check(path: Path, size: tuple[int, int]) -> None:
    width, height, seconds = probe(path)
    if (width, height) != size or abs(seconds - 30) > 0.5:
        raise RuntimeError(
            f"{path.name} is {width}x{height}, {seconds:.1f} s; expected {size}, 30 s"
        )


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """Run the flow `runs` times (3 by default, 1 with --quick)."""
    from bench.render import make_assets

    count = runs or (1 if quick else 3)
    result = Result("e2e")
    with tempfile.TemporaryDirectory() as folder:
        make_assets(Path(folder))
        flows = [one_run(Path(folder)) for _ in range(count)]
    total = [sum(f[s].wall_s for s in ("upload", "say", "export")) for f in flows]
    result.add("upload+say+export wall", total, target=Target("<", 20))
    result.add("upload+say+export CPU", [sum(f[s].cpu_s for s in STEPS[:3]) for f in flows])
    for step in STEPS:
        target = Target("<", 4) if step == "preview" else None
        result.add(f"{step} wall", [f[step].wall_s for f in flows], target=target)
        result.add(f"{step} CPU", [f[step].cpu_s for f in flows])
    result.add("export peak RSS", [f["export"].peak_rss_mb for f in flows], "MB")
    result.notes.append(
        "e2e: each command starts its own embedded backend; CPU includes render workers"
    )
    return [result.done()]
