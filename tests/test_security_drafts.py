"""Untrusted drafts sent to the render endpoint of `vidskill serve`: each refused with a clear 4xx.

The cases live in tests/data/hostile_drafts.json. A refused draft leaves no job behind (its id
polls as not found), a valid one renders to the end, and bodies built to expand in memory (a
million segments, millions of empty objects) are refused while the server's peak memory grows by
a bounded amount only.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import DATA
from reliability import Served, auth, png_bytes

CASES = json.loads((DATA / "hostile_drafts.json").read_text(encoding="utf-8"))["cases"]
MEMORY_BOUND = 64 * 1024 * 1024
RAW = "__raw__"


@dataclass(frozen=True)
class Stage:
    """A server, a session of alice's and the id of the photo uploaded to it."""

    srv: Served
    session: str
    asset: str

    def submit(self, render_id: str, draft_json: bytes) -> httpx.Response:
        """POST a render whose draft is the given JSON text."""
        head = {"id": render_id, "sessionId": self.session, "output": {"quality": "preview"}}
        body = json.dumps(head).encode()[:-1] + b', "draft": ' + draft_json + b"}"
        headers = {**auth("alice"), "Content-Type": "application/json"}
        url = f"{self.srv.url}/api/render/proxy/lambda"
        return httpx.post(url, headers=headers, content=body, timeout=120)

    def poll(self, render_id: str) -> httpx.Response:
        """GET the render's status."""
        url = f"{self.srv.url}/api/render/proxy/lambda/{render_id}"
        return httpx.get(url, headers=auth("alice"), timeout=30)


def stage_on(srv: Served) -> Stage:
    """Create alice's session with one photo."""
    headers = auth("alice")
    r = httpx.post(f"{srv.url}/api/tasks/me/with-session/nemo_agent", headers=headers, json={})
    session = r.json()["data"]["session_id"]
    files = [("files", ("photo.png", png_bytes(5, (320, 240)), "image/png"))]
    r = httpx.post(
        f"{srv.url}/api/upload-video/nemo_agent/me/{session}", headers=headers, files=files
    )
    return Stage(srv, session, r.json()["data"]["files"][0]["id"])


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    """One server for the table's cases."""
    folder = tmp_path_factory.mktemp("drafts")
    with Served.start(folder / "data", folder / "server.log") as srv:
        yield stage_on(srv)


def valid_draft(asset: str) -> dict[str, Any]:
    """A one-second draft: the photo on a video track and calm music."""
    return {
        "d": 1000,
        "m": {"title": "Valid", "width": 1920, "height": 1080, "fps": 30},
        "t": [
            {
                "id": "v",
                "tt": 0,
                "sg": [{"id": "v1", "s": 0, "d": 1000, "m": {"kind": "image", "src": asset}}],
            },
            {
                "id": "a",
                "tt": 1,
                "sg": [{"id": "a1", "s": 0, "d": 1000, "m": {"src": "music:calm", "role": "bgm"}}],
            },
        ],
    }


def segments_json(count: int, last_src: str | None = None) -> bytes:
    """A draft of `count` tiny segments on one track, written without building it in memory."""
    tiny = b'{"id":"s","s":0,"d":1,"m":{}}'
    last = (
        tiny
        if last_src is None
        else b'{"id":"z","s":0,"d":1,"m":{"kind":"image","src":"%s"}}' % last_src.encode()
    )
    segments = b",".join([tiny] * (count - 1) + [last])
    return b'{"d":1000,"t":[{"tt":0,"sg":[' + segments + b"]}]}"


def case_json(case: dict[str, Any], asset: str) -> bytes:
    """The draft of a table case as JSON text."""
    if "segments" in case:
        return segments_json(case["segments"])
    if "raw" in case:
        return str(case["raw"]).replace("DIGITS", "0" * 400).encode()
    if "whole" in case:
        return json.dumps(case["whole"]).encode()
    draft = valid_draft(asset)
    video, audio = (track["sg"][0] for track in draft["t"])
    video.update(case.get("segment", {}))
    video["m"].update(case.get("seg", {}))
    audio["m"]["src"] = case.get("audio_src", audio["m"]["src"])
    if "raw_segment_start" in case:
        video["s"] = RAW
    draft.update(copy.deepcopy(case.get("patch", {})))
    text = json.dumps(draft).replace(f'"{RAW}"', str(case.get("raw_segment_start", "")))
    return text.encode()


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hostile_draft_is_refused_and_leaves_no_job(stage: Stage, case: dict[str, Any]) -> None:
    render_id = "hostile-" + "".join(c if c.isalnum() else "-" for c in case["name"])
    r = stage.submit(render_id, case_json(case, stage.asset))
    body = r.json()
    assert (r.status_code, body["code"]) == (case["status"], case["code"]), body
    says = case["says"] if isinstance(case["says"], list) else [case["says"]]
    assert any(each in body["message"] for each in says), body
    polled = stage.poll(render_id)
    assert (polled.status_code, polled.json()["code"]) == (404, 1002)


def test_the_valid_draft_renders_and_never_stays_processing(stage: Stage) -> None:
    assert stage.submit("control", json.dumps(valid_draft(stage.asset)).encode()).status_code == 200
    seen = []
    for _ in range(240):
        seen.append(stage.poll("control").json()["status"])
        if seen[-1] in ("completed", "failed"):
            break
        time.sleep(0.5)
    assert seen[-1] == "completed", seen


def test_the_largest_draft_allowed_reaches_validation(stage: Stage) -> None:
    r = stage.submit("largest", segments_json(2000, last_src="a_missing"))
    assert r.status_code == 422 and "a_missing" in r.json()["message"], r.text


def _filled(filler: bytes) -> bytes:
    return segments_json(1).replace(b'"sg":[', b'"sg":[' + filler, 1)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(segments_json(1_000_000), id="a million segments (30 MB)"),
        pytest.param(_filled(b"{}," * 5_000_000), id="5M empty objects (15 MB)"),
        pytest.param(_filled(b"1000," * 3_000_000), id="3M numbers (15 MB)"),
        pytest.param(_filled(b'"ab",' * 3_000_000), id="3M strings (15 MB)"),
    ],
)
def test_bodies_that_expand_in_memory_are_refused_in_bounded_memory(
    tmp_path: Path, body: bytes
) -> None:
    with Served.start(tmp_path / "data", tmp_path / "server.log") as srv:
        stage = stage_on(srv)
        _, peak_before = srv.rss()
        r = stage.submit("expanding", body)
        _, peak_after = srv.rss()
    assert r.status_code == 413 and r.json()["code"] == 413, r.text[:300]
    assert peak_after - peak_before < MEMORY_BOUND, (peak_before >> 20, peak_after >> 20)
