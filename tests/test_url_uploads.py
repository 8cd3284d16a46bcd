"""URL uploads: media fetched from a real local server, limits, redirects, refused addresses."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import anyio
import httpx
import pytest
from asgi_server import AsgiServer
from media_samples import make
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from vidskill.server.uploads import StoredFile, UploadRejected, fetch_urls
from vidskill.server.urlfetch import MAX_REDIRECTS, is_public

MB = 1 << 20
DATA = Path(__file__).parent / "data"
REFUSALS = json.loads((DATA / "url_refusals.json").read_text(encoding="utf-8"))
ADDRESSES = json.loads((DATA / "public_addresses.json").read_text(encoding="utf-8"))


@dataclasses.dataclass
class Site:
    """The media site's files, the paths it was asked for, and how many bytes it streamed."""

    root: Path
    hits: list[str] = dataclasses.field(default_factory=list)
    sent: int = 0


class CountHits:
    """ASGI middleware that records every request path, to prove refused URLs never connect."""

    def __init__(self, app: ASGIApp, site: Site) -> None:
        self.app, self.site = app, site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.site.hits.append(scope["path"])
        await self.app(scope, receive, send)


async def files_route(request: Request) -> Response:
    site: Site = request.app.state.site
    path = site.root / request.path_params["name"]
    if not path.is_file():
        return Response("missing", status_code=404)
    return FileResponse(path, media_type=request.query_params.get("type"))


async def hop_route(request: Request) -> Response:
    hops, target = request.path_params["hops"], request.query_params["to"]
    location = f"/hop/{hops - 1}?to={quote(target)}" if hops else target
    return RedirectResponse(location, status_code=302)


async def zeros_route(request: Request) -> Response:
    site: Site = request.app.state.site
    size = int(request.query_params["size"])
    head = (site.root / "clip.mp4").read_bytes()

    async def body() -> AsyncIterator[bytes]:
        if "stall" in request.query_params:
            await anyio.sleep(120)  # headers only: the body never comes while the test runs
        site.sent = len(head)
        yield head
        while site.sent < size:
            chunk = bytes(min(64 * 1024, size - site.sent))
            site.sent += len(chunk)
            yield chunk

    headers = {"content-length": str(size)} if "declare" in request.query_params else None
    return StreamingResponse(body(), media_type="video/mp4", headers=headers)


@pytest.fixture(scope="module")
def site_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AsgiServer, Site]]:
    site = Site(tmp_path_factory.mktemp("site"))
    for sample, name in [("png", "photo.png"), ("wav", "voice.wav"), ("docx", "script.docx"),
                         ("mp4", "clip.mp4"), ("png", "blob"), ("jpeg", "photo.php"),
                         ("txt", "fake.png"), ("png", "my photo.png")]:  # fmt: skip
        make(sample, site.root / name)
    app = Starlette(
        routes=[
            Route("/files/{name:path}", files_route),
            Route("/hop/{hops:int}", hop_route),
            Route("/zeros", zeros_route),
        ]
    )
    app.state.site = site
    with AsgiServer(CountHits(app, site)) as server:
        yield server, site


@pytest.fixture
def site(site_server: tuple[AsgiServer, Site]) -> Site:
    site_server[1].hits.clear()
    site_server[1].sent = 0
    return site_server[1]


@pytest.fixture
def base(site_server: tuple[AsgiServer, Site]) -> str:
    return site_server[0].url


