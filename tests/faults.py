"""Fault injection between the client and a real local backend, for the reliability tests.

`FaultyApp` wraps the backend's ASGI app and injects armed faults once each, on the Nth request
that matches: an answer of its own (429, 1001, 1002...) that the backend never sees, a delay
before the backend sees the request, or a chat stream cut after k events. `faulty_backend` runs
the wrapped app on uvicorn (lifespan on) on 127.0.0.1; `engine_for` builds an engine against a
URL with recorded (and shortened) sleeps.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from servers import server_config
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vidskill import skill as skills
from vidskill.client import ApiClient, Timeouts, TokenStore
from vidskill.engine import Engine, Output, SessionMemory, Settings
from vidskill.server.app import create_app
from vidskill.server.config import ServerConfig
from vidskill.server.embedded import bind

HEARTBEAT = b'data: {"type": "heartbeat"}'
FAST_ENV = {"VIDSKILL_RECOVERY_WAITS_S": "0.2", "VIDSKILL_RECOVERY_MAX_READS": "25"}
SKILL = "ai-product-video"


@dataclass
class Fault:
    """One fault, fired once on the `nth` request (counted from arming) matching method and path.

    Exactly one of: `status` (answer with it and `body`, the backend never sees the request),
    `delay_s` (wait, then pass the request on), `hold_s` (the backend runs the request, its
    answer starts this much later), `drop_after` (cut the answer after k SSE events).
    `every` makes a delay apply to every matching request instead of once.
    """

    method: str
    path: str  # a prefix of the request path
    nth: int = 1
    status: int | None = None
    body: dict[str, Any] | None = None
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    hold_s: float = 0.0
    drop_after: int | None = None
    every: bool = False
    seen: int = 0
    fired: int = 0
    passed: int = 0  # events passed on before a cut (or in all, when the stream ended first)

    def matches(self, method: str, path: str) -> bool:
        """True when this request is the one (or one of those) the fault is for."""
        if method != self.method or not path.startswith(self.path):
            return False
        self.seen += 1
        return self.every or (self.seen == self.nth and not self.fired)


@dataclass
class FaultyApp:
    """An ASGI app that injects armed faults in front of another one and logs every request."""

    app: ASGIApp
    faults: list[Fault] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)

    def arm(self, fault: Fault) -> Fault:
        """Add a fault; it counts matching requests from now on."""
        self.faults.append(fault)
        return fault

    def count(self, method: str, path: str) -> int:
        """How many requests with this method and a path starting with `path` arrived."""
        return sum(1 for m, p in self.requests if m == method and p.startswith(path))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = str(scope["method"]), str(scope["path"])
        self.requests.append((method, path))
        # Every armed fault counts the request, so each one's `nth` is its own.
        hits = [f for f in self.faults if f.matches(method, path)]
        if not hits:
            await self.app(scope, receive, send)
            return
        fault = hits[0]
        fault.fired += 1
        if fault.status is not None:
            await _answer(send, fault)
        elif fault.drop_after is not None:
            await _cut(self.app, scope, receive, send, fault)
        elif fault.hold_s:
            await self.app(scope, receive, _held(send, fault.hold_s))
        else:
            await asyncio.sleep(fault.delay_s)
            await self.app(scope, receive, send)


async def _answer(send: Send, fault: Fault) -> None:
    body = json.dumps(fault.body or {}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    headers += [(k.encode(), v.encode()) for k, v in fault.headers]
    await send({"type": "http.response.start", "status": fault.status, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _held(send: Send, seconds: float) -> Send:
    """`send`, with the answer's first message held back for `seconds`."""
    held = False

    async def holding(message: Message) -> None:
        nonlocal held
        if not held:
            held = True
            await asyncio.sleep(seconds)
        await send(message)

    return holding


def sse_events(chunk: bytes) -> list[bytes]:
    """The events (not keep-alives) in a piece of an event stream, each with its blank line."""
    pieces = [p + b"\n\n" for p in chunk.split(b"\n\n") if p.strip()]
    return [p for p in pieces if not p.startswith(HEARTBEAT)]


