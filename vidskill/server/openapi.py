"""The OpenAPI 3.1 document of the local backend's REST part (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

from vidskill import __version__
from vidskill.server.openapi_schemas import obj, ref, schemas

JSON = "application/json"


def _envelope(data: str) -> dict[str, Any]:
    return obj(
        {
            "code": {"type": "integer", "const": 0},
            "message": {"type": "string"},
            "data": ref(data),
        },
        ("code", "message", "data"),
    )


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    names = {
        400: "Bad request",
        401: "Token invalid or expired (code 1001)",
        402: "Attribution headers missing",
        403: "No credits (code 2001)",
        404: "Not found or not yours (code 1002)",
        409: "Conflict (3001 duplicate id, 3003 not finished)",
        410: "Gone",
        413: "Too large (4002)",
        415: "Unsupported file (4001)",
        422: "Draft rejected (3002)",
        429: "Rate limited (Retry-After)",
    }
    return {str(s): _json(ref("Error"), names[s]) for s in statuses}


def _op(
    summary: str,
    ok: dict[str, Any],
    errors: tuple[int, ...],
    *,
    auth: bool = True,
    body: dict[str, Any] | None = None,
    body_required: bool = True,
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **_errors(*errors)}}
    op["security"] = [{"bearer": []}] if auth else []
    if body is not None:
        op["requestBody"] = {"required": body_required, "content": body}
    if params:
        op["parameters"] = params
    return op


def _binary(description: str, media_type: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }


def _stream(description: str) -> dict[str, Any]:
    # No schema: the events are described in PROTOCOL.md §3, one JSON object per `data:` line.
    return {"description": description, "content": {"text/event-stream": {}}}


def _path_param(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "schema": {"type": "string", "minLength": 1, "maxLength": 128},
    }


_SKILL_HEADERS = [
    {"name": f"X-Skill-{part}", "in": "header", "required": False, "schema": {"type": "string"}}
    for part in ("Source", "Version", "Platform")
]
_CLIENT_ID = {
    "name": "X-Client-Id",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[!-~]+$"},
}


def _paths() -> dict[str, Any]:
    sid = [_path_param("session_id")]
    rid = [_path_param("render_id")]
    ok = {
        name: _json(_envelope(name), "ok")
        for name in ("AnonymousToken", "Session", "Credits", "Uploaded", "State", "Health")
    }
    status = _json(ref("RenderStatus"), "the job (no envelope)")
    multipart = {
        "multipart/form-data": {
            "schema": obj(
                {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "minItems": 1,
                        "maxItems": 20,
                    }
                },
                ("files",),
            )
        },
        JSON: {"schema": ref("UrlUpload")},
    }
    return {
        "/api/auth/anonymous-token": {
            "post": _op(
                "Get the client's anonymous token",
                ok["AnonymousToken"],
                (400, 429),
                auth=False,
                params=[{**_CLIENT_ID, "required": True}],
            )
        },
        "/api/tasks/me/with-session/nemo_agent": {
            "post": _op(
                "Create a task with a session",
                ok["Session"],
                (400, 401),
                body={JSON: {"schema": ref("NewSession")}},
                body_required=False,
                params=_SKILL_HEADERS,
            )
        },
        "/api/credits/balance/simple": {"get": _op("Credit balance", ok["Credits"], (401,))},
        "/api/state/nemo_agent/me/{session_id}/latest": {
            "get": _op("Latest state of a session", ok["State"], (401, 404), params=sid)
        },
        "/api/upload-video/nemo_agent/me/{session_id}": {
            "post": _op(
                "Upload files or URLs to a session",
                ok["Uploaded"],
                (400, 401, 404, 413, 415),
                body=multipart,
                params=sid,
            )
        },
        "/api/render/proxy/lambda": {
            "post": _op(
                "Submit a render",
                status,
                (400, 401, 402, 404, 409, 413, 422),
                body={JSON: {"schema": ref("RenderRequest")}},
                params=_SKILL_HEADERS,
            )
        },
        "/api/render/proxy/lambda/{render_id}": {
            "get": _op("Poll a render", status, (401, 404), params=rid)
        },
        "/api/render/proxy/{render_id}/download": {
            "get": _op(
                "Download a finished render",
                _binary("the MP4", "video/mp4"),
                (401, 404, 409, 410),
                params=rid,
            )
        },
        "/api/media/{session_id}/{asset_id}": {
            "get": _op(
                "A session's file",
                _binary("the file", "application/octet-stream"),
                (401, 404),
                params=[*sid, _path_param("asset_id")],
            )
        },
        "/run_sse": {
            "post": _op(
                "Run one chat turn",
                _stream("ADK events"),
                (400, 401, 403, 404),
                body={JSON: {"schema": ref("RunRequest")}},
            )
        },
        "/api/health": {"get": _op("Health check", ok["Health"], (), auth=False)},
    }


def document() -> dict[str, Any]:
    """The OpenAPI document (the chat stream's events are described in PROTOCOL.md §3)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "vidskill local backend",
            "version": __version__,
            "description": "The NemoVideo agent protocol as the local backend serves it.",
        },
        "paths": _paths(),
        "components": {
            "schemas": schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
