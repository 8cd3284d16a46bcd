"""The seed documents' call sequence, as curl would make it, against a real local backend:
anonymous token → session → upload → run_sse → state → render → poll → download → a 1080p MP4."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import av
import httpx
from servers import SKILL_HEADERS, live_server, photos

CREATE = "create a 30-second product showcase video with background music and text overlays"


def _turn(client: httpx.Client, session: str, text: str) -> list[dict[str, Any]]:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": session,
        "new_message": {"parts": [{"text": text}]},
    }
    events = []
    headers = {"Accept": "text/event-stream"}
    with client.stream("POST", "/run_sse", json=body, headers=headers) as r:
        assert r.status_code == 200
        for line in r.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
    return events


def _poll(client: httpx.Client, render_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        r = client.get(f"/api/render/proxy/lambda/{render_id}")
        status: dict[str, Any] = r.json()
        if status["status"] in ("completed", "failed"):
            return status
        time.sleep(float(r.headers.get("retry-after", "1")))
    raise AssertionError("the render did not finish")


def test_seed_call_sequence_yields_a_1080p_mp4_with_audio(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as srv:
        anon = httpx.post(f"{srv.url}/api/auth/anonymous-token", headers={"X-Client-Id": "seed"})
        token = anon.json()["data"]["token"]
        auth = {"Authorization": f"Bearer {token}", **SKILL_HEADERS}
        with httpx.Client(base_url=srv.url, headers=auth, timeout=120) as client:
            created = client.post(
                "/api/tasks/me/with-session/nemo_agent",
                json={"task_name": "project", "language": "en"},
            )
            session = created.json()["data"]["session_id"]
            pictures = photos(tmp_path / "in", count=3)
            files = [("files", (p.name, p.read_bytes(), "image/png")) for p in pictures]
            uploaded = client.post(f"/api/upload-video/nemo_agent/me/{session}", files=files)
            assert len(uploaded.json()["data"]["files"]) == 3
            assert _turn(client, session, CREATE)[-1]["content"]["parts"][0]["text"]
            assert _turn(client, session, "make it 2 seconds")
            state = client.get(f"/api/state/nemo_agent/me/{session}/latest").json()["data"]
            draft = state["state"]["draft"]
            assert draft["d"] == 2000
            submit = {
                "id": f"render_{int(time.time() * 1000)}",
                "sessionId": session,
                "draft": draft,
                "output": {"format": "mp4", "quality": "high"},
            }
            assert client.post("/api/render/proxy/lambda", json=submit).status_code == 200
            done = _poll(client, submit["id"])
            assert done["status"] == "completed", done
            movie = tmp_path / "out.mp4"
            with client.stream("GET", done["output"]["url"]) as r, movie.open("wb") as out:
                for chunk in r.iter_bytes():
                    out.write(chunk)
    with av.open(str(movie)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 1920, 1080)
        assert container.streams.audio[0].codec_context.name == "aac"
        seconds = float(container.duration) / av.time_base
    assert abs(seconds - 2.0) <= 1 / 30  # within one frame of the draft
    assert movie.stat().st_size == done["output"]["size"]
