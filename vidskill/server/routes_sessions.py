"""Routes for sessions: create, state, uploads and the session's media files."""

from __future__ import annotations

import mimetypes
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from vidskill.server import envelope, uploads
from vidskill.server import store_sessions as ss
from vidskill.server.backend import Backend
from vidskill.server.inputs import (
    asset_json,
    attribution,
    backend_of,
    owned_session,
    read_json,
    text_field,
)

DEFAULT_CANVAS = {"width": 1920, "height": 1080, "fps": 30}


async def create_session(request: Request) -> Response:
    """POST /api/tasks/me/with-session/nemo_agent: a new task with one session."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    body = await read_json(request, backend.config.max_json_bytes, optional=True)
    task_name = text_field(body, "task_name", default="project", max_len=200)
    language = text_field(body, "language", default="en", max_len=16)
    session = await backend.db.write(
        ss.create_session,
        user.user_id,
        task_name,
        language,
        attribution(request),
        backend.clock(),
    )
    return envelope.ok(
        {"task_id": session.task_id, "session_id": session.session_id, "user_id": user.user_id}
    )


def _state(
    conn: sqlite3.Connection, session_id: str
) -> tuple[dict[str, Any] | None, list[ss.AssetRow]]:
    latest = ss.latest_draft(conn, session_id)
    return (None if latest is None else latest[1]), ss.session_assets(conn, session_id)


def empty_draft() -> dict[str, Any]:
    """The draft of a session nothing has been made in yet."""
    return {"d": 0, "m": {"title": "", **DEFAULT_CANVAS}, "t": []}


def canvas_of(draft: dict[str, Any]) -> dict[str, Any]:
    """The canvas settings a draft asks for, defaults filled in."""
    meta = draft.get("m")
    if not isinstance(meta, dict):
        meta = {}
    return {key: meta.get(key, value) for key, value in DEFAULT_CANVAS.items()}


async def session_state(request: Request) -> Response:
    """GET /api/state/nemo_agent/me/<sid>/latest: the latest draft and the session's media."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    session = await owned_session(backend, user, request.path_params["session_id"])
    draft, assets = await backend.db.read(_state, session.session_id)
    draft = draft if draft is not None else empty_draft()
    base = str(request.base_url)
    state = {
        "draft": draft,
        "video_infos": [asset_json(a, base) for a in assets if not a.generated],
        "generated_media": [asset_json(a, base) for a in assets if a.generated],
        "canvas_config": canvas_of(draft),
    }
    return envelope.ok(
        {"session_id": session.session_id, "task_id": session.task_id, "state": state}
    )


async def upload(request: Request) -> Response:
    """POST /api/upload-video/nemo_agent/me/<sid>: multipart files or `{"urls": [...]}`."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    session = await owned_session(backend, user, request.path_params["session_id"])
    dest = backend.config.session_media(session.session_id)
    try:
        stored = await _receive(request, backend, dest)
    except uploads.UploadRejected as exc:
        raise envelope.ApiError(exc.status, exc.code, exc.message) from None
    rows = [_asset_row(session.session_id, f) for f in stored]
    await backend.db.write(_add_assets, rows, backend.clock())
    base = str(request.base_url)
    return envelope.ok(
        {"files": [asset_json(r, base) for r in rows], "session_state_applied": True}
    )


async def _receive(request: Request, backend: Backend, dest: Path) -> list[uploads.StoredFile]:
    config = backend.config
    if request.headers.get("content-type", "").startswith("application/json"):
        body = await read_json(request, config.max_json_bytes)
        urls = body.get("urls")
        if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
            raise envelope.bad_request("'urls' must be a list of http(s) URLs")
        return await uploads.fetch_urls(
            urls,
            dest,
            max_bytes=config.max_upload_bytes,
            allow_private=config.allow_private_urls,
            client=backend.http,
        )
    return await uploads.receive_multipart(request, dest, max_bytes=config.max_upload_bytes)


def _asset_row(session_id: str, stored: uploads.StoredFile) -> ss.AssetRow:
    return ss.AssetRow(
        ss.new_id("a"),
        session_id,
        stored.filename,
        stored.file_type,
        str(stored.path),
        stored.size,
        stored.width,
        stored.height,
        stored.duration,
        stored.text,
        False,
    )


def _add_assets(conn: sqlite3.Connection, rows: Sequence[ss.AssetRow], now: float) -> None:
    for row in rows:
        ss.add_asset(conn, row, now)


async def media(request: Request) -> Response:
    """GET /api/media/<sid>/<asset id>: a session's file, for its owner only."""
    backend = backend_of(request)
    user = await backend.accounts.authenticate(request)
    session = await owned_session(backend, user, request.path_params["session_id"])
    asset = await backend.db.read(
        ss.session_asset, session.session_id, request.path_params["asset_id"]
    )
    if asset is None or not Path(asset.path).is_file():
        raise envelope.ApiError(404, 404, "file not found")
    media_type = mimetypes.guess_type(asset.filename)[0] or "application/octet-stream"
    return FileResponse(
        asset.path,
        media_type=media_type,
        filename=asset.filename,
        content_disposition_type="inline",
    )


ROUTES = [
    Route("/api/tasks/me/with-session/nemo_agent", create_session, methods=["POST"]),
    Route("/api/state/nemo_agent/me/{session_id}/latest", session_state, methods=["GET"]),
    Route("/api/upload-video/nemo_agent/me/{session_id}", upload, methods=["POST"]),
    Route("/api/media/{session_id}/{asset_id}", media, methods=["GET"]),
]
