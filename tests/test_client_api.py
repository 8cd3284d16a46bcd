"""The API client's endpoints: request shapes, attribution on every request, streamed uploads."""

from __future__ import annotations

import json
from contextlib import aclosing
from pathlib import Path
from typing import Any

import httpx
import pytest
from client_fake import ANON, BASE, SKILL_HEADERS, FakeBackend, Reply, adk_text, make_api, ok, sse

from vidskill import errors
from vidskill.client import ApiClient, Text, Timeouts, TokenStore
from vidskill.client.multipart import MultipartBody

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 64


def parse_multipart(body: bytes, boundary: str) -> list[tuple[dict[str, str], bytes]]:
    """The (headers, content) of each part of a multipart body."""
    sep = f"--{boundary}".encode()
    assert body.endswith(sep + b"--\r\n")
    parts = []
    for chunk in body.split(sep)[1:-1]:
        head, _, content = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        lines = head.decode("utf-8").split("\r\n")
        headers = dict(line.split(": ", 1) for line in lines)
        assert content.endswith(b"\r\n")
        parts.append((headers, content[:-2]))
    return parts


def media(tmp_path: Path) -> list[Path]:
    photo = tmp_path / "产品 照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0" + b"x" * 3000)
    clip = tmp_path / 'clip "b".mp4'
    clip.write_bytes(MP4)
    return [photo, clip]


def script_everything(backend: FakeBackend) -> None:
    draft = {"d": 10000, "m": {"title": "Demo"}, "t": [{"tt": 0, "sg": [{"id": "s"}]}]}
    asset = {"id": "a_1", "filename": "产品 照片.jpg", "file_type": "image", "size": 3004}
    backend.script(
        "POST /api/tasks/me/with-session/nemo_agent",
        ok({"task_id": "t1", "session_id": "s1", "user_id": "anon_42"}),
    )
    upload = ok({"files": [asset], "session_state_applied": True})
    backend.script("POST /api/upload-video/nemo_agent/me/s1", upload, upload)
    backend.script("POST /run_sse", sse(adk_text("Added music.") + ": ka\n\n"))
    state = {"session_id": "s1", "task_id": "t1", "state": {"draft": json.dumps(draft)}}
    backend.script("GET /api/state/nemo_agent/me/s1/latest", ok(state))
    backend.script("GET /api/credits/balance/simple", ok({"available": 99, "frozen": 1}))
    backend.script(
        "POST /api/render/proxy/lambda", Reply(200, {"id": "render_5", "status": "pending"})
    )
    backend.script("GET /api/render/proxy/lambda/render_5", Reply(200, {"status": "completed"}))
    for path in ("/files/out.mp4", "/cdn/out.mp4", "/api/render/proxy/render_5/download"):
        backend.script(f"GET {path}", Reply(200, MP4, {"content-type": "video/mp4"}))


async def test_every_endpoint_sends_attribution_and_auth_where_it_belongs(tmp_path: Path) -> None:
    backend = FakeBackend()
    script_everything(backend)
    api, http = make_api(backend)
    async with http:
        session = await api.create_session("zh-CN")
        uploaded = await api.upload_files(session.session_id, media(tmp_path))
        await api.upload_urls("s1", ["https://example.com/a.png"])
        events = [e async for e in api.chat_stream("s1", "加背景音乐")]
        state = await api.state("s1")
        credits = await api.credits()
        status = await api.submit_render("s1", state.draft or {}, "render_5")
        done = await api.poll_render(status.id)
        await api.download(f"{BASE}/files/out.mp4", tmp_path / "a.mp4")
        await api.download("https://cdn.example/cdn/out.mp4", tmp_path / "b.mp4")
        await api.download("render_5", tmp_path / "c.mp4")
    assert backend.violations == []
    assert len(backend.requests) == 12
    assert backend.calls(ANON)[0] is backend.requests[0]
    assert [r.url.host for r in backend.requests].count("cdn.example") == 1
    assert session.session_id == "s1" and uploaded.files[0].id == "a_1" and uploaded.state_applied
    assert events[0] == Text("Added music.", "nemo_agent")
    assert state.draft is not None and state.draft["m"] == {"title": "Demo"}
    assert (credits.available, credits.total) == (99, 100)
    assert done.state == "completed"
    assert {p.read_bytes() for p in tmp_path.glob("?.mp4")} == {MP4}


async def test_request_bodies_follow_the_protocol() -> None:
    backend = FakeBackend()
    script_everything(backend)
    api, http = make_api(backend)
    async with http:
        await api.create_session("zh-CN")
        await api.upload_urls("s1", ["https://example.com/a.png"])
        _ = [e async for e in api.chat_stream("s1", "加背景音乐")]
        await api.submit_render("s1", {"t": []}, "render_5")

    def body(key: str) -> Any:
        return json.loads(backend.calls(key)[0].content)

    assert body("POST /api/tasks/me/with-session/nemo_agent") == {
        "task_name": "project",
        "language": "zh-CN",
    }
    assert body("POST /api/upload-video/nemo_agent/me/s1") == {
        "urls": ["https://example.com/a.png"],
        "source_type": "url",
    }
    assert body("POST /run_sse") == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": "s1",
        "new_message": {"parts": [{"text": "加背景音乐"}]},
    }
    assert body("POST /api/render/proxy/lambda") == {
        "id": "render_5",
        "sessionId": "s1",
        "draft": {"t": []},
        "output": {"format": "mp4", "quality": "high"},
    }
    chat = backend.calls("POST /run_sse")[0]
    assert chat.headers["accept"] == "text/event-stream"
    assert chat.headers["authorization"] == f"Bearer {backend.issued[0]}"
    assert backend.calls(ANON)[0].headers["x-client-id"] == TokenStore(BASE).client_id()


