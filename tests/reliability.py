"""Support for the reliability tests: `vidskill serve` as a process, checks of what it left behind.

    with Served.start(tmp_path / "data", tmp_path / "server.log") as srv:
        srv.rss()          # (VmRSS, VmHWM) of the server process, in bytes
        srv.kill()         # SIGKILL the server and its render workers
    check_store(data_dir)  # integrity, ledger, assets on disk

The server runs in its own process group, so a kill takes its render worker processes with it,
as a power cut would.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
from conftest import ROOT
from servers import SKILL_HEADERS, TOKENS

from vidskill.server.media import probe

START_S = 60.0
PARTIAL_SUFFIXES = (".part",)
TINY_DRAFT: dict[str, Any] = {
    "d": 500,
    "m": {"title": "Tiny", "width": 1920, "height": 1080, "fps": 30},
    "t": [
        {
            "id": "v1",
            "tt": 0,
            "m": {"name": "Video"},
            "sg": [{"id": "v1s1", "s": 0, "d": 500, "m": {"kind": "color", "color": "#336699"}}],
        }
    ],
}


def token_flags() -> list[str]:
    """The `--token` options that register the test's named tokens."""
    return [arg for name, token in TOKENS.items() for arg in ("--token", f"{name}={token}")]


def auth(token: str) -> dict[str, str]:
    """Bearer and attribution headers for a token (a name of `TOKENS` or a token)."""
    return {**SKILL_HEADERS, "Authorization": f"Bearer {TOKENS.get(token, token)}"}


