"""Uploads: checked against the skill before anything is sent, several at once, then the rest."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from client_fake import adk_text, ok, sse
from engine_support import (
    RUN,
    SESSIONS,
    LiveFake,
    drive,
    make_engine,
    of_type,
    photo,
    upload_key,
)
from media_samples import make

from vidskill.engine import ErrorShown, Notice, Progress, Said

UPLOADED = ok(
    {
        "files": [
            {"id": "a_1", "filename": "shoe.png", "file_type": "image"},
            {"id": "a_2", "filename": "side.png", "file_type": "image"},
        ],
        "session_state_applied": True,
    }
)


async def test_several_files_go_in_one_streamed_upload_then_the_rest_is_said(
    tmp_path: Path,
) -> None:
    files = [photo(tmp_path, "shoe.png"), photo(tmp_path, "side.png")]
    backend = LiveFake()
    backend.script(upload_key("sess_1"), UPLOADED)
    backend.script(RUN, sse(adk_text("Created a 10-second showcase.")))
    engine, http = make_engine(backend)
    async with http:
        line = f"{files[0]} {files[1]} make a 10-second showcase"
        outputs = await drive(engine.handle(line))
    request = backend.calls(upload_key("sess_1"))[0]
    assert request.headers["content-type"].startswith("multipart/form-data")
    assert request.content.count(b'name="files"') == 2
    assert of_type(outputs, Progress)[-1].fraction == 1.0
    assert of_type(outputs, Notice)[0].text == "Uploaded 2 file(s): shoe.png, side.png"
    assert backend.sent_messages() == ["make a 10-second showcase"]
    assert [s.text for s in of_type(outputs, Said)] == ["Created a 10-second showcase."]
    assert not backend.violations


async def test_links_are_fetched_by_the_backend(tmp_path: Path) -> None:
    backend = LiveFake()
    backend.script(upload_key("sess_1"), UPLOADED)
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.upload(["https://example.com/shoe.png"]))
    body = json.loads(backend.calls(upload_key("sess_1"))[0].content)
    assert body == {"urls": ["https://example.com/shoe.png"], "source_type": "url"}
    assert of_type(outputs, Notice)[0].text.startswith("Uploaded 2 file(s)")


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as handle:
        handle.write(b"\x89PNG\r\n\x1a\n")
        handle.truncate(size)
    return path


@pytest.mark.parametrize(
    ("name", "sample", "kind", "has"),
    [
        ("notes.pdf", "txt", "unsupported_file", ["notes.pdf", "jpg, png, mp4, mov"]),
        ("clip.mp4", "garbage", "unsupported_file", ["clip.mp4", "jpg, png, mp4, mov"]),
        ("clip.mov", "png", "unsupported_file", ["clip.mov", "a PNG image"]),
        ("empty.png", "empty", "usage", ["empty.png is empty"]),
        ("huge.png", "huge", "file_too_large", ["huge.png", "500 MB", "Compress"]),
    ],
)
async def test_a_bad_file_is_refused_before_anything_is_sent(
    tmp_path: Path, name: str, sample: str, kind: str, has: list[str]
) -> None:
    good = photo(tmp_path, "good.png")
    bad = tmp_path / name
    if sample == "huge":
        _sparse(bad, 500 * 1024 * 1024 + 1)
    else:
        make(sample, bad)
    backend = LiveFake()
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.upload([str(good), str(bad)], "make a video"))
    errors_ = of_type(outputs, ErrorShown)
    assert [e.kind for e in errors_] == [kind]
    for text in has:
        assert text in errors_[0].message
    assert backend.requests == []  # no token, no session, no upload, no chat


async def test_refusals_speak_chinese(tmp_path: Path) -> None:
    bad = make("txt", tmp_path / "说明.pdf")
    backend = LiveFake()
    engine, http = make_engine(backend, lang="zh-CN")
    async with http:
        outputs = await drive(engine.upload([str(bad)]))
    assert of_type(outputs, ErrorShown)[0].message.startswith("说明.pdf 的文件类型不受支持")


async def test_a_link_to_a_format_the_skill_does_not_take_is_refused() -> None:
    backend = LiveFake()
    engine, http = make_engine(backend)  # ai-product-video takes no HEIC and no scripts
    async with http:
        links = ["https://example.com/shoe.png", "https://example.com/shoe.heic?x=1"]
        outputs = await drive(engine.upload(links))
    shown = of_type(outputs, ErrorShown)
    assert [e.kind for e in shown] == ["unsupported_file"] and "shoe.heic" in shown[0].message
    assert backend.requests == []


async def test_an_upload_with_nothing_to_send_says_how() -> None:
    backend = LiveFake()
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("/upload"))
    assert "/upload ~/photos/shoe.jpg" in of_type(outputs, ErrorShown)[0].message
    assert not backend.calls(SESSIONS)


async def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    backend = LiveFake()
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.upload([os.fspath(tmp_path / "nope.png")]))
    shown = of_type(outputs, ErrorShown)[0]
    assert shown.kind == "usage" and shown.exit_code == 2 and "not found" in shown.message
