"""A backend that answers later than the client's timeouts, with short `Timeouts` for the test.

Every request slowed: each line ends in one network error naming the backend's URL, in the
user's language, without hanging and without sending the chat message. Only the chat request
slowed: the message reached the backend, so it is never resent; the turn's work is found by
reading the state, and the next line works.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from faults import Fault, drive, engine_for, faulty_backend
from servers import photos

from vidskill import messages
from vidskill.client import Timeouts
from vidskill.engine import ErrorShown, FileWritten, Notice, Output

CREATE = "create a 5-second product showcase video with background music and text overlays"
FOLLOW = "set the music to 30%"
SHORT = Timeouts(connect=1.0, read=0.3, write=1.0, pool=1.0, keepalive=0.3, upload_read=5.0)
DELAY_S = 1.5


def _errors(outputs: list[Output]) -> list[ErrorShown]:
    return [o for o in outputs if isinstance(o, ErrorShown)]


@pytest.mark.timeout(90)
@pytest.mark.parametrize(("lang", "words"), [("en", "Cannot reach"), ("zh-CN", "无法连接")])
async def test_every_answer_too_slow_is_one_network_line(
    tmp_path: Path, lang: str, words: str
) -> None:
    with faulty_backend(tmp_path / "backend") as srv:
        async with engine_for(srv.url, lang=lang, timeouts=SHORT) as driven:
            engine = driven.engine
            await drive(engine.upload([str(p) for p in photos(tmp_path / "in")]))
            for method in ("GET", "POST"):
                srv.app.arm(Fault(method, "/", delay_s=DELAY_S, every=True))
            for line in (engine.handle(CREATE), engine.read("credits"), engine.read("state")):
                outputs = await drive(line)
                (error,) = _errors(outputs)
                assert error.kind == "network" and error.exit_code == 4, error
                assert words in error.message and srv.url in error.message
                assert "\n" not in error.message.strip()
            assert srv.app.count("POST", "/run_sse") == 0
            assert srv.query("SELECT COUNT(*) FROM turns") == [(0,)]
            srv.app.faults.clear()
            follow = await drive(engine.handle(CREATE))
            assert not _errors(follow), follow
            assert engine.session_id and srv.message_runs(engine.session_id) == {CREATE: 1}


@pytest.mark.timeout(90)
async def test_a_slow_chat_answer_is_never_resent(tmp_path: Path) -> None:
    with faulty_backend(tmp_path / "backend") as srv:
        async with engine_for(srv.url, lang="en", timeouts=SHORT) as driven:
            engine = driven.engine
            await drive(engine.upload([str(p) for p in photos(tmp_path / "in")]))
            srv.app.arm(Fault("POST", "/run_sse", hold_s=DELAY_S))
            outputs = await drive(engine.handle(CREATE))
            dropped = messages.text("stream_dropped", "en")
            assert [o for o in outputs if isinstance(o, Notice) and o.text == dropped], outputs
            assert not _errors(outputs), outputs
            assert srv.app.count("POST", "/run_sse") == 1
            assert engine.session_id and srv.message_runs(engine.session_id) == {CREATE: 1}
            follow = await drive(engine.handle(FOLLOW))
            assert not _errors(follow), follow
            assert srv.message_runs(engine.session_id) == {CREATE: 1, FOLLOW: 1}


@pytest.mark.timeout(120)
async def test_a_lost_render_submit_answer_can_still_be_resumed(tmp_path: Path) -> None:
    with faulty_backend(tmp_path / "backend") as srv:
        async with engine_for(srv.url, lang="en", timeouts=SHORT) as driven:
            engine = driven.engine
            await drive(engine.upload([str(p) for p in photos(tmp_path / "in")]))
            assert not _errors(await drive(engine.handle(CREATE)))
            srv.app.arm(Fault("POST", "/api/render/proxy/lambda", hold_s=DELAY_S))
            (error,) = _errors(await drive(engine.export(str(tmp_path / "out.mp4"))))
            assert error.kind == "network" and srv.url in error.message
            await asyncio.sleep(DELAY_S)
            assert srv.query("SELECT COUNT(*) FROM renders") == [(1,)]  # the job exists
            resumed = await drive(engine.resume_export())
            assert [o for o in resumed if isinstance(o, FileWritten)], resumed
