"""Render jobs on a real server: submit, poll, download, refusals and isolation."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from servers import SMALL_DRAFT, LiveServer, live_server

DRAFT = SMALL_DRAFT


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with live_server(tmp_path_factory.mktemp("data")) as srv:
        yield srv


def submit(
    srv: LiveServer, session: str, render_id: str, draft: dict[str, Any], token: str = "alice"
) -> httpx.Response:
    return srv.submit_render(session, render_id, draft, token)


def wait_until_done(srv: LiveServer, render_id: str, token: str = "alice") -> dict[str, Any]:
    body = srv.wait_for_render(render_id, token)
    assert "poll_after_ms" not in body  # a finished job needs no more polling
    return body


def test_render_to_a_playable_mp4(server: LiveServer, tmp_path: Path) -> None:
    session = server.new_session("alice")
    before = httpx.get(f"{server.url}/api/credits/balance/simple", headers=server.headers("alice"))
    accepted = submit(server, session, "render_ok", DRAFT)
    assert accepted.status_code == 200 and accepted.headers["retry-after"] == "1"
    assert accepted.json() == {
        "id": "render_ok",
        "status": "pending",
        "progress": 0,
        "poll_after_ms": 1000,
    }
    done = wait_until_done(server, "render_ok")
    assert done["status"] == "completed" and done["progress"] == 100
    output = done["output"]
    download = httpx.get(output["url"], headers=server.headers("alice"))
    assert download.status_code == 200 and download.headers["content-type"] == "video/mp4"
    assert len(download.content) == output["size"]
    movie = tmp_path / "out.mp4"
    movie.write_bytes(download.content)
    with av.open(str(movie)) as container:
        video = container.streams.video[0]
        assert (video.codec_context.name, video.width, video.height) == ("h264", 1920, 1080)
        assert len(container.streams.audio) == 1
    assert abs(output["duration"] - 1.0) <= 1 / 30
    after = httpx.get(f"{server.url}/api/credits/balance/simple", headers=server.headers("alice"))
    assert after.json() == before.json()  # exports cost no credits
    assert server.query("SELECT skill_platform FROM renders WHERE render_id = 'render_ok'") == [
        ("unknown",)
    ]


def test_duplicate_id_is_3001(server: LiveServer) -> None:
    session = server.new_session("alice")
    assert submit(server, session, "render_twice", DRAFT).status_code == 200
    again = submit(server, session, "render_twice", DRAFT)
    assert again.status_code == 409 and again.json()["code"] == 3001
    other = submit(server, server.new_session("bob"), "render_twice", DRAFT, token="bob")
    assert other.status_code == 200  # ids are per user, so nothing leaks across users
    wait_until_done(server, "render_twice")
    wait_until_done(server, "render_twice", token="bob")


def _bad_drafts() -> list[tuple[str, dict[str, Any]]]:
    negative = copy.deepcopy(DRAFT)
    negative["t"][0]["sg"][0]["s"] = -500
    unknown = copy.deepcopy(DRAFT)
    unknown["t"][0]["sg"][0]["m"] = {"kind": "image", "src": "a_not_in_session"}
    canvas = copy.deepcopy(DRAFT)
    canvas["m"]["width"], canvas["m"]["height"] = 64, 48
    endless = copy.deepcopy(DRAFT)
    endless["d"] = 24 * 3600 * 1000
    return [
        ("negative time", negative),
        ("unknown source", unknown),
        ("tiny canvas", canvas),
        ("a day long", endless),
    ]


@pytest.mark.parametrize(("why", "draft"), _bad_drafts(), ids=[w for w, _ in _bad_drafts()])
def test_bad_draft_is_refused_before_rendering(
    server: LiveServer, why: str, draft: dict[str, Any]
) -> None:
    session = server.new_session("alice")
    refused = submit(server, session, "render_bad", draft)
    assert refused.status_code == 422 and refused.json()["code"] == 3002
    assert refused.json()["message"].startswith("draft rejected: ")
    poll = httpx.get(
        f"{server.url}/api/render/proxy/lambda/render_bad", headers=server.headers("alice")
    )
    assert poll.json()["code"] == 1002  # nothing was stored


def test_another_user_cannot_poll_or_download(server: LiveServer) -> None:
    session = server.new_session("alice")
    assert submit(server, session, "render_private", DRAFT).status_code == 200
    wait_until_done(server, "render_private")
    for path in ("lambda/render_private", "render_private/download"):
        theirs = httpx.get(f"{server.url}/api/render/proxy/{path}", headers=server.headers("bob"))
        nobody = httpx.get(
            f"{server.url}/api/render/proxy/{path.replace('private', 'none')}",
            headers=server.headers("bob"),
        )
        assert theirs.status_code == 404 and theirs.json()["code"] == 1002
        assert theirs.json() == nobody.json()


def test_failed_render_reports_and_cannot_be_downloaded(server: LiveServer, tmp_path: Path) -> None:
    from PIL import Image

    picture = tmp_path / "gone.png"
    Image.new("RGB", (64, 48), (0, 200, 0)).save(picture)
    session = server.new_session("alice")
    with picture.open("rb") as fh:
        upload = httpx.post(
            f"{server.url}/api/upload-video/nemo_agent/me/{session}",
            headers=server.headers("alice"),
            files=[("files", ("gone.png", fh))],
        )
    asset = upload.json()["data"]["files"][0]
    (path,) = server.query("SELECT path FROM assets WHERE asset_id = ?", asset["id"])[0]
    Path(path).unlink()  # the file vanishes after the draft was accepted
    draft = copy.deepcopy(DRAFT)
    draft["t"][0]["sg"][0]["m"] = {"kind": "image", "src": asset["id"]}
    assert submit(server, session, "render_doomed", draft).status_code == 200
    done = wait_until_done(server, "render_doomed")
    assert done["status"] == "failed" and done["error"]
    download = httpx.get(
        f"{server.url}/api/render/proxy/render_doomed/download", headers=server.headers("alice")
    )
    assert download.status_code == 409 and download.json()["code"] == 3003
