"""Component schemas of the OpenAPI document (the JSON shapes of PROTOCOL.md §2 and §4)."""

from __future__ import annotations

from typing import Any

_REF = "#/components/schemas/"


def ref(name: str) -> dict[str, str]:
    """A reference to a component schema."""
    return {"$ref": _REF + name}


def obj(props: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object schema with these properties."""
    schema: dict[str, Any] = {"type": "object", "properties": props}
    if required:
        schema["required"] = list(required)
    return schema


def _word(max_len: int) -> dict[str, Any]:
    return {"type": "string", "minLength": 1, "maxLength": max_len, "pattern": "\\S"}


def _parts() -> dict[str, Any]:
    text = obj({"text": _word(5000)}, ("text",))
    return {"type": "array", "items": text, "minItems": 1, "maxItems": 4}


def _draft() -> dict[str, Any]:
    meta = obj({"width": {"enum": [1920, 1080]}, "height": {"enum": [1080, 1920]}})
    tracks = {"type": "array", "maxItems": 50, "items": {"type": "object"}}
    duration = {"type": "integer", "minimum": 1, "maximum": 600_000}
    return obj({"d": duration, "m": meta, "t": tracks}, ("d", "t"))


def schemas() -> dict[str, Any]:
    """Every component schema by name."""
    num = {"type": ["number", "null"]}
    integer = {"type": ["integer", "null"]}
    string = {"type": "string"}
    return {
        "Error": obj(
            {"code": {"type": "integer"}, "message": string, "data": {"type": "object"}},
            ("code", "message"),
        ),
        "AnonymousToken": obj(
            {
                "token": string,
                "user_id": string,
                "credits": {"type": "integer"},
                "expires_at": string,
            },
            ("token", "user_id", "credits", "expires_at"),
        ),
        "NewSession": obj({"task_name": _word(200), "language": _word(16)}),
        "Session": obj(
            {"task_id": string, "session_id": string, "user_id": string},
            ("task_id", "session_id", "user_id"),
        ),
        "Credits": obj(
            {
                "available": {"type": "integer"},
                "frozen": {"type": "integer"},
                "total": {"type": "integer"},
            },
            ("available", "frozen", "total"),
        ),
        "Asset": obj(
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
        "Uploaded": obj(
            {
                "files": {"type": "array", "items": ref("Asset")},
                "session_state_applied": {"type": "boolean"},
            },
            ("files",),
        ),
        "UrlUpload": obj(
            {
                "urls": {
                    "type": "array",
                    "items": {"type": "string", "format": "uri", "pattern": "^https?://[^/]"},
                    "minItems": 1,
                    "maxItems": 20,
                },
                "source_type": string,
            },
            ("urls",),
        ),
        "State": obj(
            {
                "session_id": string,
                "task_id": string,
                "state": obj(
                    {
                        "draft": {"type": "object"},
                        "video_infos": {"type": "array", "items": ref("Asset")},
                        "generated_media": {"type": "array", "items": ref("Asset")},
                        "canvas_config": {"type": "object"},
                    },
                    ("draft", "video_infos", "generated_media", "canvas_config"),
                ),
            },
            ("session_id", "task_id", "state"),
        ),
        "RenderRequest": obj(
            {
                "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$"},
                "sessionId": _word(256),
                "draft": ref("Draft"),
                "output": obj(
                    {"format": {"enum": ["mp4"]}, "quality": {"enum": ["high", "preview"]}}
                ),
            },
            ("id", "sessionId", "draft"),
        ),
        "RenderStatus": obj(
            {
                "id": string,
                "status": {"enum": ["pending", "processing", "completed", "failed"]},
                "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                "poll_after_ms": {"type": "integer"},
                "error": string,
                "output": obj({"url": string, "duration": num, "size": integer}),
            },
            ("id", "status", "progress"),
        ),
        "Health": obj({"status": string, "version": string}),
        "Draft": _draft(),
        "RunRequest": obj(
            {
                "app_name": string,
                "user_id": string,
                "session_id": _word(256),
                "new_message": obj({"parts": _parts()}, ("parts",)),
                "streaming": {"type": "boolean"},
            },
            ("session_id", "new_message"),
        ),
    }
