"""Reading requests: the backend of the app, bounded JSON bodies, fields, attribution, ownership."""

from __future__ import annotations

import json
import re
from typing import Any, cast

import anyio.to_thread
from starlette.requests import ClientDisconnect, Request

from vidskill.server import envelope
from vidskill.server import store_sessions as ss
from vidskill.server.backend import Backend
from vidskill.server.store_accounts import User

_PARSE_IN_THREAD = 256 * 1024  # parsing megabytes of JSON would stall the event loop
_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# A full draft (2000 segments) holds a few tens of thousands of values; 15 MB of `{},` would
# become five million objects, hundreds of MB of memory.
MAX_JSON_VALUES = 100_000
MAX_INT_DIGITS = 64


class JsonTooBig(ValueError):
    """A JSON body with more values, or longer numbers, than any request needs."""


def backend_of(request: Request) -> Backend:
    """The backend serving this request."""
    return cast(Backend, request.app.state.backend)


async def read_json(request: Request, limit: int, *, optional: bool = False) -> dict[str, Any]:
    """The request body as a JSON object, read up to `limit` bytes (413 beyond, 400 if bad)."""
    body = bytearray()
    try:
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit:
                raise envelope.ApiError(413, 413, f"request body over {limit} bytes")
    except ClientDisconnect:
        # Nobody is left to answer, but this is the client's doing, not a server fault to log.
        raise envelope.bad_request("the client went away before sending its request") from None
    if not body.strip() and optional:
        return {}
    try:
        if len(body) > _PARSE_IN_THREAD:
            value = await anyio.to_thread.run_sync(parse_json, bytes(body))
        else:
            value = parse_json(bytes(body))
    except JsonTooBig as exc:
        raise envelope.ApiError(413, 413, str(exc)) from None
    except (ValueError, RecursionError):
        raise envelope.bad_request("the request body is not valid JSON") from None
    if not isinstance(value, dict):
        raise envelope.bad_request("the request body must be a JSON object")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bounded_int(text: str) -> int:
    if len(text) > MAX_INT_DIGITS:
        raise JsonTooBig(f"the request body has a number longer than {MAX_INT_DIGITS} digits")
    return int(text)


def parse_json(body: bytes) -> Any:
    """Strict JSON: no NaN or Infinity, no lone surrogates, bounded numbers and value counts."""
    # n values need n - 1 commas, so this bounds every list and object built from the body.
    if body.count(b",") + body.count(b"{") + body.count(b"[") > MAX_JSON_VALUES:
        raise JsonTooBig(f"the request body holds more than {MAX_JSON_VALUES} JSON values")
    value = json.loads(body, parse_constant=_no_constant, parse_int=_bounded_int)
    if _SURROGATE.search(body):
        json.dumps(value, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    return value


def text_field(
    body: dict[str, Any], key: str, *, default: str | None = None, max_len: int = 256
) -> str:
    """A string field of a JSON body (400 when missing, empty, too long or not a string)."""
    value = body.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise envelope.bad_request(f"{key!r} must be a non-empty string")
    if len(value) > max_len:
        raise envelope.bad_request(f"{key!r} is longer than {max_len} characters")
    return value.strip()


def attribution(request: Request) -> ss.Attribution:
    """The three X-Skill-* headers of the request."""
    headers = request.headers
    return ss.Attribution(
        headers.get("x-skill-source", "").strip()[:128],
        headers.get("x-skill-version", "").strip()[:64],
        headers.get("x-skill-platform", "").strip()[:64],
    )


async def owned_session(backend: Backend, user: User, session_id: str) -> ss.SessionRow:
    """The user's session, or 1002 whether it is missing or belongs to someone else."""
    session = await backend.db.read(ss.owned_session, session_id, user.user_id)
    if session is None:
        raise envelope.session_not_found()
    return session


def asset_json(asset: ss.AssetRow, base_url: str) -> dict[str, Any]:
    """An asset as the wire shows it (PROTOCOL.md §4), with a media URL on this server."""
    url = f"{base_url.rstrip('/')}/api/media/{asset.session_id}/{asset.asset_id}"
    return {
        "id": asset.asset_id,
        "filename": asset.filename,
        "file_type": asset.file_type,
        "url": url,
        "cdn_url": url,
        "size": asset.size,
        "width": asset.width,
        "height": asset.height,
        "duration": asset.duration,
    }
