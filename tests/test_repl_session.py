"""Whole chats against a real local backend on 127.0.0.1: through a pipe input, and as a process.

The backend's slow-tools quirk makes a turn take seconds, so a Ctrl-C can land in the middle of
it; the backend's record of how often each message ran shows nothing was sent twice.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from repl_support import LIMIT_S, Screen, type_keys, until
from servers import LiveServer, live_server, photos

from vidskill.connect import ConnectOptions, connect
from vidskill.repl.app import run_terminal

CREATE = "create a 30-second product showcase video with background music and text overlays"
CREATE_ZH = "把这些照片做成30秒的产品展示视频，加背景音乐和字幕"


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    """A pipe standing in for the keyboard."""
    with create_pipe_input() as pipe_input:
        yield pipe_input


def running(srv: LiveServer, message: str) -> bool:
    """Whether the backend is in the middle of a turn for `message`."""
    rows = srv.query("SELECT status FROM turns WHERE message = ?", message)
    return [row[0] for row in rows] == ["running"]


def finished(srv: LiveServer, message: str) -> bool:
    """Whether the backend's turn for `message` has ended well."""
    return [row[0] for row in srv.query("SELECT status FROM turns WHERE message = ?", message)] == [
        "ok"
    ]


async def test_ctrl_c_in_mid_turn_then_the_chat_goes_on(tmp_path: Path, pipe: PipeInput) -> None:
    shots = photos(tmp_path / "media")
    screen = Screen()
    with live_server(tmp_path / "data", slow_tools_s=1.0) as srv:
        async with connect(ConnectOptions(api=srv.url)) as engine, asyncio.timeout(90):
            chat = asyncio.create_task(
                run_terminal(
                    engine, resume=False, input=pipe, output=DummyOutput(), shown=screen.output
                )
            )
            await screen.shows("· Ready.")
            await type_keys(pipe, f"/upload {shots[0]} {shots[1]}\r")
            await screen.shows("Uploaded 2 file(s)")
            await type_keys(pipe, CREATE + "\r")
            await until(lambda: running(srv, CREATE), "the turn to run on the backend")
            await type_keys(pipe, "\x03")
            await screen.shows("Stopped. Your message was not sent again")
            await type_keys(pipe, "/credits\r")
            await screen.shows("Credits: ")
            # The backend finishes the stopped turn on its own; the next edit builds on it.
            await until(lambda: finished(srv, CREATE), "the stopped turn to end on the backend")
            await type_keys(pipe, "make it 15 seconds\r")
            await screen.shows("15")
            await type_keys(pipe, "\x04")
            await chat
        session = engine.session_id
    assert session is not None
    assert srv.message_runs(session) == {CREATE: 1, "make it 15 seconds": 1}
    shown = screen.text
    assert shown.index("Stopped.") < shown.index("Credits: ") < shown.rindex("15")
    assert "Traceback" not in shown


async def test_a_chinese_chat_ends_with_ctrl_d(tmp_path: Path, pipe: PipeInput) -> None:
    shots = photos(tmp_path / "media")
    screen = Screen()
    with live_server(tmp_path / "data") as srv:
        async with connect(ConnectOptions(api=srv.url, lang="zh-CN")) as engine:
            async with asyncio.timeout(90):
                chat = asyncio.create_task(
                    run_terminal(
                        engine, resume=False, input=pipe, output=DummyOutput(), shown=screen.output
                    )
                )
                await screen.shows("· 已就绪。")
                await type_keys(pipe, f"{shots[0]} {shots[1]}\r")
                await screen.shows("已上传 2 个文件")
                await type_keys(pipe, CREATE_ZH + "\r")
                await until(lambda: bool(engine.draft and engine.draft.has_segments), "a draft")
                await type_keys(pipe, "\x04")
                await chat
            assert chat.done() and chat.exception() is None
            runs = srv.message_runs(engine.session_id or "")
    assert runs == {CREATE_ZH: 1}
    assert screen.text.startswith("🎬 vidskill 已就绪。")


def run_chat_process(*args: str, script: str) -> subprocess.CompletedProcess[str]:
    """`vidskill chat` as a process with `script` piped to its stdin."""
    return subprocess.run(
        [sys.executable, "-m", "vidskill", "chat", *args],
        input=script,
        capture_output=True,
        text=True,
        timeout=LIMIT_S * 4,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def test_piped_lines_run_without_a_terminal(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as srv:
        done = run_chat_process("--api", srv.url, script="/credits\n/lang zh\n/credits\n/quit\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout.split("· Ready.\n")[1] == (
        "› /credits\n"
        "Credits: 100 available, 0 on hold, 100 in all.\n"
        "› /lang zh\n"
        "语言已切换为 zh-CN。\n"
        "› /credits\n"
        "积分：可用 100，冻结 0，共 100。\n"
        "› /quit\n"
        "再见。\n"
    )


def test_make_chat_starts_the_embedded_backend() -> None:
    done = run_chat_process("--local", script="/credits\n")
    assert done.returncode == 0, done.stderr
    assert "· Ready." in done.stdout
    assert "› /credits\nCredits: " in done.stdout


def test_an_unreachable_backend_is_one_clear_line() -> None:
    done = run_chat_process("--api", "http://127.0.0.1:9", script="hello\n")
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    refused = "✖ Cannot reach the backend at http://127.0.0.1:9: "
    after_hello = done.stdout.split("› hello\n")[1].splitlines()
    assert len(after_hello) == 1 and after_hello[0].startswith(refused)


def test_resume_continues_the_last_project(tmp_path: Path) -> None:
    with live_server(tmp_path / "data") as srv:
        first = run_chat_process("--api", srv.url, script="hello\n")
        again = run_chat_process("--api", srv.url, "--resume", script="/why\n")
        fresh = run_chat_process("--api", srv.url, script="/why\n")
    assert first.returncode == again.returncode == fresh.returncode == 0
    assert "· Connecting...\nContinuing your last project.\n· Ready.\n" in again.stdout
    assert "Continuing" not in fresh.stdout
