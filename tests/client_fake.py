"""A scripted backend behind httpx.MockTransport that checks the headers of every request."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from vidskill.client import ApiClient, TokenStore

BASE = "http://backend.test"
SKILL_HEADERS = {
    "X-Skill-Source": "ai-product-video",
    "X-Skill-Version": "1.2.0",
    "X-Skill-Platform": "unknown",
}
ANON = "POST /api/auth/anonymous-token"


@dataclass
class Reply:
    """One scripted answer: JSON (or raw bytes), or a stream of chunks that may end in a fault."""

    status: int = 200
    body: Any = None
    headers: Mapping[str, str] = field(default_factory=dict)
    chunks: list[bytes] | None = None
    fail: Exception | None = None  # raised after the chunks (a broken stream)
    raise_: Exception | None = None  # raised instead of answering (a network failure)

    def response(self) -> httpx.Response:
        """The httpx response for this reply."""
        if self.raise_ is not None:
            raise self.raise_
        if self.chunks is not None:
            headers = {"content-type": "text/event-stream", **self.headers}
            return httpx.Response(self.status, headers=headers, content=self._stream())
        if isinstance(self.body, bytes):
            return httpx.Response(self.status, headers=self.headers, content=self.body)
        return httpx.Response(self.status, headers=self.headers, json=self.body)

    async def _stream(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks or []:
            yield chunk
        if self.fail is not None:
            raise self.fail


def ok(data: Mapping[str, Any]) -> Reply:
    """The emitted success envelope."""
    return Reply(200, {"code": 0, "message": "ok", "data": dict(data)})


def sse(text: str, **kw: Any) -> Reply:
    """An event stream answering a chat turn."""
    return Reply(200, chunks=[text.encode()], **kw)


def from_row(row: Mapping[str, Any]) -> Reply:
    """A reply described by a test-data row: status, body, headers or sse."""
    if "sse" in row:
        return sse(row["sse"], status=row.get("status", 200))
    if "raw" in row:
        return Reply(row.get("status", 200), row["raw"].encode(), row.get("headers", {}))
    return Reply(row.get("status", 200), row.get("body"), row.get("headers", {}))


class FakeBackend:
    """Answers requests from per-endpoint scripts and records every header it was sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.scripts: dict[str, list[Reply | Callable[[httpx.Request], Reply]]] = {}
        self.issued: list[str] = []
        self.violations: list[str] = []

    def script(self, key: str, *replies: Reply | Callable[[httpx.Request], Reply]) -> None:
        """Queue answers for `METHOD /path`."""
        self.scripts.setdefault(key, []).extend(replies)

    def calls(self, key: str) -> list[httpx.Request]:
        """The requests made to `METHOD /path`."""
        return [r for r in self.requests if _key(r) == key]

    async def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        self.requests.append(request)
        self.bodies.append(request.content)
        self._check(request)
        key = _key(request)
        queue = self.scripts.get(key)
        if queue:
            reply = queue.pop(0)
            return (reply(request) if callable(reply) else reply).response()
        if key == ANON:
            return self._issue().response()
        self.violations.append(f"unscripted request {key}")
        raise AssertionError(f"unscripted request {key}")

    def _issue(self) -> Reply:
        token = f"secret-token-{len(self.issued) + 1}-zq"
        self.issued.append(token)
        expires = (datetime.now(UTC) + timedelta(days=7)).isoformat()
        data = {"token": token, "user_id": "anon_42", "credits": 100, "expires_at": expires}
        return ok(data)

    def _check(self, request: httpx.Request) -> None:
        for name, value in SKILL_HEADERS.items():
            if request.headers.get(name) != value:
                self.violations.append(f"{_key(request)}: {name} missing or wrong")
        has_auth = "authorization" in request.headers
        if _key(request) == ANON:
            if has_auth or not request.headers.get("x-client-id"):
                self.violations.append("anonymous-token: wrong auth headers")
        elif has_auth != (request.url.host == "backend.test"):
            self.violations.append(f"{_key(request)}: Authorization to the wrong origin")


def _key(request: httpx.Request) -> str:
    return f"{request.method} {request.url.path}"


class Sleeps(list[float]):
    """An injected sleep that records how long it was asked to wait and returns at once."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def make_api(
    backend: FakeBackend,
    sleeps: Sleeps | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[ApiClient, httpx.AsyncClient]:
    """An ApiClient over the fake backend, with the token store of the private test HOME."""
    http = httpx.AsyncClient(transport=httpx.MockTransport(backend.handler))
    api = ApiClient(
        http,
        base_url=BASE,
        skill_headers=SKILL_HEADERS,
        tokens=TokenStore(BASE, env=env),
        sleep=sleeps if sleeps is not None else Sleeps(),
    )
    return api, http


def adk_text(text: str) -> str:
    """One ADK text event as an SSE frame."""
    event = {"author": "nemo_agent", "content": {"role": "model", "parts": [{"text": text}]}}
    return f"data: {json.dumps(event, ensure_ascii=False)}\n\n"
