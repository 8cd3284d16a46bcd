"""The OpenAPI 3.1 document of the local backend's REST part (served at /openapi.json)."""

from __future__ import annotations

from typing import Any

from vidskill import __version__

JSON = "application/json"
_REF = "#/components/schemas/"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": _REF + name}


def _obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def _envelope(data: str) -> dict[str, Any]:
    return _obj(
        {
            "code": {"type": "integer", "const": 0},
            "message": {"type": "string"},
            "data": _ref(data),
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
    return {str(s): _json(_ref("Error"), names[s]) for s in statuses}


def _op(
    summary: str,
    ok: dict[str, Any],
    errors: tuple[int, ...],
    *,
    auth: bool = True,
    body: dict[str, Any] | None = None,
    params: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "responses": {"200": ok, **_errors(*errors)}}
    op["security"] = [{"bearer": []}] if auth else []
    if body is not None:
        op["requestBody"] = {"required": True, "content": body}
    if params:
        op["parameters"] = params
    return op


def _binary(description: str, media_type: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }


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
    "schema": {"type": "string", "maxLength": 64},
}


def _schemas() -> dict[str, Any]:
    num = {"type": ["number", "null"]}
    integer = {"type": ["integer", "null"]}
    string = {"type": "string"}
    return {
        "Error": _obj(
            {"code": {"type": "integer"}, "message": string, "data": {"type": "object"}},
            ("code", "message"),
        ),
        "AnonymousToken": _obj(
            {
                "token": string,
                "user_id": string,
                "credits": {"type": "integer"},
                "expires_at": string,
            },
            ("token", "user_id", "credits", "expires_at"),
        ),
        "NewSession": _obj({"task_name": string, "language": string}),
        "Session": _obj(
            {"task_id": string, "session_id": string, "user_id": string},
            ("task_id", "session_id", "user_id"),
        ),
        "Credits": _obj(
            {
                "available": {"type": "integer"},
                "frozen": {"type": "integer"},
                "total": {"type": "integer"},
            },
            ("available", "frozen", "total"),
        ),
        "Asset": _obj(
            {
                "id": string,
                "filename": string,
                "file_type": {"enum": ["image", "video", "audio", "text"]},
                "url": string,
                "cdn_url": string,
                "size": {"type": "integer"},
                "width": integer,
                "height": integer,
                "duration": num,
            },
            ("id", "filename", "file_type", "url", "size"),
        ),
        "Uploaded": _obj(
            {
                "files": {"type": "array", "items": _ref("Asset")},
                "session_state_applied": {"type": "boolean"},
            },
            ("files",),
        ),
        "UrlUpload": _obj(
            {
                "urls": {"type": "array", "items": string, "minItems": 1, "maxItems": 20},
                "source_type": string,
            },
            ("urls",),
        ),
        "State": _obj(
            {
                "session_id": string,
                "task_id": string,
                "state": _obj(
                    {
                        "draft": {"type": "object"},
                        "video_infos": {"type": "array", "items": _ref("Asset")},
                        "generated_media": {"type": "array", "items": _ref("Asset")},
                        "canvas_config": {"type": "object"},
                    },
                    ("draft", "video_infos", "generated_media", "canvas_config"),
                ),
            },
            ("session_id", "task_id", "state"),
        ),
        "RenderRequest": _obj(
            {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},
                "sessionId": string,
                "draft": {"type": "object"},
                "output": _obj(
                    {"format": {"enum": ["mp4"]}, "quality": {"enum": ["high", "preview"]}}
                ),
            },
            ("id", "sessionId", "draft"),
        ),
        "RenderStatus": _obj(
            {
                "id": string,
                "status": {"enum": ["pending", "processing", "completed", "failed"]},
                "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                "poll_after_ms": {"type": "integer"},
                "error": string,
                "output": _obj({"url": string, "duration": num, "size": integer}),
            },
            ("id", "status", "progress"),
        ),
        "Health": _obj({"status": string, "version": string}),
        "RunRequest": _obj(
            {
                "app_name": string,
                "user_id": string,
                "session_id": string,
                "new_message": _obj(
                    {"parts": {"type": "array", "items": _obj({"text": string})}}, ("parts",)
                ),
                "streaming": {"type": "boolean"},
            },
            ("session_id", "new_message"),
        ),
    }


def _paths() -> dict[str, Any]:
    sid = [_path_param("session_id")]
    rid = [_path_param("render_id")]
    ok = {
        name: _json(_envelope(name), "ok")
        for name in ("AnonymousToken", "Session", "Credits", "Uploaded", "State", "Health")
    }
    status = _json(_ref("RenderStatus"), "the job (no envelope)")
    multipart = {
        "multipart/form-data": {
            "schema": _obj(
                {"files": {"type": "array", "items": {"type": "string", "format": "binary"}}},
                ("files",),
            )
        },
        JSON: {"schema": _ref("UrlUpload")},
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
                body={JSON: {"schema": _ref("NewSession")}},
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
                body={JSON: {"schema": _ref("RenderRequest")}},
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
                _binary("ADK events", "text/event-stream"),
                (400, 401, 403, 404),
                body={JSON: {"schema": _ref("RunRequest")}},
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
            "schemas": _schemas(),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