@dataclass
class Served:
    """A `vidskill serve` process on 127.0.0.1 and a free port; its output goes to `log`."""

    proc: subprocess.Popen[bytes]
    url: str
    data_dir: Path
    log: Path

    @classmethod
    def start(
        cls, data_dir: Path, log: Path, *args: str, env: dict[str, str] | None = None
    ) -> Served:
        """Start the server and wait until it answers its health check."""
        offset = log.stat().st_size if log.exists() else 0
        command = [sys.executable, "-m", "vidskill", "serve", "--port", "0", "--data"]
        command += [str(data_dir), "--log-level", "warning", *token_flags(), *args]
        with log.open("ab") as sink:
            proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**os.environ, "VIDSKILL_SILENT_SHARE": "0", **(env or {})},
                stdout=sink,
                stderr=sink,
                start_new_session=True,
            )
        served = cls(proc, "", data_dir, log)
        served.url = served._wait_for_url(offset)
        return served

    def _wait_for_url(self, offset: int) -> str:
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited early:\n{self.log.read_text()[-2000:]}")
            text = self.log.read_bytes()[offset:].decode("utf-8", "replace")
            for line in text.splitlines():
                if line.startswith("vidskill local backend on ") and self._healthy(line.split()[4]):
                    return line.split()[4]
            time.sleep(0.05)
        self.kill()
        raise RuntimeError("the server did not start in time")

    @staticmethod
    def _healthy(url: str) -> bool:
        try:
            return httpx.get(f"{url}/api/health", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    def rss(self) -> tuple[int, int]:
        """The server process's resident memory now and at its peak, in bytes."""
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        values = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return _kib(values["VmRSS"]), _kib(values["VmHWM"])

    def kill(self) -> None:
        """SIGKILL the server's whole process group (render workers included)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        """Ask the server to stop as Ctrl-C does; kill it if it does not."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)  # worker processes left in the group

    def __enter__(self) -> Served:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def _kib(value: str) -> int:
    return int(value.strip().split()[0]) * 1024


def query(db_path: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of a query on a database no server has open (a crashed one is recovered here)."""
    with closing(sqlite3.connect(db_path, timeout=30)) as conn:
        return [tuple(row) for row in conn.execute(sql, args).fetchall()]


def ledger_problems(db_path: Path) -> list[str]:
    """Users whose credits do not balance: granted = available + frozen + spent, ledger agrees."""
    problems = []
    rows = query(db_path, "SELECT user_id, available, frozen, spent, granted FROM credits")
    for user_id, available, frozen, spent, granted in rows:
        sums = dict(
            query(
                db_path,
                "SELECT kind, SUM(amount) FROM ledger WHERE user_id = ? GROUP BY kind",
                user_id,
            )
        )
        grant, freeze, settle, release = (
            sums.get(k, 0) for k in ("grant", "freeze", "settle", "release")
        )
        if granted != available + frozen + spent or min(available, frozen, spent) < 0:
            problems.append(f"{user_id}: {granted} != {available} + {frozen} + {spent}")
        by_ledger = (grant, grant - freeze + release, freeze - settle - release, settle)
        if by_ledger != (granted, available, frozen, spent):
            problems.append(f"{user_id}: ledger rows {sums} disagree with the balance row")
    return problems


def asset_problems(data_dir: Path) -> list[str]:
    """Listed assets whose file is missing or does not decode, and half-written files left over."""
    problems = []
    rows = query(data_dir / "vidskill.sqlite3", "SELECT asset_id, path, file_type FROM assets")
    for asset_id, path, file_type in rows:
        try:
            probe(Path(path), file_type)
        except (OSError, ValueError) as exc:
            problems.append(f"asset {asset_id} at {path}: {exc}")
    media = data_dir / "media"
    problems += [f"half-written file {p}" for p in media.rglob("*.part")] if media.exists() else []
    return problems


def integrity(db_path: Path) -> str:
    """What `PRAGMA integrity_check` says ("ok" for a sound file)."""
    return "; ".join(str(row[0]) for row in query(db_path, "PRAGMA integrity_check"))


def files_with_secrets(folders: Iterable[Path], secrets: Iterable[str]) -> list[str]:
    """Every file under `folders` holding one of `secrets` in clear, as 'path: secret-name'."""
    needles = [s.encode() for s in secrets if s]
    found = []
    for folder in folders:
        for path in [folder] if folder.is_file() else sorted(folder.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                found += [f"{path}: secret #{i}" for i, n in enumerate(needles) if n in data]
    return found


def png_bytes(seed: int, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small PNG whose colour depends on `seed`."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (seed * 37 % 256, seed * 91 % 256, 120)).save(out, format="PNG")
    return out.getvalue()


@dataclass
class Acked:
    """What the server acknowledged with a 200: the tests check none of it is ever lost."""

    tokens: dict[str, str] = field(default_factory=dict)  # client id -> token
    sessions: dict[str, str] = field(default_factory=dict)  # session id -> client id
    assets: dict[str, str] = field(default_factory=dict)  # asset id -> session id
    drafts: list[tuple[str, str]] = field(default_factory=list)  # (session id, draft JSON)
    renders: dict[str, str] = field(default_factory=dict)  # render id -> client id
    server_errors: list[str] = field(default_factory=list)  # any 5xx answer

    def summary(self) -> str:
        """How much was acknowledged, for the figures a run prints."""
        return (
            f"{len(self.sessions)} sessions, {len(self.assets)} uploads, "
            f"{len(self.drafts)} drafts, {len(self.renders)} renders acknowledged"
        )

    def lost(self, db_path: Path) -> list[str]:
        """Acknowledged things the database no longer holds."""
        have_sessions = {r[0] for r in query(db_path, "SELECT session_id FROM sessions")}
        have_assets = dict(query(db_path, "SELECT asset_id, session_id FROM assets"))
        have_renders = {r[0] for r in query(db_path, "SELECT render_id FROM renders")}
        drafts = {(s, _canon(d)) for s, d in query(db_path, "SELECT session_id, draft FROM drafts")}
        lost = [f"session {s}" for s in self.sessions if s not in have_sessions]
        lost += [f"asset {a}" for a, s in self.assets.items() if have_assets.get(a) != s]
        lost += [f"draft of {s}" for s, d in self.drafts if (s, _canon(d)) not in drafts]
        lost += [f"render {r}" for r in self.renders if r not in have_renders]
        return lost


def _canon(text: str) -> str:
    return json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False)


CHAT_MESSAGES = (
    "create a product showcase video with music",
    "turn my photos into a slideshow, 3 seconds per photo, no music",
    "make a promo video with upbeat music",
    "a slideshow with captions please",
)
# action -> weight in the mix of a load client
MIX = {"upload": 3, "chat": 3, "state": 4, "credits": 2, "render": 1}


@dataclass
class LoadClient:
    """One simulated user: an anonymous token, one session, and a random mix of calls."""

    http: httpx.AsyncClient
    client_id: str
    acked: Acked
    rng: random.Random
    token: str = ""
    session: str = ""
    count: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        """Call the server until `stop` is set or the server goes away."""
        try:
            await self._setup()
            while not stop.is_set():
                name = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
                self.count += 1
                await getattr(self, f"_{name}")()
        except httpx.TransportError:
            return  # the server was killed under us: whatever was not acknowledged may be gone

    def _seen(self, r: httpx.Response) -> bool:
        if r.status_code >= 500:
            self.acked.server_errors.append(f"{r.request.method} {r.request.url.path}: {r.text}")
        return r.status_code == 200

    def _headers(self) -> dict[str, str]:
        return {**SKILL_HEADERS, "Authorization": f"Bearer {self.token}"}

    async def _setup(self) -> None:
        r = await self.http.post(
            "/api/auth/anonymous-token", headers={"X-Client-Id": self.client_id}
        )
        if not self._seen(r):
            raise AssertionError(f"no token for {self.client_id}: {r.status_code} {r.text}")
        self.token = self.acked.tokens[self.client_id] = r.json()["data"]["token"]
        mine = [s for s, c in self.acked.sessions.items() if c == self.client_id]
        if mine:
            self.session = mine[0]
            return
        r = await self.http.post(
            "/api/tasks/me/with-session/nemo_agent", headers=self._headers(), json={}
        )
        if self._seen(r):
            self.session = r.json()["data"]["session_id"]
            self.acked.sessions[self.session] = self.client_id

    async def _upload(self) -> None:
        name = f"photo{self.count}.png"
        files = [("files", (name, png_bytes(self.rng.randrange(1000)), "image/png"))]
        path = f"/api/upload-video/nemo_agent/me/{self.session}"
        r = await self.http.post(path, headers=self._headers(), files=files)
        if self._seen(r):
            for item in r.json()["data"]["files"]:
                self.acked.assets[item["id"]] = self.session

    async def _chat(self) -> None:
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": self.session,
            "new_message": {"parts": [{"text": self.rng.choice(CHAT_MESSAGES)}]},
        }
        async with self.http.stream("POST", "/run_sse", json=body, headers=self._headers()) as r:
            async for _ in r.aiter_lines():
                pass
            self._seen(r)
        await self._state()

    async def _state(self) -> None:
        r = await self.http.get(
            f"/api/state/nemo_agent/me/{self.session}/latest", headers=self._headers()
        )
        if self._seen(r):
            draft = r.json()["data"]["state"]["draft"]
            if draft.get("t"):
                self.acked.drafts.append((self.session, json.dumps(draft, ensure_ascii=False)))

    async def _credits(self) -> None:
        self._seen(await self.http.get("/api/credits/balance/simple", headers=self._headers()))

    async def _render(self) -> None:
        render_id = f"r-{self.client_id}-{self.count}"
        body = {
            "id": render_id,
            "sessionId": self.session,
            "draft": TINY_DRAFT,
            "output": {"format": "mp4", "quality": "preview"},
        }
        r = await self.http.post("/api/render/proxy/lambda", headers=self._headers(), json=body)
        if self._seen(r):
            self.acked.renders[render_id] = self.client_id


async def drive(
    url: str, client_ids: list[str], acked: Acked, stop: asyncio.Event, seed: int
) -> int:
    """Run one load client per id until `stop` is set or the server dies; returns calls made."""
    limits = httpx.Limits(max_connections=len(client_ids) + 5)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:
        clients = [
            LoadClient(http, cid, acked, random.Random(f"{seed}:{cid}")) for cid in client_ids
        ]
        await asyncio.gather(*(c.run(stop) for c in clients))
    return sum(c.count for c in clients)


def unsettled_renders(url: str, acked: Acked, limit_s: float = 120.0) -> list[str]:
    """Poll every acknowledged render until it ends; the ids still pending or processing."""
    deadline = time.monotonic() + limit_s
    waiting = dict(acked.renders)
    while waiting and time.monotonic() < deadline:
        for render_id, client_id in list(waiting.items()):
            r = httpx.get(
                f"{url}/api/render/proxy/lambda/{render_id}",
                headers=auth(acked.tokens[client_id]),
                timeout=30,
            )
            if r.status_code >= 500:
                acked.server_errors.append(f"poll {render_id}: {r.text}")
            if r.json().get("status") in ("completed", "failed") or r.status_code != 200:
                waiting.pop(render_id)
        time.sleep(0.5)
    return sorted(waiting)
