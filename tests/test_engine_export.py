"""Exports: refused on an empty draft, polled on the hint, saved safely, resumed after Ctrl-C."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from client_fake import BASE, Sleeps
from engine_support import (
    DRAFT,
    SUBMIT,
    VIDEO,
    LiveFake,
    drive,
    make_engine,
    of_type,
)

from vidskill.engine import (
    ErrorShown,
    FileWritten,
    Output,
    PendingRender,
    Progress,
    SessionMemory,
    Settings,
)

SKILL = "ai-product-video"


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LiveFake:
    monkeypatch.chdir(tmp_path)
    SessionMemory.default().remember(SKILL, BASE, "sess_1", "en")
    fake = LiveFake()
    fake.draft = DRAFT
    return fake


class Stuck(Sleeps):
    """A sleep that never ends, so a test can cancel an export while it polls."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)
        await asyncio.Event().wait()


async def _export(
    backend: LiveFake, dest: str | None = None, **kw: object
) -> tuple[list[Output], Sleeps]:
    sleeps = Sleeps()
    engine, http = make_engine(backend, sleeps=sleeps, **kw)  # type: ignore[arg-type]
    engine.restore()
    async with http:
        return await drive(engine.export(dest)), sleeps


@pytest.mark.parametrize(
    ("lang", "start"), [("en", "There is nothing to export yet"), ("zh-CN", "还没有可导出的内容")]
)
async def test_an_empty_draft_is_refused_with_a_hint(
    backend: LiveFake, lang: str, start: str
) -> None:
    backend.draft = {"d": 0, "m": {"title": ""}, "t": [{"id": "v1", "tt": 0, "sg": []}]}
    outputs, _ = await _export(backend, lang=lang)
    shown = of_type(outputs, ErrorShown)
    assert [e.kind for e in shown] == ["export_empty"] and shown[0].message.startswith(start)
    assert not backend.calls(SUBMIT)


async def test_export_polls_on_the_hint_and_saves_under_the_title(
    backend: LiveFake, tmp_path: Path
) -> None:
    outputs, sleeps = await _export(backend)
    assert sleeps == [1.0]
    progress = [p.done for p in of_type(outputs, Progress) if p.label == "Rendering"]
    assert progress == [50, 100]
    saved = of_type(outputs, FileWritten)
    assert [f.path for f in saved] == [str(tmp_path / "Shoe Launch.mp4")]
    assert (saved[0].size, saved[0].duration, saved[0].width, saved[0].height) == (
        len(VIDEO),
        5.0,
        1920,
        1080,
    )
    assert (tmp_path / "Shoe Launch.mp4").read_bytes() == VIDEO
    assert SessionMemory.default().pending(SKILL, BASE) is None
    submitted = json.loads(backend.calls(SUBMIT)[0].content)
    assert (submitted["sessionId"], submitted["draft"]) == ("sess_1", DRAFT)


async def test_without_a_hint_the_skill_interval_is_used(backend: LiveFake) -> None:
    backend.poll_after_ms = None
    _, sleeps = await _export(backend)
    assert sleeps == [30.0]


async def test_the_older_poll_shape_and_the_download_fallback(
    backend: LiveFake, tmp_path: Path
) -> None:
    backend.old_shape = True
    backend.url_broken = True
    outputs, _ = await _export(backend)
    assert (tmp_path / "Shoe Launch.mp4").read_bytes() == VIDEO
    assert any(r.url.path.endswith("/download") for r in backend.requests)
    assert len(of_type(outputs, FileWritten)) == 1


async def test_an_existing_output_path_is_refused_before_rendering(
    backend: LiveFake, tmp_path: Path
) -> None:
    (tmp_path / "mine.mp4").write_bytes(b"keep me")
    outputs, _ = await _export(backend, "mine.mp4")
    assert [e.kind for e in of_type(outputs, ErrorShown)] == ["usage"]
    assert (tmp_path / "mine.mp4").read_bytes() == b"keep me" and not backend.calls(SUBMIT)


async def test_an_output_path_that_cannot_be_written_is_refused_before_rendering(
    backend: LiveFake, tmp_path: Path
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    outputs, _ = await _export(backend, str(tmp_path / "a-file" / "out.mp4"))
    shown = of_type(outputs, ErrorShown)
    assert [e.kind for e in shown] == ["usage"] and "Cannot write" in shown[0].message
    assert not backend.calls(SUBMIT)


async def test_the_default_name_never_replaces_a_file(backend: LiveFake, tmp_path: Path) -> None:
    (tmp_path / "Shoe Launch.mp4").write_bytes(b"older export")
    outputs, _ = await _export(backend)
    assert of_type(outputs, FileWritten)[0].path == str(tmp_path / "Shoe Launch (2).mp4")
    assert (tmp_path / "Shoe Launch.mp4").read_bytes() == b"older export"


async def test_a_failed_render_is_explained_and_forgotten(backend: LiveFake) -> None:
    backend.fail_render = "the encoder crashed"
    outputs, _ = await _export(backend)
    shown = of_type(outputs, ErrorShown)
    assert [e.kind for e in shown] == ["render_failed"] and "encoder crashed" in shown[0].message
    assert SessionMemory.default().pending(SKILL, BASE) is None


async def test_a_render_still_running_is_left_for_resume(backend: LiveFake) -> None:
    settings = Settings(poll_interval_s=0.5, poll_max=1)
    outputs, _ = await _export(backend, settings=settings)
    assert [e.kind for e in of_type(outputs, ErrorShown)] == ["render_pending"]
    assert SessionMemory.default().pending(SKILL, BASE) is not None


async def test_an_interrupted_export_is_remembered_and_resumed(
    backend: LiveFake, tmp_path: Path
) -> None:
    engine, http = make_engine(backend, sleeps=Stuck())
    engine.restore()
    async with http:
        task = asyncio.create_task(drive(engine.export(str(tmp_path / "out.mp4"))))
        while not backend.renders:
            await asyncio.sleep(0.01)
        while not any(backend.renders.values()):
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    pending = SessionMemory.default().pending(SKILL, BASE)
    assert pending is not None and pending.dest == str(tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()

    resumed, http = make_engine(backend)
    resumed.restore()
    async with http:
        outputs = await drive(resumed.resume_export())
    assert [f.path for f in of_type(outputs, FileWritten)] == [str(tmp_path / "out.mp4")]
    assert len(backend.calls(SUBMIT)) == 1
    assert SessionMemory.default().pending(SKILL, BASE) is None


async def test_resume_with_nothing_pending_says_so(backend: LiveFake) -> None:
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.resume_export())
    assert [e.kind for e in of_type(outputs, ErrorShown)] == ["no_pending"]


async def test_a_render_the_backend_forgot_does_not_replace_the_session(
    backend: LiveFake,
) -> None:
    SessionMemory.default().set_pending(SKILL, BASE, PendingRender("render_404", "sess_1"))
    engine, http = make_engine(backend)
    engine.restore()
    async with http:
        outputs = await drive(engine.resume_export())
    assert [e.kind for e in of_type(outputs, ErrorShown)] == ["render_failed"]
    assert engine.session_id == "sess_1" and not backend.made
    assert SessionMemory.default().pending(SKILL, BASE) is None
