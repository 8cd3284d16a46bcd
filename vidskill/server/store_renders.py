"""Render jobs (functions of an open SQLite connection).

A job's id is chosen by the client and is unique per user; `job_key` is the server's own
globally unique key for the worker queue.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from vidskill.server.store_sessions import Attribution

ACTIVE = ("pending", "processing")


@dataclass(frozen=True)
class RenderRow:
    """One render job as stored."""

    user_id: str
    render_id: str
    job_key: str
    session_id: str
    status: str
    progress: int
    draft: dict[str, Any]
    quality: str
    output_path: str
    duration: float | None
    size: int | None
    error: str | None
    attempts: int


_COLUMNS = (
    "user_id, render_id, job_key, session_id, status, progress, draft, quality, output_path,"
    " duration, size, error, attempts"
)


def _row(row: sqlite3.Row) -> RenderRow:
    values = list(row)
    values[6] = json.loads(values[6])
    return RenderRow(*values)


def insert_render(conn: sqlite3.Connection, job: RenderRow, attr: Attribution, now: float) -> bool:
    """Store a new pending job; False when the user already has a job with this id."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO renders (user_id, render_id, job_key, session_id, status,"
        " progress, draft, quality, output_path, attempts, skill_source, skill_version,"
        " skill_platform, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            job.user_id,
            job.render_id,
            job.job_key,
            job.session_id,
            job.status,
            job.progress,
            json.dumps(job.draft, ensure_ascii=False),
            job.quality,
            job.output_path,
            job.attempts,
            attr.source,
            attr.version,
            attr.platform,
            now,
            now,
        ),
    )
    return cur.rowcount == 1


def owned_render(conn: sqlite3.Connection, user_id: str, render_id: str) -> RenderRow | None:
    """The user's job with this id, else None (another user's job looks missing)."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM renders WHERE user_id = ? AND render_id = ?",
        (user_id, render_id),
    ).fetchone()
    return None if row is None else _row(row)


def active_renders(conn: sqlite3.Connection) -> list[RenderRow]:
    """Jobs still pending or processing."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM renders WHERE status IN (?, ?) ORDER BY created_at", ACTIVE
    ).fetchall()
    return [_row(r) for r in rows]


def update_render(
    conn: sqlite3.Connection,
    job_key: str,
    status: str,
    progress: int,
    now: float,
    *,
    duration: float | None = None,
    size: int | None = None,
    error: str | None = None,
) -> None:
    """Record a job's progress or outcome; a finished job is never changed again."""
    conn.execute(
        "UPDATE renders SET status = ?, progress = ?, duration = ?, size = ?, error = ?,"
        " updated_at = ? WHERE job_key = ? AND status IN (?, ?)",
        (status, progress, duration, size, error, now, job_key, *ACTIVE),
    )


def count_attempt(conn: sqlite3.Connection, job_key: str, now: float) -> int:
    """Count one more submission of a job to the workers; returns the new count."""
    conn.execute(
        "UPDATE renders SET attempts = attempts + 1, status = 'pending', progress = 0,"
        " updated_at = ? WHERE job_key = ?",
        (now, job_key),
    )
    row = conn.execute("SELECT attempts FROM renders WHERE job_key = ?", (job_key,)).fetchone()
    return int(row[0])
