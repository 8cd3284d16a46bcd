"""Sessions: created lazily in the user's language, remembered, resumed, replaced after 1002."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import httpx
import pytest
from client_fake import BASE, Reply, adk_text, sse
from engine_support import CREDITS, RUN, SESSIONS, LiveFake, drive, make_engine, of_type, state_key

from vidskill import errors
from vidskill.engine import (
    CreditsShown,
    ErrorShown,
    Notice,
    PendingRender,
    Remembered,
    Said,
    SessionMemory,
    Settings,
    Status,
)
from vidskill.skill import resolve

GONE = Reply(404, {"code": 1002, "message": "session not found"})


def test_memory_keeps_sessions_per_skill_and_backend(tmp_path: Path) -> None:
    memory = SessionMemory(tmp_path / "sessions.json")
    memory.remember("ai-product-video", "http://a", "sess_a", "zh-CN")
    memory.remember("ai-product-video", "http://b", "sess_b", None)
    memory.remember("picture-to-video-ai", "http://a", "sess_c", "en")
    assert memory.recall("ai-product-video", "http://a") == Remembered("sess_a", "zh-CN")
    assert memory.recall("ai-product-video", "http://b") == Remembered("sess_b", None)
    assert memory.recall("picture-to-video-ai", "http://b") is None
    memory.forget("ai-product-video", "http://a")
    assert memory.recall("ai-product-video", "http://a") is None
    assert memory.recall("picture-to-video-ai", "http://a") == Remembered("sess_c", "en")
    assert "token" not in (tmp_path / "sessions.json").read_text().lower()


def test_memory_keeps_a_pending_render_until_it_is_cleared(tmp_path: Path) -> None:
    memory = SessionMemory(tmp_path / "sessions.json")
    memory.remember("s", "b", "sess_1", "en")
    render = PendingRender("render_1", "sess_1", "/tmp/out.mp4", "Title", 5.0, 1920, 1080)
    memory.set_pending("s", "b", render)
    memory.remember("s", "b", "sess_1", "zh-CN")  # the same session keeps its render
    assert memory.pending("s", "b") == render
    memory.clear_pending("s", "b", "render_other")
    assert memory.pending("s", "b") == render
    memory.clear_pending("s", "b", "render_1")
    assert memory.pending("s", "b") is None
    assert memory.recall("s", "b") == Remembered("sess_1", "zh-CN")


@pytest.mark.parametrize("content", ["", "not json", "[]", '{"sessions": 3}'])
def test_an_unreadable_memory_counts_as_empty(tmp_path: Path, content: str) -> None:
    (tmp_path / "sessions.json").write_text(content)
    memory = SessionMemory(tmp_path / "sessions.json")
    assert memory.recall("s", "b") is None and memory.pending("s", "b") is None
    memory.remember("s", "b", "sess_1", None)
    assert memory.recall("s", "b") == Remembered("sess_1", None)
    assert stat.S_IMODE(os.stat(tmp_path / "sessions.json").st_mode) == 0o600


@pytest.mark.parametrize(
    ("line", "lang", "said"),
    [
        ("把这些照片做成15秒的视频", "zh-CN", "好的"),
        ("make a 15-second video from my photos", "en", "Sure"),
    ],
)
async def test_the_session_starts_in_the_language_of_the_first_line(
    line: str, lang: str, said: str
) -> None:
    backend = LiveFake()
    backend.script(RUN, sse(adk_text(said)), sse(adk_text(said)))
    engine, http = make_engine(backend)
    async with http:
        await drive(engine.handle(line))
        await drive(engine.handle("ok 10"))  # a later line too short to tell does not switch
    assert [body["language"] for body in backend.made] == [lang]
    assert engine.lang == lang and engine.session_id == "sess_1"
    assert SessionMemory.default().recall("ai-product-video", BASE) == Remembered("sess_1", lang)


async def test_messages_follow_the_unmistakable_script_of_each_later_line() -> None:
    backend = LiveFake()
    backend.script(RUN, sse(adk_text("Sure")))
    engine, http = make_engine(backend)
    async with http:
        await drive(engine.handle("make a 15-second video from my photos"))
        chinese = await drive(engine.handle("还剩多少积分"))
        assert engine.lang == "zh-CN"
        await drive(engine.handle("export"))  # one Latin word: could be either language
        assert engine.lang == "zh-CN"
        english = await drive(engine.handle("how many credits do I have"))
        assert engine.lang == "en"
        await drive(engine.handle("/lang en"))
        await drive(engine.handle("余额"))  # pinned by /lang
        assert engine.lang == "en"
    assert re.search(r"[\u4e00-\u9fff]", of_type(chinese, CreditsShown)[0].text)
    assert of_type(english, CreditsShown)[0].text.startswith("Credits:")
    assert [body["language"] for body in backend.made] == ["en"]  # the session keeps its own


async def test_a_remembered_session_is_continued_by_the_next_engine() -> None:
    backend = LiveFake()
    backend.script(RUN, sse(adk_text("好的")), sse(adk_text("好的")))
    first, http = make_engine(backend)
    async with http:
        await drive(first.handle("把这些照片做成15秒的视频"))
    second, http = make_engine(backend)
    assert second.restore() and second.session_id == "sess_1" and second.lang == "zh-CN"
    async with http:
        await drive(second.handle("加一段背景音乐"))
    assert len(backend.made) == 1
    sessions = {json.loads(r.content)["session_id"] for r in backend.calls(RUN)}
    assert sessions == {"sess_1"}


@pytest.mark.parametrize(
    ("line", "lang", "fresh"),
    [("make a 10-second video", "en", "starts fresh"), ("做一个10秒的视频", "zh-CN", "从头开始")],
)
async def test_1002_starts_a_new_session_tells_the_user_and_carries_on(
    line: str, lang: str, fresh: str
) -> None:
    SessionMemory.default().remember("ai-product-video", BASE, "sess_old", "en")
    backend = LiveFake()
    backend.script(state_key("sess_old"), GONE)
    backend.script(RUN, sse(adk_text("Created a 10-second video.")))
    engine, http = make_engine(backend)
    engine.restore()
    async with http:
        outputs = await drive(engine.handle(line))
    notices = [n.text for n in of_type(outputs, Notice)]
    assert len(notices) == 1 and fresh in notices[0]
    assert [s.text for s in of_type(outputs, Said)] == ["Created a 10-second video."]
    assert engine.session_id == "sess_1" and len(backend.calls(RUN)) == 1
    assert json.loads(backend.calls(RUN)[0].content)["session_id"] == "sess_1"
    assert backend.made == [{"task_name": "project", "language": lang}]
    assert SessionMemory.default().recall("ai-product-video", BASE) == Remembered("sess_1", lang)


async def test_1002_on_the_chat_request_itself_is_sent_once_to_the_new_session() -> None:
    SessionMemory.default().remember("ai-product-video", BASE, "sess_old", "en")
    backend = LiveFake()
    backend.script(RUN, GONE, sse(adk_text("Done.")))
    engine, http = make_engine(backend)
    engine.restore()
    async with http:
        outputs = await drive(engine.handle("make a 10-second video"))
    targets = [json.loads(r.content)["session_id"] for r in backend.calls(RUN)]
    assert targets == ["sess_old", "sess_1"]  # the refused one never ran
    assert [s.text for s in of_type(outputs, Said)] == ["Done."]


async def test_1002_twice_is_shown_and_not_retried_again() -> None:
    SessionMemory.default().remember("ai-product-video", BASE, "sess_old", "en")
    backend = LiveFake()
    backend.script(state_key("sess_old"), GONE)
    backend.script(state_key("sess_1"), GONE)
    engine, http = make_engine(backend)
    engine.restore()
    async with http:
        outputs = await drive(engine.handle("make a 10-second video"))
    assert [e.kind for e in of_type(outputs, ErrorShown)] == ["session_not_found"]
    assert not backend.calls(RUN) and len(backend.made) == 1


async def test_start_connects_resumes_and_offers_an_unfinished_export() -> None:
    memory = SessionMemory.default()
    memory.remember("ai-product-video", BASE, "sess_9", "zh-CN")
    memory.set_pending("ai-product-video", BASE, PendingRender("render_5", "sess_9"))
    backend = LiveFake()
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.start(resume=True))
    assert [type(o).__name__ for o in outputs] == ["Status", "Notice", "Notice", "Status"]
    assert engine.session_id == "sess_9" and engine.lang == "zh-CN"
    assert "export --resume" in outputs[2].text  # type: ignore[union-attr]
    assert engine.credits is not None and engine.credits.available == 100


async def test_start_without_resume_begins_afresh_and_reports_a_network_failure() -> None:
    SessionMemory.default().remember("ai-product-video", BASE, "sess_9", "en")
    backend = LiveFake()
    backend.script(CREDITS, Reply(raise_=httpx.ConnectError("refused")))
    engine, http = make_engine(backend)
    async with http:
        outputs = await drive(engine.start(resume=False))
    assert engine.session_id is None
    assert isinstance(outputs[0], Status) and isinstance(outputs[-1], ErrorShown)
    assert outputs[-1].kind == "network"


async def test_slash_commands(tmp_path: Path) -> None:
    backend = LiveFake()
    engine, http = make_engine(backend)
    async with http:
        help_ = await drive(engine.handle("/help"))
        credits = await drive(engine.handle("/credits"))
        why = await drive(engine.handle("/why"))
        lang = await drive(engine.handle("/lang zh"))
        unknown = await drive(engine.handle("/frobnicate"))
        new = await drive(engine.handle("/new"))
        quit_ = await drive(engine.handle("/quit"))
    assert "/export" in help_[0].text  # type: ignore[union-attr]
    assert of_type(credits, CreditsShown)[0].text.startswith("Credits: 100 available")
    assert "credits" in why[0].text  # type: ignore[union-attr]
    assert engine.lang == "zh-CN" and lang[0].text == "语言已切换为 zh-CN。"  # type: ignore[union-attr]
    assert unknown[0].exit_code == 2 and "/help" in unknown[0].message  # type: ignore[union-attr]
    assert of_type(new, Notice) and type(quit_[0]).__name__ == "Quit"
    assert SessionMemory.default().recall("ai-product-video", BASE) is None


def test_settings_come_from_the_skill_then_the_environment(tmp_path: Path) -> None:
    skill_file = tmp_path / "SKILL.md"
    skill_file.write_text(
        "---\nname: quick\nversion: 1.0.0\ndescription: d\nmetadata:\n  vidskill:\n"
        "    poll_interval_s: 5\n    keepalive_notice_s: 30\n    recovery_waits_s: [1, 2]\n---\n"
    )
    skill = resolve(str(skill_file), env={})
    settings = Settings.from_skill(skill, {"VIDSKILL_RECOVERY_WAITS_S": "0.5,0.7,0.9"})
    assert settings.poll_interval_s == 5.0 and settings.keepalive_notice_s == 30.0
    assert settings.recovery_waits_s == (0.5, 0.7, 0.9)
    assert [settings.recovery_wait(n) for n in range(5)] == [0.5, 0.7, 0.9, 0.9, 0.9]
    assert Settings.from_skill(resolve("ai-product-video"), {}) == Settings()
    bad = ("VIDSKILL_POLL_MAX=2.5", "VIDSKILL_TURN_LIMIT_S=-1", "VIDSKILL_KEEPALIVE_NOTICE_S=soon")
    for spec in bad:
        name, _, value = spec.partition("=")
        with pytest.raises(errors.UsageError, match=name):
            Settings.from_skill(skill, {name: value})


def test_memory_file_location_follows_the_config_dir(tmp_path: Path) -> None:
    memory = SessionMemory.default({"VIDSKILL_CONFIG_DIR": str(tmp_path / "cfg")})
    assert memory.path == tmp_path / "cfg" / "sessions.json"


async def test_sessions_are_created_once_even_for_uploads_and_lines(tmp_path: Path) -> None:
    backend = LiveFake()
    backend.script(RUN, sse(adk_text("ok")))
    engine, http = make_engine(backend)
    async with http:
        await drive(engine.handle("make a video"))
        await drive(engine.read("state"))
    assert len(backend.calls(SESSIONS)) == 1