class Body(httpx.AsyncByteStream):
    """A response body that arrives as a stream, as it does from a socket."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data


async def fetch(urls: list[str], dest: Path, *, max_bytes: int = 8 * MB) -> list[StoredFile]:
    async with httpx.AsyncClient(timeout=30) as client:
        return await fetch_urls(urls, dest, max_bytes=max_bytes, allow_private=True, client=client)


async def refused(urls: list[str], dest: Path, **kwargs: Any) -> UploadRejected:
    with pytest.raises(UploadRejected) as caught:
        await fetch(urls, dest, **kwargs)
    assert not dest.exists() or list(dest.iterdir()) == []
    return caught.value


async def test_fetches_media_from_urls(base: str, site: Site, tmp_path: Path) -> None:
    urls = [f"{base}/files/{name}" for name in ("photo.png", "voice.wav", "script.docx")]
    stored = await fetch(urls, tmp_path / "dest")
    assert [(s.filename, s.file_type) for s in stored] == [
        ("photo.png", "image"),
        ("voice.wav", "audio"),
        ("script.docx", "text"),
    ]
    for item, name in zip(stored, ("photo.png", "voice.wav", "script.docx"), strict=True):
        assert item.path.parent == tmp_path / "dest"
        assert item.path.read_bytes() == (site.root / name).read_bytes()
        assert item.size == (site.root / name).stat().st_size
    assert (stored[0].width, stored[0].height) == (64, 48)
    assert stored[1].duration == pytest.approx(1.0)
    assert stored[2].text is not None and "谢谢观看" in stored[2].text


@pytest.mark.parametrize(
    ("path", "filename", "file_type"),
    [
        ("/files/blob?type=image/png", "blob.png", "image"),
        ("/files/photo.php?type=image/jpeg", "photo.php.jpg", "image"),
        ("/files/my%20photo.png", "my photo.png", "image"),
        ("/hop/2?to=/files/photo.png", "photo.png", "image"),
        (f"/hop/{MAX_REDIRECTS - 1}?to=/files/voice.wav", "voice.wav", "audio"),
    ],
)
async def test_name_and_type_from_path_content_type_and_redirects(
    base: str, site: Site, tmp_path: Path, path: str, filename: str, file_type: str
) -> None:
    (stored,) = await fetch([base + path], tmp_path)
    assert (stored.filename, stored.file_type) == (filename, file_type)


@pytest.mark.parametrize(
    ("path", "code", "message"),
    [
        ("/files/fake.png", 4001, "its content is plain text"),
        ("/files/blob?type=application/octet-stream", 4001, "no supported extension"),
        ("/files/missing.png", 4003, "HTTP 404"),
        (f"/hop/{MAX_REDIRECTS}?to=/files/photo.png", 4003, "redirects more than"),
        ("/hop/0?to=ftp://8.8.8.8/photo.png", 4003, "only http:// and https://"),
        ("/hop/1?to=file:///etc/passwd", 4003, "only http:// and https://"),
        ("/zeros?size=4194304", 4002, "8 MB upload limit"),
    ],
)
async def test_refused_downloads(
    base: str, site: Site, tmp_path: Path, path: str, code: int, message: str
) -> None:
    rejection = await refused([base + path], tmp_path / "dest", max_bytes=2 * MB)
    assert rejection.code == code
    assert message.replace("8 MB", "2 MB") in rejection.message


async def test_declared_oversize_is_refused_before_the_body(
    base: str, site: Site, tmp_path: Path
) -> None:
    with anyio.fail_after(60):  # without the up-front check this would wait for the stalled body
        rejection = await refused([f"{base}/zeros?size={64 * MB}&declare&stall"], tmp_path / "d")
    assert rejection.code == 4002 and "Compress" in rejection.message
    assert site.sent == 0


async def test_all_or_nothing(base: str, site: Site, tmp_path: Path) -> None:
    urls = [f"{base}/files/photo.png", f"{base}/files/missing.png"]
    rejection = await refused(urls, tmp_path / "dest")
    assert rejection.code == 4003
    assert site.hits == ["/files/photo.png", "/files/missing.png"]


async def test_too_many_or_no_urls(tmp_path: Path) -> None:
    for urls in ([], ["http://8.8.8.8/x.png"] * 21):
        assert (await refused(urls, tmp_path / "dest")).code == 4000


@pytest.mark.parametrize("case", REFUSALS, ids=[c["url"] for c in REFUSALS])
async def test_private_and_odd_urls_are_refused_before_connecting(
    case: dict[str, Any], site_server: tuple[AsgiServer, Site], site: Site, tmp_path: Path
) -> None:
    url = case["url"].replace("{port}", str(site_server[0].port))
    async with httpx.AsyncClient(timeout=5) as client:
        with pytest.raises(UploadRejected) as caught:
            await fetch_urls([url], tmp_path, max_bytes=MB, allow_private=False, client=client)
    assert caught.value.code == 4003
    assert case["message"] in caught.value.message
    assert not [word for word in case.get("absent", []) if word in caught.value.message]
    assert site.hits == []
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ADDRESSES, ids=[c["address"] for c in ADDRESSES])
def test_is_public(case: dict[str, Any]) -> None:
    assert is_public(case["address"]) is case["public"]


async def test_public_address_is_fetched_with_checks(tmp_path: Path) -> None:
    png = make("png", tmp_path / "src.png").read_bytes()
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, stream=Body(png), headers={"content-type": "image/png"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        (stored,) = await fetch_urls(
            ["http://8.8.8.8/logo"],
            tmp_path / "d",
            max_bytes=MB,
            allow_private=False,
            client=client,
        )
    assert (stored.filename, stored.file_type, stored.width) == ("logo.png", "image", 64)
    assert seen[0].headers["host"] == "8.8.8.8"
    assert seen[0].headers["accept-encoding"] == "identity"


async def test_redirect_to_a_private_address_is_refused(tmp_path: Path) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(302, headers={"location": "http://10.0.0.1/photo.png"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
        with pytest.raises(UploadRejected) as caught:
            await fetch_urls(
                ["http://1.1.1.1/photo.png"], tmp_path, max_bytes=MB, allow_private=False,
                client=client,
            )  # fmt: skip
    assert caught.value.code == 4003 and "(10.0.0.1)" in caught.value.message
    assert seen == ["http://1.1.1.1/photo.png"]
