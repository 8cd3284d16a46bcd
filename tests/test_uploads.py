"""Multipart uploads through a real uvicorn server: streaming, limits, content checks, names."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import socket
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_server import AsgiServer
from media_samples import make
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vidskill.server.storage import PartWriter, display_name, remove_partials
from vidskill.server.uploads import MAX_FILES, UploadRejected, receive_multipart

MB = 1 << 20
DATA = Path(__file__).parent / "data"
CASES = json.loads((DATA / "upload_cases.json").read_text(encoding="utf-8"))
NAMES = json.loads((DATA / "upload_names.json").read_text(encoding="utf-8"))
STORED_NAME = re.compile(r"^[0-9a-f]{24}\.[a-z0-9]+$")
BOUNDARY = b"vidskill-test-boundary"


@dataclasses.dataclass
class Inbox:
    """Where the test route stores uploads and with what limit; `done` is set after each request."""

    dest: Path
    max_bytes: int = 32 * MB
    done: threading.Event = dataclasses.field(default_factory=threading.Event)


async def upload_route(request: Request) -> Response:
    """The route under test: receive_multipart and the error envelope."""
    inbox: Inbox = request.app.state.inbox
    try:
        files = await receive_multipart(request, inbox.dest, max_bytes=inbox.max_bytes)
    except UploadRejected as exc:
        return JSONResponse({"code": exc.code, "message": exc.message}, status_code=exc.status)
    except ClientDisconnect:
        return Response(status_code=400)
    finally:
        inbox.done.set()
    wire = [{**dataclasses.asdict(f), "path": str(f.path)} for f in files]
    return JSONResponse({"code": 0, "files": wire})


@pytest.fixture(scope="module")
def server() -> Iterator[AsgiServer]:
    app = Starlette(routes=[Route("/upload", upload_route, methods=["POST"])])
    with AsgiServer(app) as running:
        yield running


@pytest.fixture
def inbox(server: AsgiServer, tmp_path: Path) -> Inbox:
    box = Inbox(tmp_path / "a" / "b" / "assets")
    server.app.state.inbox = box
    return box


async def post(server: AsgiServer, **kwargs: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=120) as client:
        return await client.post(server.url + "/upload", **kwargs)


def raw_body(parts: list[tuple[bytes, bytes | None, bytes]], *, close: bool = True) -> bytes:
    """A multipart body built by hand: (Content-Disposition, Content-Type, payload) per part."""
    out = bytearray()
    for disposition, content_type, payload in parts:
        out += b"--" + BOUNDARY + b"\r\nContent-Disposition: " + disposition + b"\r\n"
        if content_type is not None:
            out += b"Content-Type: " + content_type + b"\r\n"
        out += b"\r\n" + payload + b"\r\n"
    if close:
        out += b"--" + BOUNDARY + b"--\r\n"
    return bytes(out)


def file_part(filename: bytes, payload: bytes, content_type: bytes | None = b"image/png") -> Any:
    return (b'form-data; name="files"; filename="' + filename + b'"', content_type, payload)


RAW_HEADERS = {"content-type": "multipart/form-data; boundary=" + BOUNDARY.decode()}


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def joined(case: dict[str, Any], key: str) -> Any:
    if f"{key}_parts" in case:
        return "".join(piece * count for piece, count in case[f"{key}_parts"])
    return case[key]


@pytest.mark.parametrize("case", CASES, ids=[f"{c['sample']}-{c['filename']}" for c in CASES])
async def test_upload_cases(case: dict[str, Any], server: AsgiServer, inbox: Inbox) -> None:
    sample = make(case["sample"], inbox.dest.parent / "samples" / case["sample"])
    with sample.open("rb") as fh:
        extra = (case["content_type"],) if "content_type" in case else ()
        item = (case["filename"], fh, *extra)
        response = await post(server, files=[("files", item)])
    body = response.json()
    if isinstance(case["expect"], int):
        assert (response.status_code, body["code"]) == (415, case["expect"])
        assert case.get("message", "") in body["message"]
        assert "Supported formats: video mp4" in body["message"]
        assert files_under(inbox.dest) == []
        return
    (stored,) = body["files"]
    assert stored["file_type"] == case["expect"]
    assert stored["filename"] == case.get("stored_as", case["filename"])
    assert stored["size"] == sample.stat().st_size
    path = Path(stored["path"])
    assert path.parent == inbox.dest and STORED_NAME.match(path.name)
    assert sha(path) == sha(sample)
    assert files_under(inbox.dest) == [path]


@pytest.mark.parametrize("case", NAMES, ids=[c["why"] for c in NAMES])
def test_display_name(case: dict[str, Any]) -> None:
    shown = display_name(joined(case, "raw"))
    assert shown == joined(case, "shown")
    assert len(shown) <= 200 and "/" not in shown and "\\" not in shown and "\x00" not in shown


@pytest.mark.parametrize("case", NAMES, ids=[c["why"] for c in NAMES])
async def test_hostile_names_stay_inside_dest(
    case: dict[str, Any], server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    png = make("png", tmp_path / "src.png").read_bytes()
    raw = joined(case, "raw").encode()
    response = await post(server, content=raw_body([file_part(raw, png)]), headers=RAW_HEADERS)
    expected = joined(case, "uploaded")
    if isinstance(expected, int):
        assert response.json()["code"] == expected
        assert files_under(tmp_path) == [tmp_path / "src.png"]
        return
    (stored,) = response.json()["files"]
    assert stored["filename"] == expected
    assert Path(stored["path"]).parent == inbox.dest
    assert files_under(tmp_path) == sorted([tmp_path / "src.png", Path(stored["path"])])


async def test_several_files_in_one_request_and_other_fields_ignored(
    server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    png, wav, doc = (make(s, tmp_path / f"in.{s}") for s in ("png", "wav", "docx"))
    parts = [
        (b'form-data; name="note"', None, b"a plain field"),
        file_part(b"logo.png", png.read_bytes()),
        (b'form-data; name="avatar"; filename="me.png"', b"image/png", png.read_bytes()),
        file_part(b"voice.wav", wav.read_bytes(), b"audio/wav"),
        file_part(b"script.docx", doc.read_bytes(), None),
    ]
    response = await post(server, content=raw_body(parts), headers=RAW_HEADERS)
    files = response.json()["files"]
    assert [(f["filename"], f["file_type"]) for f in files] == [
        ("logo.png", "image"),
        ("voice.wav", "audio"),
        ("script.docx", "text"),
    ]
    assert (files[0]["width"], files[0]["height"]) == (64, 48)
    assert files[1]["duration"] == pytest.approx(1.0)
    assert files[2]["text"].startswith("Opening: a sunrise")
    assert files_under(inbox.dest) == sorted(Path(f["path"]) for f in files)


async def test_one_bad_file_refuses_the_whole_request(
    server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    png, txt = make("png", tmp_path / "a.png"), make("txt", tmp_path / "a.txt")
    parts = [file_part(b"good.png", png.read_bytes()), file_part(b"bad.jpg", txt.read_bytes())]
    response = await post(server, content=raw_body(parts), headers=RAW_HEADERS)
    assert response.json()["code"] == 4001 and "'bad.jpg'" in response.json()["message"]
    assert files_under(inbox.dest) == []


async def test_same_name_twice_never_overwrites(
    server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    inbox.dest.mkdir(parents=True)
    existing = inbox.dest / "existing.png"
    existing.write_bytes(b"not touched")
    paths = []
    for sample in ("png", "gif"):
        data = make(sample, tmp_path / sample).read_bytes()
        part = file_part(b"photo.png" if sample == "png" else b"photo.gif", data)
        response = await post(server, content=raw_body([part]), headers=RAW_HEADERS)
        paths.append((Path(response.json()["files"][0]["path"]), data))
    assert paths[0][0] != paths[1][0]
    assert [p.read_bytes() for p, _ in paths] == [d for _, d in paths]
    assert existing.read_bytes() == b"not touched"


async def test_oversize_body_is_refused_while_streaming(
    server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    big = make("mp4", tmp_path / "big.mp4")
    with big.open("r+b") as fh:
        fh.truncate(64 * MB)  # a real MP4 head, then 64 MB of (sparse) zeros
    tracemalloc.start()
    try:
        with big.open("rb") as fh:
            response = await post(server, files=[("files", ("big.mp4", fh, "video/mp4"))])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (response.status_code, response.json()["code"]) == (413, 4002)
    assert "32 MB upload limit" in response.json()["message"]
    assert "Compress" in response.json()["message"]
    assert files_under(inbox.dest) == []
    assert peak < 16 * MB, f"the upload path held {peak / MB:.1f} MB"


async def test_large_valid_file_is_streamed_to_disk(
    server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    source = tmp_path / "long.txt"
    with source.open("w", encoding="utf-8") as fh:
        for i in range(24 * 1024):
            fh.write(f"line {i:06d} ".ljust(1023, "x") + "\n")  # 24 MB of script
    tracemalloc.start()
    try:
        with source.open("rb") as fh:
            response = await post(server, files=[("files", ("long.txt", fh, "text/plain"))])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (stored,) = response.json()["files"]
    assert stored["size"] == 24 * MB and sha(Path(stored["path"])) == sha(source)
    assert stored["text"].startswith("line 000000 xxx")
    assert peak < 12 * MB, f"the upload path held {peak / MB:.1f} MB"


@pytest.mark.parametrize(("size", "code"), [(MB, 0), (MB + 1, 4002)])
async def test_limit_is_exact(server: AsgiServer, inbox: Inbox, size: int, code: int) -> None:
    inbox.max_bytes = MB
    body = raw_body([file_part(b"script.txt", b"a" * size, b"text/plain")])
    response = await post(server, content=body, headers=RAW_HEADERS)
    assert response.json()["code"] == code
    assert len(files_under(inbox.dest)) == (1 if code == 0 else 0)


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b'{"urls": []}', {"content-type": "application/json"}, "multipart/form-data"),
        (b"--x--\r\n", {"content-type": "multipart/form-data"}, "multipart/form-data"),
        (raw_body([(b'form-data; name="note"', None, b"hi")]), RAW_HEADERS, "No files"),
        (raw_body([file_part(b"", b"")]), RAW_HEADERS, "No files"),
        (raw_body([file_part(b"a.txt", b"cut short")], close=False), RAW_HEADERS, "cut short"),
        (b"--" + BOUNDARY + b"\r\n\x00\x01 junk\r\n\r\n", RAW_HEADERS, "not valid multipart"),
        (b"--x--", {"content-type": "multipart/form-data; boundary=" + "b" * 300}, "not valid"),
        (
            raw_body([file_part(f"{i}.txt".encode(), b"x", None) for i in range(MAX_FILES + 1)]),
            RAW_HEADERS,
            f"at most {MAX_FILES}",
        ),
    ],
    ids=[
        "json",
        "no-boundary",
        "no-file",
        "empty-file-input",
        "truncated",
        "junk",
        "long-boundary",
        "too-many",
    ],
)
async def test_unusable_requests(
    server: AsgiServer, inbox: Inbox, body: bytes, headers: dict[str, str], message: str
) -> None:
    response = await post(server, content=body, headers=headers)
    assert (response.status_code, response.json()["code"]) == (400, 4000)
    assert message in response.json()["message"]
    assert files_under(inbox.dest.parent) == []


def test_client_that_disconnects_leaves_nothing(
    server: AsgiServer, inbox: Inbox, tmp_path: Path
) -> None:
    head = raw_body([file_part(b"clip.mp4", make("mp4", tmp_path / "a.mp4").read_bytes())])
    head = head[: -len(b"\r\n--" + BOUNDARY + b"--\r\n")]
    request = (
        b"POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50000000\r\n"
        b"Content-Type: multipart/form-data; boundary=" + BOUNDARY + b"\r\n\r\n" + head
    )
    with socket.create_connection(("127.0.0.1", server.port)) as sock:
        sock.sendall(request + bytes(2 * MB))
        _wait_for(lambda: any(inbox.dest.glob("*.part")))
    assert inbox.done.wait(30)
    assert files_under(inbox.dest) == []


async def test_mislabelled_file_is_refused_from_its_first_bytes(tmp_path: Path) -> None:
    writer = PartWriter(tmp_path, "photo.png", "png", max_bytes=100 * MB)
    with pytest.raises(UploadRejected) as refused:
        await writer.write(b"plain words, " * 400)
    writer.discard()
    assert refused.value.code == 4001 and "plain text" in refused.value.message
    assert files_under(tmp_path) == []


def test_remove_partials_sweeps_only_partial_files(tmp_path: Path) -> None:
    (tmp_path / "0123.png.part").write_bytes(b"half")
    (tmp_path / "4567.png").write_bytes(b"whole")
    assert remove_partials(tmp_path) == 1
    assert files_under(tmp_path) == [tmp_path / "4567.png"]


def _wait_for(condition: Any, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        time.sleep(0.01)
