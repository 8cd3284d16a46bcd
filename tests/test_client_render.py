"""Export helpers: unique render ids, both poll shapes, polling hints, safe streamed downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from client_fake import BASE, FakeBackend, Reply, Sleeps, make_api
from conftest import DATA

from vidskill import errors
from vidskill.client import RenderStatus, render

STATUSES = json.loads((DATA / "client_render_status.json").read_text(encoding="utf-8"))["cases"]
SUBMIT = "POST /api/render/proxy/lambda"
POLL = "GET /api/render/proxy/lambda/render_1"
VIDEO = b"\x00\x00\x00\x18ftypmp42" + b"frame" * 5000


def clock(*seconds: float) -> Any:
    times = list(seconds)
    return lambda: times.pop(0) if len(times) > 1 else times[0]


def test_render_ids_are_ms_and_always_later() -> None:
    assert render.new_render_id(clock=lambda: 1750000000.1234) == "render_1750000000123"
    assert render.new_render_id("render_1750000000123", clock=lambda: 1750000000.1234) == (
        "render_1750000000124"
    )
    assert render.new_render_id("render_99", clock=lambda: 1.0) == "render_1000"


@pytest.mark.parametrize("case", STATUSES, ids=[c["name"] for c in STATUSES])
async def test_poll_shapes(case: dict[str, Any]) -> None:
    backend = FakeBackend()
    backend.script(POLL, Reply(200, case["body"], case.get("headers", {})))
    api, http = make_api(backend)
    async with http:
        status = await api.poll_render("render_1")
    assert status == RenderStatus(**case["status"])
    assert backend.violations == []


async def test_duplicate_render_id_is_replaced_once() -> None:
    backend = FakeBackend()
    duplicate = Reply(409, {"code": 3001, "message": "render id already used"})
    backend.script(SUBMIT, duplicate, Reply(200, {"status": "pending"}))
    api, http = make_api(backend)
    async with http:
        status = await render.submit(api, "s1", {"t": []}, clock=clock(1.0, 1.0))
    ids = [json.loads(r.content)["id"] for r in backend.calls(SUBMIT)]
    assert ids == ["render_1000", "render_1001"]
    assert status.id == "render_1001" and status.state == "pending"


async def test_duplicate_twice_is_raised() -> None:
    backend = FakeBackend()
    duplicate = Reply(200, {"code": 3001, "message": "render id already used"})
    backend.script(SUBMIT, duplicate, duplicate)
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.BackendError) as info:
            await render.submit(api, "s1", {"t": []})
    assert info.value.code == 3001
    assert len(backend.calls(SUBMIT)) == 2


async def test_other_submit_errors_are_not_retried() -> None:
    backend = FakeBackend()
    backend.script(SUBMIT, Reply(400, {"code": 3002, "message": "draft has no segments"}))
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.BackendError, match="no segments"):
            await render.submit(api, "s1", {"t": []})
    assert len(backend.calls(SUBMIT)) == 1


def _poll(status: str, progress: int, **extra: Any) -> Reply:
    headers = extra.pop("headers", {})
    return Reply(200, {"id": "render_1", "status": status, "progress": progress, **extra}, headers)


async def test_wait_honours_hints_else_the_interval() -> None:
    backend, sleeps = FakeBackend(), Sleeps()
    backend.script(
        POLL,
        _poll("pending", 0, headers={"Retry-After": "2"}),
        _poll("processing", 40, poll_after_ms=250),
        _poll("processing", 80),
        _poll("completed", 100, output={"url": "/v.mp4"}),
    )
    api, http = make_api(backend)
    seen: list[int] = []
    async with http:
        done = await render.wait(
            api,
            "render_1",
            interval=30,
            budget=300,
            sleep=sleeps,
            on_status=lambda s: seen.append(s.progress),
        )
    assert sleeps == [2.0, 0.25, 30]
    assert seen == [0, 40, 80, 100]
    assert done.url == "/v.mp4"


async def test_a_zero_hint_does_not_busy_loop() -> None:
    backend, sleeps = FakeBackend(), Sleeps()
    backend.script(POLL, _poll("processing", 1, poll_after_ms=0), _poll("completed", 100))
    api, http = make_api(backend)
    async with http:
        await render.wait(api, "render_1", interval=30, budget=300, sleep=sleeps)
    assert sleeps == [render.MIN_POLL_S]


async def test_wait_returns_the_unfinished_status_when_the_budget_is_spent() -> None:
    backend, sleeps = FakeBackend(), Sleeps()
    backend.script(POLL, *[_poll("processing", p) for p in (10, 20, 30)])
    api, http = make_api(backend)
    async with http:
        status = await render.wait(api, "render_1", interval=30, budget=60, sleep=sleeps)
    assert (status.state, status.progress, sleeps) == ("processing", 30, [30, 30])


async def test_failed_render_raises() -> None:
    backend = FakeBackend()
    backend.script(POLL, _poll("failed", 5, error="unknown source a_9"))
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.RenderFailedError, match="unknown source a_9") as info:
            await render.wait(api, "render_1", interval=1, budget=10, sleep=Sleeps())
    assert info.value.data == {"render_id": "render_1"}


def _completed(url: str | None) -> RenderStatus:
    return RenderStatus("render_1", "completed", 100, url=url)


DOWNLOAD = "GET /api/render/proxy/render_1/download"


async def test_download_from_output_url(tmp_path: Path) -> None:
    backend = FakeBackend()
    backend.script("GET /renders/r1.mp4", Reply(200, VIDEO, {"content-length": str(len(VIDEO))}))
    api, http = make_api(backend)
    seen: list[tuple[int, int | None]] = []
    async with http:
        path = await render.download(
            api,
            _completed(f"{BASE}/renders/r1.mp4"),
            tmp_path / "Demo.mp4",
            progress=lambda d, t: seen.append((d, t)),
        )
    assert path == tmp_path / "Demo.mp4" and path.read_bytes() == VIDEO
    assert seen[-1] == (len(VIDEO), len(VIDEO))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Demo.mp4"]


@pytest.mark.parametrize(
    "url",
    [None, f"{BASE}/gone.mp4", "https://cdn.example/r1.mp4"],
    ids=["no_url", "404", "cdn_down"],
)
async def test_download_falls_back_to_the_download_endpoint(
    tmp_path: Path, url: str | None
) -> None:
    backend = FakeBackend()
    backend.script("GET /gone.mp4", Reply(404, {"code": 404, "message": "not found"}))
    backend.script("GET /r1.mp4", Reply(raise_=httpx.ConnectError("cdn unreachable")))
    backend.script(DOWNLOAD, Reply(200, VIDEO))
    api, http = make_api(backend)
    async with http:
        path = await render.download(api, _completed(url), tmp_path / "out.mp4")
    assert path.read_bytes() == VIDEO
    assert len(backend.calls(DOWNLOAD)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.mp4"]
    assert backend.violations == []


async def test_download_never_overwrites(tmp_path: Path) -> None:
    backend = FakeBackend()
    backend.script(DOWNLOAD, Reply(200, VIDEO), Reply(200, VIDEO))
    (tmp_path / "Demo.mp4").write_bytes(b"mine")
    (tmp_path / "Demo (2).mp4").write_bytes(b"mine too")
    api, http = make_api(backend)
    async with http:
        first = await render.download(api, _completed(None), tmp_path / "Demo.mp4")
        with pytest.raises(errors.UsageError, match="already exists"):
            await render.download(api, _completed(None), tmp_path / "Demo.mp4", on_exists="error")
    assert first.name == "Demo (3).mp4" and first.read_bytes() == VIDEO
    assert (tmp_path / "Demo.mp4").read_bytes() == b"mine"
    assert (tmp_path / "Demo (2).mp4").read_bytes() == b"mine too"
    assert len(backend.calls(DOWNLOAD)) == 1


async def test_api_download_refuses_an_existing_file(tmp_path: Path) -> None:
    backend = FakeBackend()
    backend.script(DOWNLOAD, Reply(200, VIDEO))
    target = tmp_path / "keep.mp4"
    target.write_bytes(b"mine")
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.UsageError):
            await api.download("render_1", target)
    assert target.read_bytes() == b"mine"


async def test_a_broken_download_leaves_nothing(tmp_path: Path) -> None:
    backend = FakeBackend()
    broken = Reply(
        200,
        chunks=[VIDEO[:100]],
        fail=httpx.ReadError("reset"),
        headers={"content-type": "video/mp4"},
    )
    backend.script(DOWNLOAD, broken)
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.NetworkError) as info:
            await render.download(api, _completed(None), tmp_path / "out.mp4")
    assert not isinstance(info.value, errors.StreamDroppedError)
    assert list(tmp_path.iterdir()) == []


async def test_a_refused_download_leaves_nothing(tmp_path: Path) -> None:
    backend = FakeBackend()
    backend.script(DOWNLOAD, Reply(200, {"code": 3003, "message": "render not finished"}))
    api, http = make_api(backend)
    async with http:
        with pytest.raises(errors.BackendError, match="not finished"):
            await render.download(api, _completed(None), tmp_path / "out.mp4")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("title", "session", "name"),
    [
        ("Summer Sale", "s1", "Summer Sale.mp4"),
        ("夏季促销 / 2025", "s1", "夏季促销 2025.mp4"),
        ("../../etc/passwd", "s1", "etc passwd.mp4"),
        ("  ...  ", "sess_42", "sess_42.mp4"),
        (None, "sess_42", "sess_42.mp4"),
        ("a\x00b:c*d?", "s", "a b c d.mp4"),
        (None, "", "video.mp4"),
    ],
)
def test_default_filename(title: str | None, session: str, name: str) -> None:
    assert render.default_filename(title, session) == name
