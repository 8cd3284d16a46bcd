"""The engine over the scripted MockTransport backend of `client_fake`, with a live session state.

`LiveFake` answers session creation, state and credits from its own fields (unless a test
queued other answers), so a test scripts only what it is about: the chat stream, an upload, a
render. `drive` runs one engine call to its end and returns its outputs.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from typing import Any

import httpx
from client_fake import BASE, FakeBackend, Reply, Sleeps, make_api, ok

from vidskill import skill as skills
from vidskill.engine import Engine, Output, SessionMemory, Settings

SESSIONS = "POST /api/tasks/me/with-session/nemo_agent"
CREDITS = "GET /api/credits/balance/simple"
RUN = "POST /run_sse"
SUBMIT = "POST /api/render/proxy/lambda"
POLL = "GET /api/render/proxy/lambda/"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"frame" * 2000
HEARTBEAT = 'data: {"type": "heartbeat"}\n\n'
DRAFT: dict[str, Any] = {
    "d": 5000,
    "m": {"title": "Shoe Launch", "width": 1920, "height": 1080, "fps": 30},
    "t": [
        {
            "id": "v1",
            "tt": 0,
            "m": {"name": "Video"},
            "sg": [{"id": "s1", "s": 0, "d": 5000, "m": {"src": "a_1", "name": "shoe"}}],
        },
    ],
}


def state_key(session_id: str) -> str:
    """The request key of a session's state read."""
    return f"GET /api/state/nemo_agent/me/{session_id}/latest"


def upload_key(session_id: str) -> str:
    """The request key of an upload into a session."""
    return f"POST /api/upload-video/nemo_agent/me/{session_id}"


class LiveFake(FakeBackend):
    """A scripted backend that also keeps sessions, a draft and a balance of its own."""

    def __init__(self) -> None:
        super().__init__()
        self.draft: dict[str, Any] | None = None
        self.balance = {"available": 100, "frozen": 0, "total": 100}
        self.made: list[dict[str, Any]] = []  # bodies of the session creations
        self.renders: dict[str, int] = {}  # render id -> polls so far
        self.poll_after_ms: int | None = 1000
        self.old_shape = False  # answer polls in the older {"success", "data"} shape
        self.url_broken = False  # refuse the output URL, so /download must be used
        self.fail_render: str | None = None  # fail renders with this reason

    async def handler(self, request: httpx.Request) -> httpx.Response:
        """Serve live answers where no scripted one is queued."""
        key = f"{request.method} {request.url.path}"
        if not self.scripts.get(key):
            reply = self._live(key, request)
            if reply is not None:
                self.script(key, reply)
        return await super().handler(request)

    def _live(self, key: str, request: httpx.Request) -> Reply | None:
        if key == SESSIONS:
            self.made.append(json.loads(request.content))
            sid = f"sess_{len(self.made)}"
            return ok(
                {"session_id": sid, "task_id": f"task_{len(self.made)}", "user_id": "anon_42"}
            )
        if key.startswith("GET /api/state/"):
            sid = request.url.path.split("/")[-2]
            state: dict[str, Any] = {"draft": self.draft, "video_infos": []}
            return ok({"session_id": sid, "task_id": "task", "state": state})
        if key == CREDITS:
            return ok(self.balance)
        return self._render(key, request)

    def _render(self, key: str, request: httpx.Request) -> Reply | None:
        """Renders finish on their second poll, with a hint of `poll_after_ms`."""
        if key == SUBMIT:
            rid = json.loads(request.content)["id"]
            self.renders[rid] = 0
            return Reply(200, {"id": rid, "status": "pending", "progress": 0})
        if key.startswith(POLL):
            return self._poll(key.removeprefix(POLL))
        if key.startswith("GET /files/"):
            return Reply(404, {"message": "gone"}) if self.url_broken else Reply(200, VIDEO)
        if key.startswith("GET /api/render/proxy/") and key.endswith("/download"):
            return Reply(200, VIDEO, {"content-type": "video/mp4"})
        return None

    def _poll(self, rid: str) -> Reply:
        if rid not in self.renders:
            return Reply(404, {"message": "render not found"})
        self.renders[rid] += 1
        done = self.renders[rid] >= 2
        state = "failed" if done and self.fail_render else "completed" if done else "processing"
        url = f"{BASE}/files/{rid}.mp4"
        if self.old_shape:
            data = {"id": rid, "status": state, "progress": 100 if done else 50, "outputUrl": url}
            return Reply(200, {"success": True, "data": data})
        body: dict[str, Any] = {"id": rid, "status": state, "progress": 100 if done else 50}
        if state == "completed":
            body["output"] = {"url": url, "duration": 5.0, "size": len(VIDEO)}
        if state == "failed":
            body["error"] = self.fail_render
        if self.poll_after_ms is not None:
            body["poll_after_ms"] = self.poll_after_ms
        return Reply(200, body)

    def sent_messages(self) -> list[str]:
        """The chat messages sent, in order."""
        bodies = [json.loads(r.content) for r in self.calls(RUN)]
        return [b["new_message"]["parts"][0]["text"] for b in bodies]


def make_engine(
    backend: LiveFake,
    *,
    skill: str = "ai-product-video",
    settings: Settings | None = None,
    lang: str | None = None,
    sleeps: Sleeps | None = None,
    clock: Callable[[], float] | None = None,
    sessions: SessionMemory | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Engine, httpx.AsyncClient]:
    """An engine over the fake backend (sleeps recorded, not slept)."""
    sleeps = Sleeps() if sleeps is None else sleeps
    api, http = make_api(backend, sleeps, env=env)
    engine = Engine(
        api=api,
        skill=skills.resolve(skill),
        sessions=sessions or SessionMemory.default(),
        settings=settings or Settings(),
        lang=lang,
        backend_key=BASE,
        sleep=sleeps,
        clock=clock or time.monotonic,
    )
    return engine, http


async def drive(outputs: AsyncIterator[Output]) -> list[Output]:
    """Run an engine call to its end."""
    return [output async for output in outputs]


def of_type(outputs: list[Output], kind: type[Any]) -> list[Any]:
    """The outputs of one type."""
    return [o for o in outputs if isinstance(o, kind)]


def photo(folder: Path, name: str = "shoe.png") -> Path:
    """A small real PNG file."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    Image.new("RGB", (32, 24), (200, 40, 40)).save(path, format="PNG")
    return path
