"""ADK-shaped chat events as the local backend emits them (PROTOCOL.md §3): camelCase keys,
nulls left out, one `data:` line per event."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

AUTHOR = "nemo_agent"
HEARTBEAT = b'data: {"type": "heartbeat"}\n\n'
_ID_CHARS = string.ascii_letters + string.digits


def sse(obj: dict[str, Any]) -> bytes:
    """One server-sent event: a `data:` line with compact JSON and a blank line."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return f"data: {text}\n\n".encode()


def _event(invocation_id: str, role: str, part: dict[str, Any], now: float) -> dict[str, Any]:
    return {
        "id": "".join(secrets.choice(_ID_CHARS) for _ in range(8)),
        "timestamp": now,
        "invocationId": invocation_id,
        "author": AUTHOR,
        "content": {"role": role, "parts": [part]},
        "actions": {"stateDelta": {}, "artifactDelta": {}, "requestedAuthConfigs": {}},
    }


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def function_call(
    invocation_id: str, call_id: str, name: str, args: dict[str, Any], now: float
) -> dict[str, Any]:
    """The event announcing a tool call."""
    part = {"functionCall": {"id": call_id, "name": name, "args": _drop_nulls(args)}}
    return _event(invocation_id, "model", part, now)


def function_response(
    invocation_id: str, call_id: str, name: str, response: dict[str, Any], now: float
) -> dict[str, Any]:
    """The event carrying a tool's result (role `user`, as ADK sends it)."""
    part = {"functionResponse": {"id": call_id, "name": name, "response": _drop_nulls(response)}}
    return _event(invocation_id, "user", part, now)


def text(invocation_id: str, reply: str, now: float) -> dict[str, Any]:
    """The agent's text reply."""
    return _event(invocation_id, "model", {"text": reply}, now)


def error(message: str) -> dict[str, Any]:
    """The last event of a turn that failed."""
    return {"error": message}


def new_call_id() -> str:
    """An id pairing a function call with its response."""
    return f"adk-{secrets.token_hex(8)}"
