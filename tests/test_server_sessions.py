"""Sessions, state, uploads and media files of the local backend, against a real server."""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from PIL import Image
from servers import LiveServer, live_server

ASSET_KEYS = {
    "id",
    "filename",
    "file_type",
    "url",
    "cdn_url",
    "size",
    "width",
    "height",
    "duration",
}


def _png(path: Path, size: tuple[int, int] = (64, 48)) -> Path:
    Image.new("RGB", size, (200, 40, 40)).save(path, format="PNG")
    return path


def _upload(srv: LiveServer, session: str, path: Path, token: str = "alice") -> httpx.Response:
    with path.open("rb") as fh:
        return httpx.post(
            f"{srv.url}/api/upload-video/nemo_agent/me/{session}",
            headers=srv.headers(token),
            files=[("files", (path.name, fh, "application/octet-stream"))],
        )


def _state(srv: LiveServer, session: str, token: str = "alice") -> httpx.Response:
    url = f"{srv.url}/api/state/nemo_agent/me/{session}/latest"
    return httpx.get(url, headers=srv.headers(token))


@contextmanager
def _static_server(folder: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_create_session_answers_ids_and_keeps_language(tmp_path: Path) -> None:
    with live_server(tmp_path) as srv:
        url = f"{srv.url}/api/tasks/me/with-session/nemo_agent"
        data = httpx.post(
            url, headers=srv.headers("alice"), json={"task_name": "project", "language": "zh-CN"}
        ).json()
        assert set(data["data"]) == {"task_id", "session_id", "user_id"}
        assert data["data"]["user_id"] == "user_alice"
        bare = httpx.post(url, headers=srv.headers("alice")).json()["data"]
        assert bare["session_id"] != data["data"]["session_id"]
        languages = dict(srv.query("SELECT session_id, language FROM sessions"))
        assert languages == {data["data"]["session_id"]: "zh-CN", bare["session_id"]: "en"}


def test_new_session_state_is_empty(tmp_path: Path) -> None:
    with live_server(tmp_path) as srv:
        session = srv.new_session("alice")
        body = _state(srv, session).json()
        assert body["code"] == 0
        data = body["data"]
        assert data["session_id"] == session and data["task_id"].startswith("task_")
        state = data["state"]
        assert state["draft"]["t"] == [] and state["video_infos"] == []
        assert state["generated_media"] == []
        assert state["canvas_config"] == {"width": 1920, "height": 1080, "fps": 30}


def test_upload_lists_the_asset_in_state_and_serves_it(tmp_path: Path) -> None:
    picture = _png(tmp_path / "shoe.png")
    with live_server(tmp_path / "data") as srv:
        session = srv.new_session("alice")
        body = _upload(srv, session, picture).json()
        assert body["code"] == 0 and body["data"]["session_state_applied"] is True
        (asset,) = body["data"]["files"]
        assert set(asset) == ASSET_KEYS
        assert (asset["filename"], asset["file_type"]) == ("shoe.png", "image")
        assert (asset["width"], asset["height"], asset["size"]) == (64, 48, picture.stat().st_size)
        assert _state(srv, session).json()["data"]["state"]["video_infos"] == [asset]
        served = httpx.get(asset["url"], headers=srv.headers("alice"))
        assert served.status_code == 200 and served.content == picture.read_bytes()
        assert httpx.get(asset["url"]).json()["code"] == 1001
        theirs = httpx.get(asset["url"], headers=srv.headers("bob"))
        assert theirs.status_code == 404 and theirs.json()["code"] == 1002


def test_upload_refusals_list_nothing(tmp_path: Path) -> None:
    fake = tmp_path / "fake.png"
    fake.write_text("just some words", encoding="utf-8")
    big = _png(tmp_path / "big.png", (400, 400))
    with live_server(tmp_path / "data", max_upload_bytes=1024) as srv:
        session = srv.new_session("alice")
        unsupported = _upload(srv, session, fake)
        assert unsupported.status_code == 415 and unsupported.json()["code"] == 4001
        too_large = _upload(srv, session, big)
        assert too_large.status_code == 413 and too_large.json()["code"] == 4002
        assert _state(srv, session).json()["data"]["state"]["video_infos"] == []
        media = srv.config.session_media(session)
        assert not media.exists() or list(media.iterdir()) == []


def test_url_upload_needs_the_private_address_option(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    _png(site / "logo.png")
    with _static_server(site) as base:
        body = {"urls": [f"{base}/logo.png"], "source_type": "url"}
        with live_server(tmp_path / "closed") as srv:
            session = srv.new_session("alice")
            url = f"{srv.url}/api/upload-video/nemo_agent/me/{session}"
            refused = httpx.post(url, headers=srv.headers("alice"), json=body)
            assert refused.status_code == 400 and refused.json()["code"] == 4003
        with live_server(tmp_path / "open", allow_private_urls=True) as srv:
            session = srv.new_session("alice")
            url = f"{srv.url}/api/upload-video/nemo_agent/me/{session}"
            files = httpx.post(url, headers=srv.headers("alice"), json=body).json()["data"]
            assert [f["file_type"] for f in files["files"]] == ["image"]
            listed = _state(srv, session).json()["data"]["state"]["video_infos"]
            assert listed == files["files"]
