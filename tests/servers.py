"""A real local backend for tests: uvicorn on 127.0.0.1 and a free port, in a thread.

    from servers import live_server

    def test_something(tmp_path):
        with live_server(tmp_path / "data", drop_after=2) as srv:
            token = srv.anonymous_token("client-1")
            r = httpx.post(srv.url + "/api/tasks/me/with-session/nemo_agent",
                           headers=srv.headers(token), json={"language": "en"})

Test defaults differ from `vidskill serve` in one way: no quirk is on unless a test asks for it
(no silent edits, no GUI-speak), heartbeats are quick, and two named tokens exist ("alice" and
"bob", see `TOKENS`). Any `ServerConfig` field or quirk can be overridden by keyword.
`FakeClock` lets a test move time forward (token expiry, rate-limit windows).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from vidskill.server.config import NamedToken, ServerConfig
from vidskill.server.embedded import EmbeddedServer
from vidskill.server.turns import RunTurn

TOKENS = {"alice": "tok-alice-0123456789", "bob": "tok-bob-0123456789"}
SKILL_HEADERS = {
    "X-Skill-Source": "vidskill-tests",
    "X-Skill-Version": "1.0.0",
    "X-Skill-Platform": "unknown",
}
SMALL_DRAFT: dict[str, Any] = {
    "d": 1000,
    "m": {"title": "Swatch", "width": 1920, "height": 1080, "fps": 30},
    "t": [
        {
            "id": "v1",
            "tt": 0,
            "m": {"name": "Video"},
            "sg": [{"id": "v1s1", "s": 0, "d": 1000, "m": {"kind": "color", "color": "#336699"}}],
        },
        {
            "id": "a1",
            "tt": 1,
            "m": {"name": "BGM", "volume": 40},
            "sg": [{"id": "a1s1", "s": 0, "d": 1000, "m": {"src": "music:calm", "role": "bgm"}}],
        },
    ],
}
HEARTBEAT_LINE = 'data: {"type": "heartbeat"}'
TEST_DEFAULTS: dict[str, Any] = {
    "silent_share": 0.0,
    "gui_speak": 0.0,
    "heartbeat_s": 0.2,
    "seed": 0,
    "tokens": tuple(NamedToken(name, token) for name, token in TOKENS.items()),
}


@dataclass
class FakeClock:
    """A wall clock a test can move forward."""

    now: float = field(default_factory=time.time)

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.now += seconds


@dataclass
class ChatTurn:
    """What one `/run_sse` stream carried: ADK events, keep-alives and the raw lines."""

    status: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    error_body: dict[str, Any] | None = None

    def add(self, line: str) -> None:
        """Take one line of the stream."""
        self.lines.append(line)
        if line.startswith("data: ") and line != HEARTBEAT_LINE:
            self.events.append(json.loads(line[len("data: ") :]))

    @property
    def heartbeats(self) -> int:
        """How many keep-alives arrived."""
        return self.lines.count(HEARTBEAT_LINE)

    @property
    def texts(self) -> list[str]:
        """The text parts of the events, in order."""
        return [
            part["text"]
            for event in self.events
            for part in event.get("content", {}).get("parts", [])
            if "text" in part
        ]


@dataclass
class LiveServer:
    """A running backend and helpers to talk to it and to look into its database."""

    embedded: EmbeddedServer
    config: ServerConfig

    @property
    def url(self) -> str:
        """The base URL."""
        return self.embedded.url

    def headers(self, token: str | None = None, *, skill: bool = True) -> dict[str, str]:
        """Request headers: a bearer token (a name of `TOKENS` or a token) and attribution."""
        headers = dict(SKILL_HEADERS) if skill else {}
        if token is not None:
            headers["Authorization"] = f"Bearer {TOKENS.get(token, token)}"
        return headers

    def anonymous_token(self, client_id: str) -> str:
        """A fresh anonymous token for a client id."""
        r = httpx.post(f"{self.url}/api/auth/anonymous-token", headers={"X-Client-Id": client_id})
        r.raise_for_status()
        return str(r.json()["data"]["token"])

    def new_session(self, token: str = "alice", language: str = "en") -> str:
        """Create a session and return its id."""
        r = httpx.post(
            f"{self.url}/api/tasks/me/with-session/nemo_agent",
            headers=self.headers(token),
            json={"task_name": "project", "language": language},
        )
        r.raise_for_status()
        return str(r.json()["data"]["session_id"])

    def upload(self, session_id: str, *files: Path, token: str = "alice") -> list[dict[str, Any]]:
        """Upload local files to a session; returns the assets the server lists."""
        handles = [path.open("rb") for path in files]
        try:
            r = httpx.post(
                f"{self.url}/api/upload-video/nemo_agent/me/{session_id}",
                headers=self.headers(token),
                files=[("files", (p.name, h)) for p, h in zip(files, handles, strict=True)],
                timeout=60,
            )
        finally:
            for handle in handles:
                handle.close()
        r.raise_for_status()
        return list(r.json()["data"]["files"])

    def chat(self, session_id: str, text: str, token: str = "alice") -> ChatTurn:
        """Run one chat turn to its end and collect what the stream carried."""
        body = {
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        turn = ChatTurn()
        headers = {**self.headers(token), "Accept": "text/event-stream"}
        with httpx.stream(
            "POST", f"{self.url}/run_sse", json=body, headers=headers, timeout=120
        ) as r:
            turn.status = r.status_code
            if r.status_code != 200:
                r.read()
                turn.error_body = r.json()
                return turn
            for line in r.iter_lines():
                turn.add(line)
        return turn

    def state(self, session_id: str, token: str = "alice") -> dict[str, Any]:
        """The session's state (the `state` object of the answer)."""
        r = httpx.get(
            f"{self.url}/api/state/nemo_agent/me/{session_id}/latest", headers=self.headers(token)
        )
        r.raise_for_status()
        return dict(r.json()["data"]["state"])

    def submit_render(
        self, session_id: str, render_id: str, draft: dict[str, Any], token: str = "alice"
    ) -> httpx.Response:
        """Submit a render of `draft` (high quality MP4)."""
        body = {
            "id": render_id,
            "sessionId": session_id,
            "draft": draft,
            "output": {"format": "mp4", "quality": "high"},
        }
        return httpx.post(
            f"{self.url}/api/render/proxy/lambda", headers=self.headers(token), json=body
        )

    def wait_for_render(
        self, render_id: str, token: str = "alice", limit_s: float = 240
    ) -> dict[str, Any]:
        """Poll as a client does, honouring the server's hint, until the job ends."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            r = httpx.get(
                f"{self.url}/api/render/proxy/lambda/{render_id}", headers=self.headers(token)
            )
            body: dict[str, Any] = r.json()
            if body.get("status") in ("completed", "failed"):
                return body
            assert r.headers["retry-after"] == "1" and body["poll_after_ms"] == 1000, body
            time.sleep(body["poll_after_ms"] / 1000)
        raise AssertionError(f"render {render_id} did not finish in {limit_s} s")

    def query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        """Rows of a read-only query on the server's database."""
        uri = f"file:{self.config.db_path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as conn:
            return [tuple(row) for row in conn.execute(sql, args).fetchall()]

    def message_runs(self, session_id: str) -> dict[str, int]:
        """How many times each message ran as a turn in a session."""
        rows = self.query(
            "SELECT message, COUNT(*) FROM turns WHERE session_id = ? GROUP BY message_sha256",
            session_id,
        )
        return {str(message): int(count) for message, count in rows}


def photos(folder: Path, count: int = 2, size: tuple[int, int] = (320, 240)) -> list[Path]:
    """Write `count` small PNG photos into `folder`."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"photo{i + 1}.png"
        Image.new("RGB", size, (40 * i, 120, 200)).save(path)
        paths.append(path)
    return paths


def ready_session(srv: LiveServer, folder: Path, token: str = "alice") -> str:
    """A new session with two photos uploaded."""
    session = srv.new_session(token)
    srv.upload(session, *photos(folder), token=token)
    return session


def server_config(data_dir: Path, **overrides: Any) -> ServerConfig:
    """The settings `live_server` uses: test defaults, then the overrides."""
    return ServerConfig(data_dir=data_dir).replace(**{**TEST_DEFAULTS, **overrides})


@contextmanager
def live_server(
    data_dir: Path,
    *,
    clock: FakeClock | None = None,
    run_turn: RunTurn | None = None,
    **overrides: Any,
) -> Iterator[LiveServer]:
    """Run a backend over `data_dir` until the block ends (`run_turn` swaps the agent)."""
    config = server_config(data_dir, **overrides)
    embedded = EmbeddedServer(config, clock=clock or time.time, run_turn=run_turn)
    with embedded:
        yield LiveServer(embedded, config)
