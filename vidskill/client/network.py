"""Network failures translated into vidskill's errors, in this one place, through one table."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator

import httpx

from vidskill.errors import NetworkError, StreamDroppedError

# Most specific first; a row matches when its type is anywhere in the exception's chain, so
# the operating system's own reason (refused, DNS, TLS) wins over httpx's generic wrapper.
FAILURES: tuple[tuple[type[BaseException], str], ...] = (
    (ssl.SSLCertVerificationError, "its TLS certificate could not be verified"),
    (ssl.SSLError, "the TLS handshake failed"),
    (socket.gaierror, "its host name could not be resolved (DNS)"),
    (ConnectionRefusedError, "the connection was refused (is the backend running?)"),
    (httpx.ConnectTimeout, "connecting timed out"),
    (httpx.ReadTimeout, "it stopped answering (read timeout)"),
    (httpx.WriteTimeout, "sending timed out"),
    (httpx.PoolTimeout, "no connection became free in time"),
    (httpx.TimeoutException, "the request timed out"),
    (httpx.UnsupportedProtocol, "the URL must start with http:// or https://"),
    (httpx.InvalidURL, "the URL is not valid"),
    (httpx.ConnectError, "the connection could not be made"),
    (httpx.RemoteProtocolError, "the connection closed unexpectedly"),
    (httpx.ReadError, "the connection broke while receiving"),
    (httpx.WriteError, "the connection broke while sending"),
    (httpx.DecodingError, "its answer could not be decoded"),
    (httpx.RequestError, "the request failed"),
)

# Failures that happen before any byte of the request can have reached the backend.
UNSENT: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    httpx.UnsupportedProtocol,
    httpx.InvalidURL,
)

# What callers catch and hand to `network_error`.
HTTPX_FAILURES: tuple[type[Exception], ...] = (httpx.RequestError, httpx.InvalidURL)


def _chain(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def reason(exc: BaseException) -> str:
    """One plain phrase saying why a request failed."""
    chain = list(_chain(exc))
    for kind, text in FAILURES:
        if any(isinstance(link, kind) for link in chain):
            return text
    return "the request failed"


def network_error(exc: BaseException, url: str, *, message_sent: bool = False) -> NetworkError:
    """The error for a failed request to `url`.

    With `message_sent`, a failure that may have happened after the backend received a chat
    message becomes `StreamDroppedError`: the turn may be running, so it must not be resent.
    """
    why = reason(exc)
    if message_sent and not isinstance(exc, UNSENT):
        text = f"The chat stream from the backend at {url} broke: {why}. Nothing was resent."
        return StreamDroppedError(text, url=url)
    return NetworkError(f"Cannot reach the backend at {url}: {why}.", url=url)


def public_url(url: str, *, origin_only: bool = False) -> str:
    """`url` without user info, query or fragment (they may hold secrets), for messages."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return "<invalid URL>"
    if not parsed.host:
        return url.split("?", 1)[0].split("#", 1)[0]
    host = f"[{parsed.host}]" if ":" in parsed.host else parsed.host
    port = f":{parsed.port}" if parsed.port is not None else ""
    path = "" if origin_only else parsed.path.rstrip("/")
    return f"{parsed.scheme}://{host}{port}{path}"
