"""Start-up: `vidskill route "导出"` as a whole process, and launch to the REPL's first prompt.

The route figure is the process's wall time from spawn to exit, with its own CPU; beside it,
a bare `python -c pass` measured in the same sitting shows how much is the interpreter itself.
The REPL figure drives `vidskill chat --api URL` through a pseudo-terminal against a local
backend running in this process, and stops the clock when the prompt ("› ") is drawn.
`python -X importtime` lists the heavy modules each path imports. Targets: 0.25 s and 0.4 s.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bench.harness import Result, Target, run_process

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("numpy", "av", "cv2", "PIL", "langdetect", "uvicorn", "starlette", "yaml", "httpx")
PROMPT = "› ".encode()
CPR_QUERY = b"\x1b[6n"
PROMPT_LIMIT_S = 30.0


def fresh_env(home: str) -> dict[str, str]:
    """The environment of a first-time user: a private HOME and XDG folders, no proxies."""
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env.update(
        HOME=home,
        XDG_CONFIG_HOME=f"{home}/.config",
        XDG_DATA_HOME=f"{home}/.local/share",
        XDG_CACHE_HOME=f"{home}/.cache",
        XDG_STATE_HOME=f"{home}/.local/state",
        PYTHONPATH=str(ROOT),
        TERM="xterm-256color",
    )
    env.pop("NEMO_API_URL", None)
    return env


def vidskill_argv(*args: str) -> list[str]:
    """How a user starts vidskill: the installed script next to this Python, else `-m`."""
    script = Path(sys.executable).with_name("vidskill")
    head = [str(script)] if script.exists() else [sys.executable, "-m", "vidskill"]
    return [*head, *args]


def time_to_prompt(argv: list[str], env: Mapping[str, str]) -> float:
    """Seconds from spawning `argv` on a pseudo-terminal until the prompt is drawn."""
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=follower, stdout=follower, stderr=follower, env=dict(env), close_fds=True
    )
    os.close(follower)
    seen = b""
    try:
        while PROMPT not in seen:
            if time.perf_counter() - start > PROMPT_LIMIT_S:
                raise RuntimeError(f"no prompt after {PROMPT_LIMIT_S} s: {seen[-300:]!r}")
            ready, _, _ = select.select([leader], [], [], 0.5)
            if ready:
                seen += os.read(leader, 65536)
                if CPR_QUERY in seen:  # answer the terminal's cursor-position question
                    seen = seen.replace(CPR_QUERY, b"")
                    os.write(leader, b"\x1b[1;1R")
        return time.perf_counter() - start
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        os.close(leader)


def heavy_imports(code: str, env: Mapping[str, str]) -> dict[str, float]:
    """The heavy top-level packages `code` imports, with their cumulative import time in ms."""
    argv = [sys.executable, "-X", "importtime", "-c", code]
    err = subprocess.run(argv, env=dict(env), capture_output=True, text=True, check=True).stderr
    found: dict[str, float] = {}
    for line in err.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].strip()
        if name in HEAVY:
            found[name] = max(found.get(name, 0.0), int(parts[1]) / 1000)
    return found


def _route(env: Mapping[str, str], runs: int, result: Result) -> None:
    bare = [run_process([sys.executable, "-c", "pass"], env=env) for _ in range(runs)]
    routed = []
    for _ in range(runs):
        run = run_process(vidskill_argv("route", "导出"), env=env)
        if run.returncode != 0 or not run.stdout.startswith("export"):
            raise RuntimeError(f"vidskill route failed: {run.stderr[-500:]}")
        routed.append(run)
    result.add("route wall", [r.wall_s for r in routed], target=Target("<=", 0.25))
    result.add("route CPU", [r.cpu_s for r in routed])
    result.add("route peak RSS", [r.peak_rss_mb for r in routed], "MB")
    result.add("python -c pass wall", [r.wall_s for r in bare])
    result.add(
        "route / bare python", [r.wall_s / b.wall_s for r, b in zip(routed, bare, strict=True)], "x"
    )


def _prompt(env: Mapping[str, str], runs: int, result: Result) -> None:
    from bench.servers import local_backend

    with tempfile.TemporaryDirectory() as data, local_backend(Path(data)) as url:
        argv = vidskill_argv("chat", "--api", url)
        time_to_prompt(argv, env)  # the first one registers the client and warms the cache
        times = [time_to_prompt(argv, env) for _ in range(runs)]
    result.add("chat launch to prompt", times, target=Target("<=", 0.4))


def run(*, quick: bool, runs: int | None) -> list[Result]:
    """Measure both start-up paths and list the heavy imports of each."""
    count = runs or (3 if quick else 10)
    result = Result("startup")
    with tempfile.TemporaryDirectory() as home:
        env = fresh_env(home)
        run_process(vidskill_argv("route", "导出"), env=env)  # byte-compile, warm the page cache
        _route(env, count, result)
        _prompt(env, count, result)
        route_heavy = heavy_imports("import vidskill.cli, vidskill.commands.route", env)
        chat_heavy = heavy_imports(
            "import vidskill.cli, vidskill.commands.chat, vidskill.connect, vidskill.repl.app", env
        )
    result.extra = {"heavy_imports_ms": {"route": route_heavy, "chat": chat_heavy}}
    result.notes.append(f"heavy imports (cumulative ms): route {route_heavy}; chat {chat_heavy}")
    return [result.done()]


def run_router(*, quick: bool, runs: int | None) -> list[Result]:
    """The router's own benchmark (bench/router.py) as a result of this suite."""
    from bench import router

    figures = router.main([str(10_000 if quick else router.COUNT)])
    result = Result("router")
    wall, cpu = figures["wall_s"], figures["cpu_s"]
    result.add(f"route {figures['utterances']:,} lines", [wall["median"], wall["min"], wall["max"]],
               target=Target("<", 1.0) if not quick else None)  # fmt: skip
    result.add("CPU", [cpu["median"], cpu["min"], cpu["max"]])
    result.notes.append("router: min/median/max of bench/router.py's own 5 runs")
    return [result.done()]
