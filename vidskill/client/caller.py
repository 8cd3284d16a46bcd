"""Sending one logical request: headers, token, refusal check and the recoveries of §5.

Every request carries the three attribution headers and, except the anonymous-token request,
`Authorization` (only ever to the backend's own origin). Each recovery runs at most once per
call: 1001 renews an anonymous token for the same client id (a `NEMO_TOKEN` is never replaced,
the user is told to check it); HTTP 400 on the anonymous-token request, the only one that sends
`X-Client-Id`, makes a new client id; 429 waits (`Retry-After`, else 30 s) and tries again.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import aconnect_sse

from vidskill import errors
from vidskill.client import envelope
from vidskill.client.auth import Token, TokenSource
from vidskill.client.network import HTTPX_FAILURES, network_error, public_url

Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Timeouts:
    """Seconds the client waits; `keepalive` is how long a chat stream may stay silent."""

    connect: float = 10.0
    read: float = 60.0
    write: float = 60.0
    pool: float = 10.0
    keepalive: float = 180.0
    upload_read: float = 600.0

    def http(self, read: float | None = None) -> httpx.Timeout:
        """The httpx timeouts of a request, with another read timeout if given."""
        read = self.read if read is None else read
        return httpx.Timeout(connect=self.connect, read=read, write=self.write, pool=self.pool)


@dataclass(frozen=True)
class Call:
    """One logical request, which the recoveries may send more than once."""

    method: str
    url: str  # a path under the API base, or an absolute URL
    json: Any = None
    body: Callable[[], AsyncGenerator[bytes, None]] | None = None  # a fresh body each attempt
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout: httpx.Timeout | None = None
    auth: bool = True
    client_id: bool = False
    chat: bool = False  # carries a chat message: may have run once sent, so failures say so
    follow_redirects: bool = False


_ENV_HINTS = {
    "NEMO_TOKEN": "The backend refused the token set in NEMO_TOKEN (bad or expired): check "
    "NEMO_TOKEN, or unset it to use a free anonymous token.",
    "NEMO_CLIENT_ID": "The backend refused the client id set in NEMO_CLIENT_ID: check "
    "NEMO_CLIENT_ID (at most 64 characters), or unset it.",
}


class Caller:
    """Sends calls to one backend with a token source, the skill's headers and the recoveries."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        skill_headers: Mapping[str, str],
        tokens: TokenSource,
        sleep: Sleep,
        rate_limit_wait: float,
        max_rate_limit_wait: float,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self._http = http
        # A call without its own timeout gets this one: httpx reads an explicit None as "wait
        # forever", and a backend that accepts a connection and never answers must not hang us.
        self._timeout = timeout or Timeouts().http()
        self.base_url = base_url.rstrip("/")
        self.shown_url = public_url(self.base_url)
        self._skill_headers = dict(skill_headers)
        self.tokens = tokens
        self._sleep = sleep
        self._rate_wait = rate_limit_wait
        self._max_rate_wait = max_rate_limit_wait
        self._lock = asyncio.Lock()

    async def anonymous_token(self) -> Token:
        """Get a new anonymous token for this client id and keep it in the token source."""
        async with self._lock:
            return await self._fetch_anonymous()

    async def json(self, call: Call) -> tuple[dict[str, Any], httpx.Headers]:
        """The success data of a call and the answer's headers."""
        response = await self.request(call)
        return envelope.unwrap(envelope.parse_json(response.content)), response.headers

    async def request(self, call: Call) -> httpx.Response:
        """The accepted, fully read answer to a call."""
        used: set[str] = set()
        while True:
            token = await self._token(call)
            body = call.body() if call.body else None
            try:
                request = self._http.build_request(
                    call.method,
                    self.url(call.url),
                    json=call.json,
                    content=body,
                    headers=self._headers(call, token),
                    timeout=call.timeout or self._timeout,
                )
                response = await self._http.send(request, follow_redirects=call.follow_redirects)
            except HTTPX_FAILURES as exc:
                raise network_error(exc, self.where(call.url)) from exc
            finally:
                if body is not None:
                    # A body cut off mid-way (broken connection) still closes its open file.
                    await body.aclose()
            refusal = self._refusal(response, token)
            if refusal is None:
                return response
            await self._recover(refusal, call, token, used)

    @asynccontextmanager
    async def open(self, call: Call) -> AsyncIterator[httpx.Response]:
        """A streamed answer whose status was checked (and recovered from) before reading."""
        used: set[str] = set()
        while True:
            token = await self._token(call)
            async with AsyncExitStack() as stack:
                response = await self._enter(stack, call, token)
                refusal = await self._stream_refusal(response, call, token)
                if refusal is None:
                    yield response
                    return
            await self._recover(refusal, call, token, used)

    def url(self, url: str) -> str:
        """An absolute URL for a path under the API base (absolute URLs stay as they are)."""
        return url if url.startswith(("http://", "https://")) else self.base_url + url

    def where(self, url: str) -> str:
        """The URL to name in a message: the API base, or a foreign URL's origin only."""
        absolute = self.url(url)
        if self.same_origin(absolute):
            return self.shown_url
        return public_url(absolute, origin_only=True)

    def same_origin(self, url: str) -> bool:
        """True when `url` is on the backend's own scheme, host and port."""
        try:
            mine, theirs = httpx.URL(self.base_url), httpx.URL(self.url(url))
        except httpx.InvalidURL:
            return False
        return (mine.scheme, mine.host, mine.port) == (theirs.scheme, theirs.host, theirs.port)

    async def _fetch_anonymous(self) -> Token:
        call = Call("POST", "/api/auth/anonymous-token", auth=False, client_id=True)
        data, _ = await self.json(call)
        token = Token.from_anonymous(data)
        if token is None:
            raise errors.TokenError("The backend answered the token request without a token.")
        self.tokens.save(token)
        return token

    async def _token(self, call: Call) -> Token | None:
        if not call.auth:
            return None
        async with self._lock:
            return self.tokens.current() or await self._fetch_anonymous()

    async def _renew(self, stale: Token) -> None:
        async with self._lock:
            current = self.tokens.current()
            if current is not None and current.secret != stale.secret:
                return  # another request renewed it meanwhile
            self.tokens.forget()
            await self._fetch_anonymous()

    async def _enter(
        self, stack: AsyncExitStack, call: Call, token: Token | None
    ) -> httpx.Response:
        kwargs: dict[str, Any] = {
            "headers": self._headers(call, token),
            "json": call.json,
            "content": call.body() if call.body else None,
            "timeout": call.timeout or self._timeout,
            "follow_redirects": call.follow_redirects,
        }
        url = self.url(call.url)
        try:
            if call.chat:
                opened = aconnect_sse(self._http, call.method, url, **kwargs)
                return (await stack.enter_async_context(opened)).response
            return await stack.enter_async_context(self._http.stream(call.method, url, **kwargs))
        except HTTPX_FAILURES as exc:
            raise network_error(exc, self.where(call.url), message_sent=call.chat) from exc

    async def _stream_refusal(
        self, response: httpx.Response, call: Call, token: Token | None
    ) -> errors.BackendError | None:
        # A 2xx that is not JSON is the stream or file itself; anything else is read whole.
        if response.is_success and "json" not in response.headers.get("content-type", ""):
            return None
        try:
            await response.aread()
        except HTTPX_FAILURES as exc:
            raise network_error(exc, self.where(call.url), message_sent=call.chat) from exc
        return self._refusal(response, token)

    def _refusal(self, response: httpx.Response, token: Token | None) -> errors.BackendError | None:
        body = envelope.parse_json(response.content)
        hide = (token.secret.reveal(),) if token is not None else ()
        err = envelope.error_for(response.status_code, body, response.headers, hide=hide)
        if err is not None and token is not None:
            if token.user_id:
                err.data.setdefault("user_id", token.user_id)
            err.data.setdefault("anonymous", token.anonymous)
        return err

    async def _recover(
        self, err: errors.BackendError, call: Call, token: Token | None, used: set[str]
    ) -> None:
        """Prepare the one retry an error allows, or raise it."""
        if isinstance(err, errors.TokenError) and token is not None and "token" not in used:
            used.add("token")
            if not token.anonymous:
                raise _env_refused(err, "NEMO_TOKEN") from err
            await self._renew(token)
            return
        if isinstance(err, errors.ClientIdError) and call.client_id and "client" not in used:
            used.add("client")
            if self.tokens.client_id_from_env:
                raise _env_refused(err, "NEMO_CLIENT_ID") from err
            self.tokens.new_client_id()
            return
        if isinstance(err, errors.RateLimitError) and "rate" not in used:
            wait = self._rate_wait if err.retry_after is None else err.retry_after
            if wait <= self._max_rate_wait:
                used.add("rate")
                await self._sleep(wait)
                return
        raise err

    def _headers(self, call: Call, token: Token | None) -> dict[str, str]:
        headers = {**self._skill_headers, **call.headers}
        if token is not None:
            headers["Authorization"] = f"Bearer {token.secret.reveal()}"
        if call.client_id:
            headers["X-Client-Id"] = self.tokens.client_id()
        return headers


def _env_refused(err: errors.BackendError, name: str) -> errors.BackendError:
    return type(err)(_ENV_HINTS[name], code=err.code, status=err.status, data=err.data)
