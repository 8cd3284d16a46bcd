"""Chat turns: GUI-speak carried out, one follow-up at most, keep-alives, silence, drops, Ctrl-C."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from client_fake import Reply, Sleeps, adk_text, ok, sse
from conftest import DATA
from engine_support import (
    DRAFT,
    HEARTBEAT,
    RUN,
    SUBMIT,
    LiveFake,
    drive,
    make_engine,
    of_type,
    state_key,
)

from vidskill import messages
from vidskill.engine import (
    CreditsShown,
    ErrorShown,
    FileWritten,
    Notice,
    Output,
    Said,
    Settings,
    StateShown,
    Status,
    TimelineShown,
    TurnRecord,
    allows_export,
)
from vidskill.router import route

HOLD_CASES: list[dict[str, Any]] = yaml.safe_load(
    (DATA / "export_hold_cases.yaml").read_text(encoding="utf-8")
)

WITH_MUSIC: dict[str, Any] = {
    **DRAFT,
    "t": [
        *DRAFT["t"],
        {
            "id": "a1",
            "tt": 1,
            "m": {"name": "BGM", "volume": 35},
            "sg": [{"id": "m1", "s": 0, "d": 5000, "m": {"src": "music:calm", "role": "bgm"}}],
        },
    ],
}
TOOL_EVENTS = (
    'data: {"content": {"parts": [{"functionCall": {"name": "add_music", "args": {}}}]}}\n\n'
    'data: {"content": {"role": "user", "parts": [{"functionResponse": '
    '{"name": "add_music", "response": {"ok": true}}}]}}\n\n'
)


@dataclass
class FakeClock:
    """A monotonic clock the stream moves forward."""

    now: float = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Timed(Reply):
    """A stream that moves the clock forward before each chunk."""

    clock: FakeClock = field(default_factory=FakeClock)
    step: float = 0.0

    async def _stream(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks or []:
            self.clock.now += self.step
            yield chunk


@dataclass
class Hanging(Reply):
    """A stream that sends its chunks, then waits until released."""

    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def _stream(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks or []:
            yield chunk
        await self.release.wait()


def state_reply(draft: dict[str, Any] | None) -> Reply:
    """A state answer holding `draft`."""
    return ok({"session_id": "sess_1", "state": {"draft": draft, "video_infos": []}})


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> LiveFake:
    monkeypatch.chdir(tmp_path)
    fake = LiveFake()
    fake.draft = DRAFT
    return fake


async def test_text_is_translated_and_the_gui_export_runs_at_once(
    backend: LiveFake, tmp_path: Path
) -> None:
    backend.script(RUN, sse(adk_text("Done. Click the Export button to render your video.")))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("add calm background music"))
    said = of_type(outputs, Said)
    assert len(said) == 1 and "Click" not in said[0].text and "Click" in said[0].original
    files = of_type(outputs, FileWritten)
    assert [Path(f.path) for f in files] == [tmp_path / "Shoe Launch.mp4"]
    assert files[0].size == (tmp_path / "Shoe Launch.mp4").stat().st_size > 0
    assert len(backend.calls(SUBMIT)) == 1 and len(backend.calls(RUN)) == 1
    assert not of_type(outputs, ErrorShown) and not backend.violations


@pytest.mark.parametrize(
    ("reply", "shown"),
    [
        ("Click Credits in the top bar to see how many credits you have left.", CreditsShown),
        ("Open your project to see the new transitions.", StateShown),
        ("Preview in timeline to check the transitions.", TimelineShown),
    ],
)
async def test_gui_reads_are_carried_out(backend: LiveFake, reply: str, shown: type) -> None:
    backend.script(RUN, sse(adk_text(reply)))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("add transitions"))
    assert len(of_type(outputs, shown)) == 1
    assert not backend.calls(SUBMIT) and len(backend.calls(RUN)) == 1


async def test_an_edit_to_make_by_hand_is_sent_once_and_never_loops(backend: LiveFake) -> None:
    backend.script(RUN, sse(adk_text("You can drag the logo to the end of the timeline.")))
    backend.script(RUN, sse(adk_text("You can drag clips on the timeline to reorder them.")))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("put the logo in"))
    assert backend.sent_messages() == [
        "put the logo in",
        "move the logo to the end of the timeline",
    ]
    assert len(of_type(outputs, Said)) == 2
    assert any("move the logo" in s.text for s in of_type(outputs, Status))


async def test_the_follow_up_comes_before_the_one_export(backend: LiveFake) -> None:
    reply = "Drag the logo to the end of the timeline, then click Export."
    backend.script(RUN, sse(adk_text(reply)))
    backend.script(RUN, sse(adk_text("Done. Click the Export button when you are happy with it.")))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("add my logo"))
    assert len(backend.calls(RUN)) == 2 and len(backend.calls(SUBMIT)) == 1
    assert len(of_type(outputs, FileWritten)) == 1


@pytest.mark.parametrize("case", HOLD_CASES, ids=[c["line"] for c in HOLD_CASES])
def test_which_lines_hold_the_export_back(case: dict[str, Any]) -> None:
    assert allows_export(route(case["line"])) is not case["holds"]


@pytest.mark.parametrize(
    ("line", "reply", "lang"),
    [
        ("add music but don't export yet", "Done. Click the Export button to render.", "en"),
        ("先别导出，把音乐调到30%", "已完成。点击导出按钮即可渲染视频。", "zh-CN"),
    ],
)
async def test_saying_not_to_export_holds_the_gui_export(
    backend: LiveFake, line: str, reply: str, lang: str
) -> None:
    backend.script(RUN, sse(adk_text(reply)))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle(line))
    assert not backend.calls(SUBMIT)
    assert [n.text for n in of_type(outputs, Notice)] == [messages.text("export_held", lang)]


async def test_a_silent_turn_reports_what_changed(backend: LiveFake) -> None:
    def run(request: httpx.Request) -> Reply:
        backend.draft = WITH_MUSIC
        return sse(TOOL_EVENTS)

    backend.script(RUN, run)
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("add calm music"))
    assert [s.text for s in of_type(outputs, Status)] == ["Working: add_music"]
    notices = of_type(outputs, Notice)
    assert len(notices) == 1 and notices[0].text.startswith("Done. What changed:")
    assert "BGM" in notices[0].text or "Music" in notices[0].text
    assert not of_type(outputs, Said)


async def test_a_silent_turn_that_changed_nothing_says_so(backend: LiveFake) -> None:
    backend.script(RUN, sse(TOOL_EVENTS))
    engine, http = make_engine(backend, lang="zh-CN")
    async with http:
        outputs = await drive(engine.handle("add calm music"))
    assert [n.text for n in of_type(outputs, Notice)] == ["智能体没有回复，时间轴也没有变化。"]


async def test_a_run_error_is_shown_once(backend: LiveFake) -> None:
    backend.script(RUN, sse('data: {"error": "model overloaded"}\n\n'))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.handle("add calm music"))
    errors_ = of_type(outputs, ErrorShown)
    assert len(errors_) == 1 and "model overloaded" in errors_[0].message
    assert errors_[0].exit_code == 3 and not of_type(outputs, Notice)


async def test_still_working_every_notice_period_of_keepalives(backend: LiveFake) -> None:
    clock = FakeClock()
    chunks = [adk_text("On it.").encode()] + [HEARTBEAT.encode()] * 8
    backend.script(RUN, Timed(200, chunks=chunks, clock=clock, step=50.0))
    engine, http = make_engine(backend, clock=clock)
    async with http:
        outputs = await drive(engine.handle("make a 30-second video"))
    # Text at 50 s; keep-alives at 100..450 s: a notice at 200 s and at 350 s.
    assert [n.text for n in of_type(outputs, Notice)] == ["⏳ Still working..."] * 2
    assert not of_type(outputs, ErrorShown)


async def test_keepalives_alone_time_out_without_resending(backend: LiveFake) -> None:
    clock = FakeClock()
    chunks = [adk_text("On it.").encode()] + [HEARTBEAT.encode()] * 20
    backend.script(RUN, Timed(200, chunks=chunks, clock=clock, step=50.0))
    engine, http = make_engine(backend, clock=clock)
    async with http:
        outputs = await drive(engine.handle("make a 30-second video"))
    shown = of_type(outputs, ErrorShown)
    assert [e.kind for e in shown] == ["turn_timeout"] and shown[0].exit_code == 4
    assert clock.now == 650.0  # stopped reading at 600 s of keep-alives after the text
    assert of_type(outputs, Notice)[-1].text == "Nothing has changed on the timeline so far."
    assert len(backend.calls(RUN)) == 1


async def test_the_turn_limit_stops_waiting(backend: LiveFake) -> None:
    clock = FakeClock()
    tool = 'data: {"content": {"parts": [{"functionCall": {"name": "render", "args": {}}}]}}\n\n'
    backend.script(RUN, Timed(200, chunks=[tool.encode()] * 20, clock=clock, step=50.0))
    settings = Settings(turn_limit_s=300.0)
    engine, http = make_engine(backend, clock=clock, settings=settings)
    async with http:
        outputs = await drive(engine.handle("make a 30-second video"))
    assert [e.kind for e in of_type(outputs, ErrorShown)] == ["turn_timeout"]
    assert clock.now == 300.0 and len(backend.calls(RUN)) == 1


async def test_a_dropped_stream_is_never_resent_and_the_state_is_read_on_cadence(
    backend: LiveFake,
) -> None:
    backend.script(
        RUN, Reply(200, chunks=[adk_text("Working").encode()], fail=httpx.ReadError("x"))
    )
    sleeps = Sleeps()
    engine, http = make_engine(backend, sleeps=sleeps)
    async with http:
        outputs = await drive(engine.handle("make a 30-second video"))
    assert sleeps == [30.0, 60.0, 60.0, 60.0, 60.0]
    assert len(backend.calls(state_key("sess_1"))) == 1 + 5
    assert len(backend.calls(RUN)) == 1
    texts = [n.text for n in of_type(outputs, Notice)]
    assert texts[0].startswith("The connection dropped") and texts[-1].startswith(
        "No change after 5"
    )


async def test_a_dropped_stream_reports_the_change_when_it_arrives(backend: LiveFake) -> None:
    backend.draft = WITH_MUSIC
    key = state_key("sess_1")
    backend.script(key, state_reply(DRAFT), state_reply(DRAFT))  # before the turn, first read
    backend.script(RUN, Reply(200, chunks=[], fail=httpx.RemoteProtocolError("x")))
    settings = Settings(recovery_waits_s=(1.0, 2.0), recovery_max_reads=4)
    sleeps = Sleeps()
    engine, http = make_engine(backend, settings=settings, sleeps=sleeps)
    async with http:
        outputs = await drive(engine.handle("add calm music"))
    assert sleeps == [1.0, 2.0]
    assert of_type(outputs, Notice)[-1].text.startswith("The agent's work arrived.")
    assert len(backend.calls(RUN)) == 1


async def test_cancelling_mid_turn_resends_nothing_and_the_engine_goes_on(
    backend: LiveFake,
) -> None:
    hanging = Hanging(200, chunks=[adk_text("Starting on your video.").encode()])
    backend.script(RUN, hanging)
    engine, http = make_engine(backend)
    seen: list[Output] = []
    spoke = asyncio.Event()

    async def consume() -> None:
        async for output in engine.handle("make a 30-second video"):
            seen.append(output)
            if isinstance(output, Said):
                spoke.set()

    async with http:
        task = asyncio.create_task(consume())
        await asyncio.wait_for(spoke.wait(), 10)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        backend.script(RUN, sse(adk_text("Added calm music.")))
        after = await drive(engine.handle("add calm music"))
    assert backend.sent_messages() == ["make a 30-second video", "add calm music"]
    assert [s.text for s in of_type(after, Said)] == ["Added calm music."]
    assert not of_type(after, ErrorShown)


class Journal:
    """A recorder that keeps the records."""

    def __init__(self) -> None:
        self.records: list[TurnRecord] = []

    def record(self, record: TurnRecord) -> None:
        self.records.append(record)


async def test_each_line_is_recorded_without_secrets(backend: LiveFake, tmp_path: Path) -> None:
    backend.script(RUN, sse(adk_text("Done. Click the Export button to render your video.")))
    journal = Journal()
    engine, http = make_engine(backend)
    engine.recorder = journal
    async with http:
        await drive(engine.read("credits"))
        backend.balance = {"available": 99, "frozen": 0, "total": 99}
        await drive(engine.handle("add calm background music"))
    credits, line = journal.records
    assert credits.intent["intent"] == "credits" and credits.credits_after == 100
    assert line.utterance == "add calm background music" and line.intent["why"]["rule"] == "edit"
    assert line.actions == ("export",) and line.files == (str(tmp_path / "Shoe Launch.mp4"),)
    assert "Click" in line.original and "Click" not in line.shown
    assert (line.credits_before, line.credits_after) == (100, 99)
    assert line.timeline is not None and line.timeline.startswith("Timeline (1 track)")
    assert line.session_id == "sess_1" and line.draft == DRAFT
    dumped = json.dumps(line.to_json(), ensure_ascii=False)
    assert not any(token in dumped for token in backend.issued)
