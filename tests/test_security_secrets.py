"""Tokens never reach the server's files or log, and the key that makes tokens is private.

A `vidskill serve` process at debug log level goes through a whole flow (anonymous and named
tokens, upload, chat turn, render and download, refused requests with wrong tokens and a URL
holding credentials); then every file it wrote and everything it printed is scanned.
"""

from __future__ import annotations

import stat
import time
from pathlib import Path

import httpx
from reliability import TINY_DRAFT, Served, auth, files_with_secrets, png_bytes
from servers import TOKENS

from vidskill.server.auth import SECRET_FILE

URL_SECRET = "url-password-5f3a9c"


def _flow(url: str, token: str) -> None:
    with httpx.Client(base_url=url, timeout=120) as http:
        headers = auth(token)
        r = http.post("/api/tasks/me/with-session/nemo_agent", headers=headers, json={})
        session = r.json()["data"]["session_id"]
        upload = f"/api/upload-video/nemo_agent/me/{session}"
        files = [("files", ("photo.png", png_bytes(8, (320, 240)), "image/png"))]
        assert http.post(upload, headers=headers, files=files).status_code == 200
        link = f"http://user:{URL_SECRET}@127.0.0.1:9/a.png?token={URL_SECRET}"
        assert http.post(upload, headers=headers, json={"urls": [link]}).status_code == 400
        body = {
            "session_id": session,
            "new_message": {"parts": [{"text": "create a product showcase video with music"}]},
        }
        assert http.post("/run_sse", headers=headers, json=body).status_code == 200
        body = {"id": "render_secret", "sessionId": session, "draft": TINY_DRAFT}
        assert http.post("/api/render/proxy/lambda", headers=headers, json=body).is_success
        for _ in range(240):
            status = http.get("/api/render/proxy/lambda/render_secret", headers=headers).json()
            if status["status"] in ("completed", "failed"):
                break
            time.sleep(0.25)
        assert http.get("/api/render/proxy/render_secret/download", headers=headers).is_success
        near = {"Authorization": f"Bearer {TOKENS['alice']}x"}
        assert http.get("/api/credits/balance/simple", headers=near).status_code == 401


def test_no_token_in_files_or_log_and_the_key_is_private(tmp_path: Path) -> None:
    data, log = tmp_path / "data", tmp_path / "server.log"
    with Served.start(data, log, "--log-level", "debug") as srv:
        anon = httpx.post(f"{srv.url}/api/auth/anonymous-token", headers={"X-Client-Id": "c-1"})
        anon_token = anon.json()["data"]["token"]
        _flow(srv.url, anon_token)
        _flow(srv.url, "alice")
    secrets = [anon_token, *TOKENS.values(), f"{TOKENS['alice']}x", URL_SECRET]
    assert files_with_secrets([data, log], secrets) == []
    assert stat.S_IMODE((data / SECRET_FILE).stat().st_mode) == 0o600
    written = [p for p in data.rglob("*") if p.is_file()]
    assert len(written) >= 5 and "/run_sse" in log.read_text(errors="replace")
