"""Local backends for the benchmarks: in this process (a thread) or as a `vidskill serve` process.

A backend in its own process lets a benchmark measure the server's memory and CPU apart from
the client's. Both listen on 127.0.0.1 and a free port, with quirks off (no silent edits, no
GUI-speak) so every turn behaves the same.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

QUIET_QUIRKS: dict[str, Any] = {"silent_share": 0.0, "gui_speak": 0.0, "seed": 0}
_URL = re.compile(r"http://127\.0\.0\.1:\d+")


@contextmanager
def local_backend(data_dir: Path, **overrides: Any) -> Iterator[str]:
    """A backend in a thread of this process for the block; yields its URL."""
    from vidskill.server.config import ServerConfig
    from vidskill.server.embedded import EmbeddedServer

    run_turn = overrides.pop("run_turn", None)
    config = ServerConfig(data_dir=data_dir).replace(**{**QUIET_QUIRKS, **overrides})
    with EmbeddedServer(config, run_turn=run_turn) as server:
        yield server.url


@dataclass(frozen=True)
class ServedBackend:
    """A `vidskill serve` child process and its URL."""

    url: str
    pid: int


@contextmanager
def served_backend(data_dir: Path, env: Mapping[str, str], *flags: str) -> Iterator[ServedBackend]:
    """`vidskill serve` on a free port for the block (stopped with SIGINT, as a user would)."""
    argv = [sys.executable, "-m", "vidskill", "serve", "--port", "0", "--data", str(data_dir)]
    argv += ["--silent-share", "0", "--gui-speak", "0", "--log-level", "warning", *flags]
    proc = subprocess.Popen(argv, env=dict(env), stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        found = _URL.search(line)
        if found is None:
            raise RuntimeError(f"`vidskill serve` did not start: {line!r}")
        _wait_ready(found.group(0))
        yield ServedBackend(found.group(0), proc.pid)
    finally:
        proc.send_signal(2)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_ready(url: str) -> None:
    import time

    import httpx

    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/api/credits/balance/simple", timeout=5)
            return
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def server_env(home: str) -> dict[str, str]:
    """The environment for a served backend: a private HOME, no proxies."""
    env = {k: v for k, v in os.environ.items() if not k.upper().endswith("_PROXY")}
    env["HOME"] = home
    env["XDG_DATA_HOME"] = f"{home}/.local/share"
    env["XDG_CONFIG_HOME"] = f"{home}/.config"
    return env
