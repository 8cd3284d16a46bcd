"""Hostile uploads through the upload endpoint of a real `vidskill serve` process.

File names from tests/data/upload_names.json (traversal, absolute paths, NUL bytes, very long
names) are sent byte for byte in hand-built multipart bodies; URLs from url_refusals.json are
refused before any connection unless the server runs with --allow-private-urls; a 300 MB body
against a 50 MB limit is refused while it streams, and the server's memory stays flat.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_server import AsgiServer
from conftest import DATA
from reliability import Served, auth, png_bytes, query
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

NAMES = json.loads((DATA / "upload_names.json").read_text(encoding="utf-8"))
REFUSALS = json.loads((DATA / "url_refusals.json").read_text(encoding="utf-8"))
MB = 1 << 20
BOUNDARY = "hostile-upload-boundary"
STORED_NAME = re.compile(r"^[0-9a-f]{24}\.[a-z0-9]+$")
SERVER_FILES = re.compile(r"^(vidskill\.sqlite3(-wal|-shm)?|server\.key|server\.log)$")


@dataclass
class Site:
    """A media site on 127.0.0.1 that counts the requests it gets."""

    url: str = ""
    hits: list[str] = field(default_factory=list)


def _site_app(site: Site) -> Starlette:
    photo = png_bytes(4, (160, 120))

    async def serve(request: Request) -> Response:
        site.hits.append(request.url.path)
        return Response(photo, media_type="image/png")

    return Starlette(routes=[Route("/files/{name}", serve)])


@dataclass
class Upload:
    """A server, its data folder and a session of alice's to upload to."""

    srv: Served
    root: Path
    session: str

    @property
    def path(self) -> str:
        """The session's upload URL."""
        return f"{self.srv.url}/api/upload-video/nemo_agent/me/{self.session}"

    def send(self, content: Any, headers: dict[str, str] | None = None) -> httpx.Response:
        """POST a raw multipart body."""
        sent = {**auth("alice"), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        return httpx.post(
            self.path, headers={**sent, **(headers or {})}, content=content, timeout=120
        )


def start_upload(root: Path, *args: str) -> Upload:
    """Start a server in `root` and make a session."""
    srv = Served.start(root / "data", root / "server.log", *args)
    url = f"{srv.url}/api/tasks/me/with-session/nemo_agent"
    session = httpx.post(url, headers=auth("alice"), json={}).json()["data"]["session_id"]
    return Upload(srv, root, session)


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    """The counting media site."""
    found = Site()
    with AsgiServer(_site_app(found)) as server:
        found.url = server.url
        yield found


@pytest.fixture(scope="module")
def upload(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Upload]:
    """A server with the default settings (private URLs refused)."""
    made = start_upload(tmp_path_factory.mktemp("uploads"))
    try:
        yield made
    finally:
        made.srv.stop()


def part(raw_name: bytes, content: bytes, content_type: str = "image/png") -> bytes:
    """One multipart body with one file part, its name sent exactly as given."""
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="'.encode()
        + raw_name
        + f'"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
    )
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def _text(case: dict[str, Any], key: str) -> Any:
    if key in case:
        return case[key]
    return "".join(text * count for text, count in case[f"{key}_parts"])


def _stray_files(up: Upload) -> list[str]:
    media = up.root / "data" / "media" / up.session
    return [
        str(p)
        for p in up.root.rglob("*")
        if p.is_file() and p.parent != media and not SERVER_FILES.match(p.name)
    ]


@pytest.mark.parametrize("case", NAMES, ids=[c["why"] for c in NAMES])
def test_hostile_name_is_stored_safely_or_refused(upload: Upload, case: dict[str, Any]) -> None:
    raw, expected = _text(case, "raw"), _text(case, "uploaded")
    r = upload.send(part(raw.encode("utf-8"), png_bytes(2)))
    if isinstance(expected, int):
        assert 400 <= r.status_code < 500 and r.json()["code"] == expected, r.text
    else:
        assert r.status_code == 200, r.text
        stored = r.json()["data"]["files"][0]
        assert stored["filename"] == expected
        rows = query(
            upload.root / "data" / "vidskill.sqlite3",
            "SELECT path FROM assets WHERE asset_id = ?",
            stored["id"],
        )
        path = Path(rows[0][0])
        assert path.parent == upload.root / "data" / "media" / upload.session
        assert STORED_NAME.match(path.name), path.name
    assert _stray_files(upload) == []


@pytest.mark.parametrize("case", REFUSALS, ids=[c["url"] for c in REFUSALS])
def test_url_upload_is_refused_before_connecting(
    upload: Upload, site: Site, case: dict[str, Any]
) -> None:
    url = case["url"].replace("{port}", site.url.rsplit(":", 1)[1])
    hits = len(site.hits)
    r = httpx.post(
        upload.path, headers=auth("alice"), json={"urls": [url], "source_type": "url"}, timeout=60
    )
    assert (r.status_code, r.json()["code"]) == (400, 4003), r.text
    assert case["message"] in r.json()["message"]
    log = upload.srv.log.read_text(errors="replace")
    assert [s for s in case.get("absent", []) if s in r.text or s in log] == []
    assert len(site.hits) == hits


def test_private_urls_are_fetched_only_with_the_option(tmp_path: Path, site: Site) -> None:
    up = start_upload(tmp_path, "--allow-private-urls")
    try:
        local = f"{site.url}/files/photo.png"
        r = httpx.post(up.path, headers=auth("alice"), json={"urls": [local]}, timeout=60)
        assert r.status_code == 200, r.text
        assert r.json()["data"]["files"][0]["width"] == 160
        refused = httpx.post(up.path, headers=auth("alice"), json={"urls": ["file:///etc/passwd"]})
        assert refused.json()["code"] == 4003
    finally:
        up.srv.stop()
    assert site.hits.count("/files/photo.png") >= 1


def _oversize_body(total: int) -> Iterator[bytes]:
    yield part(b"huge.png", b"").split(b"\r\n--" + BOUNDARY.encode() + b"--")[0]
    yield png_bytes(1)
    chunk = bytes(MB)
    for _ in range(total // MB):
        yield chunk
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_oversize_upload_is_refused_while_streaming_in_flat_memory(tmp_path: Path) -> None:
    up = start_upload(tmp_path, "--max-upload-mb", "50")
    try:
        _, peak_before = up.srv.rss()
        r = up.send(_oversize_body(300 * MB))
        rss_after, peak_after = up.srv.rss()
    finally:
        up.srv.stop()
    assert (r.status_code, r.json()["code"]) == (413, 4002), r.text
    assert "50 MB" in r.json()["message"]
    assert peak_after - peak_before < 32 * MB, (
        peak_before // MB,
        peak_after // MB,
        rss_after // MB,
    )
    assert not any((tmp_path / "data" / "media").rglob("*.*"))
    print(f"oversize upload: 300 MB sent, peak {peak_before // MB} -> {peak_after // MB} MB")
    assert query(tmp_path / "data" / "vidskill.sqlite3", "SELECT COUNT(*) FROM assets") == [(0,)]
