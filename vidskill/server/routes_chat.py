"""The chat route: `/run_sse` checks the request, holds credits and streams the turn."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vidskill.server import envelope
from vidskill.server.inputs import backend_of, owned_session, read_json, text_field

MAX_MESSAGE_CHARS = 20_000


def message_text(body: dict[str, Any]) -> str:
    """The text of `new_message.parts` (400 when there is none)."""
    message = body.get("new_message")
    parts = message.get("parts") if isinstance(message, dict) else None
    if not isinstance(parts, list):
        raise envelope.bad_request("'new_message' must hold a list of 'parts'")
    texts = [p["text"] for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)]
    text = "".join(texts).strip()
    if not text:
        raise envelope.bad_request("the message has no text")
    if len(text) > MAX_MESSAGE_CHARS:
        raise envelope.bad_request(f"the message is longer than {MAX_MESSAGE_CHARS} characters")
    return text


async def run_sse(request: Request) -> Response:
    """POST /run_sse: one chat turn as a stream of ADK events."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    body = await read_json(request, backend.config.max_json_bytes)
    session_id = text_field(body, "session_id")
    message = message_text(body)
    session = await owned_session(backend, user, session_id)
    turn = await backend.turns.begin(user, session, message)
    return backend.turns.stream(turn)


ROUTES = [Route("/run_sse", run_sse, methods=["POST"])]
