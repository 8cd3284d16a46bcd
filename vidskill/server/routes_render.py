"""Routes for exports: submit a render job, poll it, download the MP4.

Render status answers carry no envelope (the shape the skill documents use), with a
`poll_after_ms` hint and a `Retry-After` header while the job runs. Exports cost no credits.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from vidskill.server import envelope
from vidskill.server import store_renders as sr
from vidskill.server.inputs import attribution, backend_of, owned_session, read_json, text_field

POLL_AFTER_S = 1
QUALITIES = ("high", "preview")
_RENDER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


def render_json(row: sr.RenderRow, base_url: str) -> dict[str, Any]:
    """A job as the poll endpoint shows it."""
    out: dict[str, Any] = {"id": row.render_id, "status": row.status, "progress": row.progress}
    if row.status in sr.ACTIVE:
        out["poll_after_ms"] = POLL_AFTER_S * 1000
    if row.status == "completed":
        url = f"{base_url.rstrip('/')}/api/render/proxy/{quote(row.render_id)}/download"
        out["output"] = {"url": url, "duration": row.duration, "size": row.size}
    if row.status == "failed":
        out["error"] = row.error or "the render failed"
    return out


def _status_response(row: sr.RenderRow, request: Request) -> Response:
    headers = {"Retry-After": str(POLL_AFTER_S)} if row.status in sr.ACTIVE else None
    return JSONResponse(render_json(row, str(request.base_url)), headers=headers)


def _render_id(value: str) -> str:
    if not _RENDER_ID.match(value):
        raise envelope.bad_request("'id' must be 1-128 letters, digits, '_', '-' or '.'")
    return value


def _quality(body: dict[str, Any]) -> str:
    output = body.get("output", {})
    if not isinstance(output, dict):
        raise envelope.bad_request("'output' must be an object")
    if output.get("format", "mp4") != "mp4":
        raise envelope.bad_request("only the mp4 format can be rendered")
    quality = output.get("quality", "high")
    if quality not in QUALITIES:
        raise envelope.bad_request("'output.quality' is 'high' or 'preview'")
    return str(quality)


async def submit(request: Request) -> Response:
    """POST /api/render/proxy/lambda: check and queue a render of a session's draft."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    attr = attribution(request)
    if not attr.complete:
        raise envelope.plan_required()
    body = await read_json(request, backend.config.max_json_bytes)
    render_id = _render_id(text_field(body, "id", max_len=128))
    session_id = text_field(body, "sessionId", default=body.get("session_id"))
    draft = body.get("draft")
    if not isinstance(draft, dict):
        raise envelope.bad_request("'draft' must be a draft object")
    quality = _quality(body)
    session = await owned_session(backend, user, session_id)
    row = await backend.renders.submit(user.user_id, session, render_id, draft, quality, attr)
    return _status_response(row, request)


async def poll(request: Request) -> Response:
    """GET /api/render/proxy/lambda/<id>: the job's status and, when done, its output."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    row = await backend.renders.status(user.user_id, request.path_params["render_id"])
    return _status_response(row, request)


async def download(request: Request) -> Response:
    """GET /api/render/proxy/<id>/download: the finished MP4, streamed."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    row = await backend.renders.status(user.user_id, request.path_params["render_id"])
    if row.status != "completed":
        raise envelope.ApiError(
            409,
            envelope.RENDER_NOT_READY,
            f"the render is {row.status}, not finished",
            data={"status": row.status, "progress": row.progress},
        )
    if not Path(row.output_path).is_file():
        raise envelope.ApiError(410, 410, "the rendered file is gone; export again")
    return FileResponse(row.output_path, media_type="video/mp4", filename=f"{row.render_id}.mp4")


ROUTES = [
    Route("/api/render/proxy/lambda", submit, methods=["POST"]),
    Route("/api/render/proxy/lambda/{render_id}", poll, methods=["GET"]),
    Route("/api/render/proxy/{render_id}/download", download, methods=["GET"]),
]
