"""Render jobs: the database rows and the renderer's worker queue kept in step.

A job is stored before it is queued, so a restart finds every acknowledged job; on start the
jobs still pending or processing are queued again (up to `MAX_ATTEMPTS` times, then failed),
so none stays "processing" forever. A background loop copies progress and outcomes from the
queue into the database even when nobody polls.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, cast

import anyio.to_thread

from vidskill.server import envelope
from vidskill.server import store_renders as sr
from vidskill.server import store_sessions as ss
from vidskill.server.config import ServerConfig
from vidskill.server.store import Database

log = logging.getLogger("vidskill.server")
MAX_ATTEMPTS = 3
SYNC_INTERVAL_S = 0.5


def _session_files(conn: sqlite3.Connection, session_id: str) -> dict[str, str]:
    return {a.asset_id: a.path for a in ss.session_assets(conn, session_id)}


class Renders:
    """Submits, tracks and recovers render jobs."""

    def __init__(self, db: Database, config: ServerConfig, clock: Callable[[], float]) -> None:
        self.db = db
        self.config = config
        self.clock = clock
        self._queue: Any = None
        self._queue_lock = threading.Lock()
        self._active: dict[str, sr.RenderRow] = {}

    def _render_queue(self) -> Any:
        with self._queue_lock:
            if self._queue is None:
                from vidskill import render  # worker processes start only when a render is asked

                self._queue = render.RenderQueue(workers=self.config.render_workers)
            return self._queue

    async def submit(
        self,
        user_id: str,
        session: ss.SessionRow,
        render_id: str,
        draft: dict[str, Any],
        quality: str,
        attr: ss.Attribution,
    ) -> sr.RenderRow:
        """Check the draft, store the job and queue it (3002 for a bad draft, 3001 duplicate)."""
        files = await self.db.read(_session_files, session.session_id)
        await anyio.to_thread.run_sync(_validate, draft, files)
        key = uuid.uuid4().hex
        output = self.config.renders_dir / user_id / f"{key}.mp4"
        row = sr.RenderRow(
            user_id,
            render_id,
            key,
            session.session_id,
            "pending",
            0,
            draft,
            quality,
            str(output),
            None,
            None,
            None,
            1,
        )
        if not await self.db.write(sr.insert_render, row, attr, self.clock()):
            raise envelope.ApiError(
                409, envelope.DUPLICATE_RENDER, "duplicate render id", data={"id": render_id}
            )
        await self._enqueue(row, files)
        return row

    async def _enqueue(self, row: sr.RenderRow, files: Mapping[str, str]) -> None:
        from vidskill import render

        Path(row.output_path).parent.mkdir(parents=True, exist_ok=True)
        quality = cast(render.model.Quality, row.quality)  # checked by the route
        request = render.RenderRequest(
            draft=row.draft, assets=dict(files), output=row.output_path, quality=quality
        )
        queue = await anyio.to_thread.run_sync(self._render_queue)
        await anyio.to_thread.run_sync(queue.submit, row.job_key, request)
        self._active[row.job_key] = row

    async def status(self, user_id: str, render_id: str) -> sr.RenderRow:
        """The user's job, brought up to date with the queue (1002 when not theirs)."""
        row = await self.db.read(sr.owned_render, user_id, render_id)
        if row is None:
            raise envelope.render_not_found()
        if row.job_key in self._active:
            row = await self._sync(self._active[row.job_key])
        return row

    async def _sync(self, row: sr.RenderRow) -> sr.RenderRow:
        status = await anyio.to_thread.run_sync(self._queue.poll, row.job_key)
        fields: dict[str, Any] = {"status": status.state, "progress": int(status.progress)}
        if status.state == "completed" and status.result is None:
            fields.update(status="failed", error="the renderer gave no result")
        elif status.state == "completed":
            fields.update(progress=100, duration=status.result.duration_s, size=status.result.size)
        elif status.state == "failed":
            fields["error"] = status.error or "the render failed"
        new = dataclasses.replace(row, **fields)
        if new != row:
            await self.db.write(
                sr.update_render,
                row.job_key,
                new.status,
                new.progress,
                self.clock(),
                duration=new.duration,
                size=new.size,
                error=new.error,
            )
        if new.status in sr.ACTIVE:
            self._active[row.job_key] = new
        else:
            self._active.pop(row.job_key, None)
        return new

    async def sync_forever(self) -> None:
        """Copy queue progress into the database until cancelled."""
        while True:
            await asyncio.sleep(SYNC_INTERVAL_S)
            for row in list(self._active.values()):
                try:
                    await self._sync(row)
                except Exception as exc:  # one bad poll must not stop tracking the others
                    log.error("render %s could not be polled", row.job_key, exc_info=exc)

    async def recover(self) -> int:
        """Queue again the jobs a previous run left pending or processing; returns how many."""
        rows = await self.db.read(sr.active_renders)
        for row in rows:
            await self._resume(row)
        return len(rows)

    async def _resume(self, row: sr.RenderRow) -> None:
        attempts = await self.db.write(sr.count_attempt, row.job_key, self.clock())
        if attempts > MAX_ATTEMPTS:
            await self._fail(row, "the render was interrupted too many times")
            return
        files = await self.db.read(_session_files, row.session_id)
        try:
            await anyio.to_thread.run_sync(_validate, row.draft, files)
            await self._enqueue(dataclasses.replace(row, status="pending", progress=0), files)
        except envelope.ApiError as exc:
            await self._fail(row, exc.message)

    async def _fail(self, row: sr.RenderRow, error: str) -> None:
        await self.db.write(
            sr.update_render, row.job_key, "failed", row.progress, self.clock(), error=error
        )

    def close(self) -> None:
        """Stop the worker processes (jobs still running are resumed on the next start)."""
        if self._queue is not None:
            self._queue.close()
            self._queue = None


def _validate(draft: object, files: Mapping[str, str]) -> None:
    from vidskill import render

    try:
        render.validate_draft(draft, files.keys())
    except render.DraftRejected as exc:
        raise envelope.ApiError(422, envelope.DRAFT_REJECTED, f"draft rejected: {exc}") from None