async def test_session_without_language_sends_none() -> None:
    backend = FakeBackend()
    backend.script("POST /api/tasks/me/with-session/nemo_agent", ok({"session_id": "s9"}))
    api, http = make_api(backend)
    async with http:
        assert (await api.create_session()).session_id == "s9"
    assert json.loads(backend.calls("POST /api/tasks/me/with-session/nemo_agent")[0].content) == {
        "task_name": "project"
    }


async def test_chat_stream_timeouts_are_explicit() -> None:
    backend = FakeBackend()
    backend.script("POST /run_sse", sse(adk_text("hi")))
    http = httpx.AsyncClient(transport=httpx.MockTransport(backend.handler))
    api = ApiClient(
        http,
        base_url=BASE,
        skill_headers=SKILL_HEADERS,
        tokens=TokenStore(BASE),
        timeouts=Timeouts(keepalive=42.0),
    )
    async with http:
        _ = [e async for e in api.chat_stream("s1", "hi")]
    timeout = backend.calls("POST /run_sse")[0].extensions["timeout"]
    assert timeout == {"connect": 10.0, "read": 42.0, "write": 60.0, "pool": 10.0}


async def test_leaving_a_stream_early_closes_it() -> None:
    backend = FakeBackend()
    backend.script("POST /run_sse", sse(adk_text("one") + adk_text("two")))
    backend.script("GET /api/credits/balance/simple", ok({"available": 1}))
    api, http = make_api(backend)
    async with http:
        async with aclosing(api.chat_stream("s1", "hi")) as stream:
            async for event in stream:
                assert event == Text("one", "nemo_agent")
                break
        assert (await api.credits()).available == 1
    assert len(backend.calls("POST /run_sse")) == 1


async def test_upload_is_one_streamed_multipart_request(tmp_path: Path) -> None:
    backend = FakeBackend()
    backend.script("POST /api/upload-video/nemo_agent/me/s1", ok({"files": []}))
    api, http = make_api(backend)
    files = media(tmp_path)
    seen: list[tuple[int, int | None]] = []
    async with http:
        await api.upload_files("s1", files, progress=lambda done, total: seen.append((done, total)))
    request = backend.calls("POST /api/upload-video/nemo_agent/me/s1")[0]
    boundary = request.headers["content-type"].split("boundary=")[1]
    assert int(request.headers["content-length"]) == len(request.content)
    assert "transfer-encoding" not in request.headers
    parts = parse_multipart(request.content, boundary)
    assert [p[1] for p in parts] == [f.read_bytes() for f in files]
    dispositions = [p[0]["Content-Disposition"] for p in parts]
    assert dispositions == [
        'form-data; name="files"; filename="产品 照片.jpg"',
        'form-data; name="files"; filename="clip %22b%22.mp4"',
    ]
    assert [p[0]["Content-Type"] for p in parts] == ["image/jpeg", "video/mp4"]
    assert seen == sorted(seen) and seen[-1] == (len(request.content), len(request.content))


async def test_upload_body_is_produced_in_bounded_chunks(tmp_path: Path) -> None:
    big = tmp_path / "big.mov"
    big.write_bytes(b"\x01" * (3 * 1024 * 1024 + 17))
    body = MultipartBody([big], chunk_size=64 * 1024)
    sizes = [len(chunk) async for chunk in body.stream()]
    assert max(sizes) == 64 * 1024
    assert sum(sizes) == body.length


async def test_a_file_that_shrinks_while_uploading_is_an_error(tmp_path: Path) -> None:
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(MP4)
    body = MultipartBody([clip])
    clip.write_bytes(MP4[:10])
    with pytest.raises(errors.UsageError, match="shorter"):
        _ = [chunk async for chunk in body.stream()]


async def test_missing_upload_file_sends_nothing(tmp_path: Path) -> None:
    backend = FakeBackend()
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.UsageError, match=r"nope\.jpg"):
            await api.upload_files("s1", [tmp_path / "nope.jpg"])
    assert backend.requests == []


async def test_upload_retried_after_1001_sends_the_whole_body_again(tmp_path: Path) -> None:
    backend = FakeBackend()
    key = "POST /api/upload-video/nemo_agent/me/s1"
    backend.script(key, Reply(401, {"code": 1001, "message": "expired"}), ok({"files": []}))
    api, http = make_api(backend)
    async with http:
        await api.upload_files("s1", media(tmp_path))
    first, second = (r.content for r in backend.calls(key))
    assert first == second and len(first) > len(MP4)
    assert backend.violations == []
