"""A host agent's whole path: install a skill for the host, then drive it through its launcher.

For each host the skill is installed into a private home with `vidskill install`, and the
installed `bin/vidskill` runs as a host runs it (`sh -c`, stdin from /dev/null, no terminal)
against a real local backend: upload a photo, ask for a slideshow, export. The backend runs
behind a small ASGI layer that notes the X-Skill-Platform of every request it receives.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from asgi_server import AsgiServer
from conftest import DATA
from oneshot_support import FAST, probe
from servers import photos, server_config

from vidskill.server.app import create_app

Scope = dict[str, Any]
ROWS: list[dict[str, str]] = json.loads((DATA / "install_targets.json").read_text("utf-8"))
HOSTS = [
    (row["target"], row["platform"])
    for row in ROWS
    if row["scope"] == "user" and row["target"] in ("clawhub", "cursor", "claude")
]
SKILL = "online-photo-video-maker"
MAX_STDOUT = 4096


class HeaderLog:
    """An ASGI app in front of another that notes each HTTP request's X-Skill-Platform."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.seen: list[tuple[str, str, str | None]] = []

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            self.seen.append((scope["method"], scope["path"], headers.get("x-skill-platform")))
        await self.app(scope, receive, send)


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[tuple[str, HeaderLog]]:
    log = HeaderLog(create_app(server_config(tmp_path / "backend")))
    with AsgiServer(log, lifespan="on") as server:
        yield server.url, log


def host_env(home: Path, api_url: str) -> dict[str, str]:
    """What a host gives the command: its own PATH and so on, a private HOME, the backend."""
    drop = ("NEMO_", "VIDSKILL_", "XDG_", "PYTHON", "SKILL_SOURCE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, **FAST, "HOME": str(home), "NEMO_API_URL": api_url}


def host_run(command: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str]:
    """Run a command line through `sh -c` with no terminal on stdin; exit code and stdout."""
    # stderr goes to the test's own output, where a failure shows it.
    done = subprocess.run(
        ["sh", "-c", shlex.join(command)],
        env=env,
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        timeout=600,
    )
    assert len(done.stdout) < MAX_STDOUT, done.stdout[:200]
    return done.returncode, done.stdout.decode("utf-8")


def ok_json(command: list[str], env: dict[str, str], cwd: Path) -> dict[str, Any]:
    code, out = host_run([*command, "--json"], env, cwd)
    found: dict[str, Any] = json.loads(out)
    assert code == 0 and found["ok"] and found.get("error") is None, found
    return found


@pytest.mark.parametrize(("target", "platform"), HOSTS, ids=[t for t, _ in HOSTS])
def test_installed_skill_from_photo_to_mp4(
    target: str, platform: str, backend: tuple[str, HeaderLog], tmp_path: Path
) -> None:
    url, log = backend
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = host_env(home, url)
    install = [sys.executable, "-m", "vidskill", "install", "--target", target, "--skill", SKILL]
    installed = ok_json(install, {**env, "PYTHONPATH": str(Path(__file__).parent.parent)}, work)
    assert installed["platform"] == platform
    launcher = installed["launcher"]
    [photo] = photos(tmp_path / "media", count=1)

    uploaded = ok_json([launcher, "upload", str(photo)], env, work)
    said = ok_json([launcher, "say", "create a 4-second slideshow with music"], env, work)
    assert said["session_id"] == uploaded["session_id"] and said["text"] and said["timeline"]
    code, shown = host_run([launcher, "credits"], env, work)
    assert code == 0 and shown.strip()
    exported = ok_json([launcher, "export"], env, work)

    [saved] = exported["files"]
    assert Path(saved["path"]).parent == work
    video = probe(Path(saved["path"]))
    assert video["codec"] == "h264" and video["decodes"]
    assert abs(video["duration"] - 4.0) <= 0.5
    paths = {path for _, path, _ in log.seen}
    assert {"/run_sse", "/api/render/proxy/lambda"} <= paths
    assert any(p.startswith("/api/upload-video/") for p in paths)
    assert {found for _, _, found in log.seen} == {platform}
