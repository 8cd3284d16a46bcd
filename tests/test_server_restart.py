"""Restarts: what was acknowledged survives, and work a dead server left running is repaired."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import httpx
from servers import SMALL_DRAFT, live_server, ready_session

from vidskill.server import store_accounts as acc
from vidskill.server import store_renders as sr
from vidskill.server import store_sessions as ss
from vidskill.server.store import Database

CREATE = "create a 30-second product showcase video with background music and text overlays"


def test_restart_keeps_tokens_sessions_assets_and_drafts(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as srv:
        token = srv.anonymous_token("client-keep")
        session = ready_session(srv, tmp_path / "in", token=token)
        srv.chat(session, CREATE, token=token)
        state = json.dumps(srv.state(session, token=token)).replace(srv.url, "<base>")
    with live_server(data) as srv:
        assert srv.anonymous_token("client-keep") == token
        assert json.dumps(srv.state(session, token=token)).replace(srv.url, "<base>") == state
        asset = srv.state(session, token=token)["video_infos"][0]
        served = httpx.get(asset["url"], headers=srv.headers(token))
        assert served.status_code == 200 and len(served.content) == asset["size"]
        credits = httpx.get(f"{srv.url}/api/credits/balance/simple", headers=srv.headers(token))
        assert credits.json()["data"] == {"available": 99, "frozen": 0, "total": 99}
        assert srv.message_runs(session) == {CREATE: 1}
        assert srv.query("PRAGMA journal_mode") == [("wal",)]


def _crash_mid_turn(db_path: Path, session: str, now: float) -> None:
    """Leave the database as a server killed during a turn would: credits frozen, turn running."""
    db = Database(db_path)
    try:

        def crash(conn: sqlite3.Connection) -> None:
            turn_id, _ = ss.start_turn(conn, session, "make it 15 seconds", "e-x", 1, now)
            assert acc.freeze(conn, "user_alice", 1, f"turn:{turn_id}", now)

        db.write_now(crash)
    finally:
        db.close()


def test_a_turn_cut_by_a_crash_is_released_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as srv:
        session = srv.new_session("alice")
        db_path = srv.config.db_path
    _crash_mid_turn(db_path, session, 0.0)
    with live_server(data) as srv:
        credits = httpx.get(f"{srv.url}/api/credits/balance/simple", headers=srv.headers("alice"))
        assert credits.json()["data"] == {"available": 1000, "frozen": 0, "total": 1000}
        assert srv.query("SELECT status, error FROM turns") == [
            ("failed", "interrupted by a server restart")
        ]
        kinds = [k for (k,) in srv.query("SELECT kind FROM ledger WHERE user_id = 'user_alice'")]
        assert kinds == ["grant", "freeze", "release"]


def _leave_render(db_path: Path, session: str, render_id: str, attempts: int, out: Path) -> None:
    """Leave a job as a server killed mid-render would: status processing."""
    db = Database(db_path)
    row = sr.RenderRow(
        "user_alice",
        render_id,
        uuid.uuid4().hex,
        session,
        "processing",
        40,
        SMALL_DRAFT,
        "high",
        str(out),
        None,
        None,
        None,
        attempts,
    )
    try:
        db.write_now(sr.insert_render, row, ss.Attribution("s", "1", "unknown"), 0.0)
    finally:
        db.close()


def test_a_render_left_processing_is_resumed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as srv:
        session = srv.new_session("alice")
        db_path = srv.config.db_path
    _leave_render(db_path, session, "render_cut", 1, data / "renders" / "cut.mp4")
    with live_server(data) as srv:
        done = srv.wait_for_render("render_cut")
        assert done["status"] == "completed"
        assert srv.query("SELECT attempts FROM renders WHERE render_id = 'render_cut'") == [(2,)]
        download = httpx.get(done["output"]["url"], headers=srv.headers("alice"))
        assert download.status_code == 200 and len(download.content) == done["output"]["size"]


def test_a_render_cut_too_often_fails_instead_of_hanging(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as srv:
        session = srv.new_session("alice")
        db_path = srv.config.db_path
    _leave_render(db_path, session, "render_cursed", 3, data / "renders" / "cursed.mp4")
    with live_server(data) as srv:
        poll = httpx.get(
            f"{srv.url}/api/render/proxy/lambda/render_cursed", headers=srv.headers("alice")
        ).json()
        assert poll["status"] == "failed" and "interrupted" in poll["error"]


def test_files_a_crash_left_unrecorded_are_swept_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with live_server(data) as srv:
        token = srv.anonymous_token("client-sweep")
        session = ready_session(srv, tmp_path / "in", token=token)
        folder = srv.config.session_media(session)
    kept = sorted(p.name for p in folder.iterdir())
    (folder / "f00dfeed.png").write_bytes(b"stored, but its row was never committed")
    (folder / "abad1dea.jpg.part").write_bytes(b"half written")
    (folder / "v0ice.part.wav").write_bytes(b"half synthesised")
    with live_server(data) as srv:
        assert sorted(p.name for p in folder.iterdir()) == kept
        for asset in srv.state(session, token=token)["video_infos"]:
            served = httpx.get(asset["url"], headers=srv.headers(token))
            assert served.status_code == 200 and len(served.content) == asset["size"]
