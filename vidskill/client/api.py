"""The API client: every endpoint of PROTOCOL.md §2 over a passed-in `httpx.AsyncClient`.

Answers come back as frozen values (`models`) or typed errors from `vidskill.errors`; headers,
tokens and the recoveries of §5 live in `caller`, network failures in `network`. A chat message
is never sent twice: see `ApiClient.chat_stream`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

import httpx

from vidskill import errors
from vidskill.client import envelope
from vidskill.client.auth import Token, TokenSource
from vidskill.client.caller import Call, Caller, Sleep, Timeouts
from vidskill.client.events import Event
from vidskill.client.models import (
    Credits,
    Progress,
    RenderStatus,
    Session,
    SessionState,
    UploadResult,
)
from vidskill.client.multipart import MultipartBody
from vidskill.client.network import HTTPX_FAILURES, network_error
from vidskill.client.sse import iter_events

APP = "nemo_agent"


class ApiClient:
    """The backend's endpoints as async methods returning values or raising typed errors."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        skill_headers: Mapping[str, str],
        tokens: TokenSource,
        timeouts: Timeouts | None = None,
        sleep: Sleep = asyncio.sleep,
        rate_limit_wait: float = 30.0,
        max_rate_limit_wait: float = 120.0,
    ) -> None:
        self.timeouts = timeouts or Timeouts()
        self._caller = Caller(
            http,
            base_url=base_url,
            skill_headers=skill_headers,
            tokens=tokens,
            sleep=sleep,
            rate_limit_wait=rate_limit_wait,
            max_rate_limit_wait=max_rate_limit_wait,
            timeout=self.timeouts.http(),
        )

    def __repr__(self) -> str:
        return f"ApiClient({self.shown_url!r})"

    @property
    def base_url(self) -> str:
        """The API base, without a trailing slash."""
        return self._caller.base_url

    @property
    def shown_url(self) -> str:
        """The API base as messages may name it (no user info, query or fragment)."""
        return self._caller.shown_url

    @property
    def tokens(self) -> TokenSource:
        """Where the token and the client id come from."""
        return self._caller.tokens

    async def anonymous_token(self) -> Token:
        """Get a new anonymous token for this client id and keep it in the token source."""
        return await self._caller.anonymous_token()

    async def create_session(self, language: str | None = None) -> Session:
        """Create a project task and its chat session, in `language` when given."""
        body = {"task_name": "project"}
        if language:
            body["language"] = language
        call = Call("POST", f"/api/tasks/me/with-session/{APP}", json=body)
        data, _ = await self._caller.json(call)
        session = Session.from_wire(data)
        if not session.session_id:
            raise errors.BackendError("The backend created a session without an id.")
        return session

    async def credits(self) -> Credits:
        """The credit balance."""
        data, _ = await self._caller.json(Call("GET", "/api/credits/balance/simple"))
        return Credits.from_wire(data)

    async def state(self, session_id: str) -> SessionState:
        """The latest state of a session: draft, media and canvas."""
        call = Call("GET", f"/api/state/{APP}/me/{_seg(session_id)}/latest")
        data, _ = await self._caller.json(call)
        return SessionState.from_wire(data)

    async def upload_files(
        self, session_id: str, paths: Sequence[str | Path], progress: Progress | None = None
    ) -> UploadResult:
        """Upload local files in one streamed multipart request; progress counts body bytes."""
        body = MultipartBody(paths)
        call = Call(
            "POST",
            f"/api/upload-video/{APP}/me/{_seg(session_id)}",
            body=lambda: body.stream(progress),
            headers={"Content-Type": body.content_type, "Content-Length": str(body.length)},
            timeout=self.timeouts.http(self.timeouts.upload_read),
        )
        data, _ = await self._caller.json(call)
        return UploadResult.from_wire(data)

    async def upload_urls(self, session_id: str, urls: Sequence[str]) -> UploadResult:
        """Have the backend fetch media from http(s) URLs into the session."""
        call = Call(
            "POST",
            f"/api/upload-video/{APP}/me/{_seg(session_id)}",
            json={"urls": list(urls), "source_type": "url"},
            timeout=self.timeouts.http(self.timeouts.upload_read),
        )
        data, _ = await self._caller.json(call)
        return UploadResult.from_wire(data)

    async def submit_render(
        self, session_id: str, draft: Mapping[str, Any], render_id: str, *, quality: str = "high"
    ) -> RenderStatus:
        """Start rendering `draft` as MP4 under the caller-chosen, unique `render_id`."""
        body = {
            "id": render_id,
            "sessionId": session_id,
            "draft": dict(draft),
            "output": {"format": "mp4", "quality": quality},
        }
        data, headers = await self._caller.json(Call("POST", "/api/render/proxy/lambda", json=body))
        hint = envelope.retry_after(headers)
        return RenderStatus.from_wire(data, render_id=render_id, retry_after=hint)

    async def poll_render(self, render_id: str) -> RenderStatus:
        """Where a render stands, with the backend's polling hint when it gave one."""
        call = Call("GET", f"/api/render/proxy/lambda/{_seg(render_id)}")
        data, headers = await self._caller.json(call)
        hint = envelope.retry_after(headers)
        return RenderStatus.from_wire(data, render_id=render_id, retry_after=hint)

    async def download(
        self, url_or_id: str, dest: str | Path, progress: Progress | None = None
    ) -> int:
        """Stream a render (its output URL, or its id for `/download`) into the new file `dest`.

        `dest` must not exist (it is never overwritten) and is removed again if the download
        fails. The token is sent only to the backend's own origin. Returns the bytes written.
        """
        url = self._download_url(url_or_id)
        own = self._caller.same_origin(url)
        call = Call("GET", url, auth=own, follow_redirects=True, timeout=self.timeouts.http())
        target = Path(dest)
        async with self._caller.open(call) as response:
            try:
                handle = target.open("xb")
            except FileExistsError as exc:
                raise errors.UsageError(f"{target} already exists; it was not replaced.") from exc
            try:
                with handle:
                    return await _save(response, handle, progress, self._caller.where(url))
            except BaseException:
                target.unlink(missing_ok=True)
                raise

    async def chat_stream(self, session_id: str, text: str) -> AsyncGenerator[Event, None]:
        """Send one chat message and yield the turn's events until the backend ends the stream.

        Retries happen only on answers that prove the backend refused the message before running
        it (1001 or 429 instead of a stream). Once the request may have reached the backend
        without such an answer, nothing is sent again: a broken connection raises
        `StreamDroppedError`, and the caller reads the state instead of running the message (and
        charging for it) twice. Wrap the iterator in `contextlib.aclosing` when leaving early.
        """
        body = {
            "app_name": APP,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": text}]},
        }
        timeout = self.timeouts.http(self.timeouts.keepalive)
        call = Call("POST", "/run_sse", json=body, timeout=timeout, chat=True)
        async with self._caller.open(call) as response:
            async for event in iter_events(response, self.shown_url):
                yield event

    def _download_url(self, url_or_id: str) -> str:
        if url_or_id.startswith(("http://", "https://")):
            return url_or_id
        if url_or_id.startswith("/"):
            return str(httpx.URL(self.base_url + "/").join(url_or_id))
        return f"{self.base_url}/api/render/proxy/{_seg(url_or_id)}/download"


def _seg(value: str) -> str:
    return quote(value, safe="")


async def _save(
    response: httpx.Response, handle: BinaryIO, progress: Progress | None, where: str
) -> int:
    raw = response.headers.get("content-length", "")
    total = int(raw) if raw.isdigit() else None
    written = 0
    chunks = response.aiter_bytes()
    while True:
        try:
            chunk = await anext(chunks)
        except StopAsyncIteration:
            return written
        except HTTPX_FAILURES as exc:
            raise network_error(exc, where) from exc
        handle.write(chunk)
        written += len(chunk)
        if progress is not None:
            progress(written, total)