async def _cut(app: ASGIApp, scope: Scope, receive: Receive, send: Send, fault: Fault) -> None:
    """Pass the answer on until `fault.drop_after` events went out, then break the connection."""
    cut = asyncio.Event()
    after = fault.drop_after or 0

    async def counting(message: Message) -> None:
        if cut.is_set():
            return
        if message["type"] != "http.response.body":
            await send(message)
            if after == 0:
                cut.set()
            return
        for piece in [p + b"\n\n" for p in message.get("body", b"").split(b"\n\n") if p.strip()]:
            await send({"type": "http.response.body", "body": piece, "more_body": True})
            fault.passed += len(sse_events(piece))
            if fault.passed >= after:
                cut.set()
                return
        if not message.get("more_body", False):
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    task = asyncio.ensure_future(app(scope, receive, counting))
    waiter = asyncio.ensure_future(cut.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    waiter.cancel()
    if not task.done():
        task.cancel()
    with suppress(asyncio.CancelledError):
        await task
    # Returning without the last body message makes uvicorn close the socket mid-stream.


@dataclass
class Faulty:
    """A running backend behind a `FaultyApp`, with a look into its database."""

    url: str
    config: ServerConfig
    app: FaultyApp

    def query(self, sql: str, *args: object) -> list[tuple[Any, ...]]:
        """Rows of a read-only query on the backend's database."""
        return query(self.config.db_path, sql, *args)

    def message_runs(self, session_id: str) -> dict[str, int]:
        """How many times each message ran as a turn in a session."""
        return message_runs(self.config.db_path, session_id)


def query(db_path: Path, sql: str, *args: object) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on a backend database."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)) as conn:
        return [tuple(row) for row in conn.execute(sql, args).fetchall()]


def message_runs(db_path: Path, session_id: str) -> dict[str, int]:
    """How many times each message ran as a turn in a session."""
    sql = "SELECT message, COUNT(*) FROM turns WHERE session_id = ? GROUP BY message_sha256"
    return {str(m): int(n) for m, n in query(db_path, sql, session_id)}


def latest_draft(db_path: Path, session_id: str) -> dict[str, Any] | None:
    """The session's newest draft version as the backend stored it."""
    sql = "SELECT draft FROM drafts WHERE session_id = ? ORDER BY version DESC LIMIT 1"
    rows = query(db_path, sql, session_id)
    return json.loads(rows[0][0]) if rows else None


@contextmanager
def faulty_backend(data_dir: Path, **overrides: Any) -> Iterator[Faulty]:
    """The test backend of `servers.live_server`, behind a `FaultyApp`, until the block ends."""
    config = server_config(data_dir, **overrides)
    faulty = FaultyApp(create_app(config, clock=time.time))
    uv = uvicorn.Config(
        faulty,
        loop="asyncio",
        lifespan="on",
        log_level="warning",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(uv)
    sock = bind("127.0.0.1", 0)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "backend did not start"
            time.sleep(0.01)
        yield Faulty(f"http://127.0.0.1:{sock.getsockname()[1]}", config, faulty)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def free_port() -> int:
    """A port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Sleeps:
    """The engine's and the client's sleeps: recorded, and each cut to at most `cap` seconds."""

    cap: float = 0.2
    asked: list[float] = field(default_factory=list)

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        await asyncio.sleep(min(seconds, self.cap))


@dataclass
class Driven:
    """An engine under test, its sleeps and its HTTP client."""

    engine: Engine
    sleeps: Sleeps
    api: ApiClient


@asynccontextmanager
async def engine_for(
    url: str,
    *,
    lang: str | None = None,
    key: str | None = None,
    timeouts: Timeouts | None = None,
    env: dict[str, str] | None = None,
) -> AsyncIterator[Driven]:
    """An engine for the product-video skill on `url`; `key` names the backend across restarts."""
    full = {**os.environ, **FAST_ENV, **(env or {})}
    skill = skills.resolve(SKILL, full)
    sleeps = Sleeps()
    async with httpx.AsyncClient(trust_env=False) as http:
        api = ApiClient(
            http,
            base_url=url,
            skill_headers=skill.headers(),
            tokens=TokenStore(key or url, env=full),
            timeouts=timeouts,
            sleep=sleeps,
        )
        engine = Engine(
            api=api,
            skill=skill,
            sessions=SessionMemory.default(full),
            settings=Settings.from_skill(skill, full),
            lang=lang,
            backend_key=key or url,
            sleep=sleeps,
        )
        yield Driven(engine, sleeps, api)


async def drive(outputs: AsyncIterator[Output]) -> list[Output]:
    """Run one engine call to its end."""
    return [output async for output in outputs]
