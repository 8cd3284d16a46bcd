"""The chat loop driven through a pipe input, over a small scripted engine.

The engine here follows the Engine API of vidskill.engine and says what it was asked; it lets
these tests reach what a real backend cannot be made to do on cue (a line that raises, a reader
that fails, a turn that never ends). The whole chat against the real local backend is in
test_repl_session.py.
"""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TextIO

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput
from repl_support import Screen, type_keys

from vidskill import messages, skill
from vidskill.client import Credits
from vidskill.engine import (
    FileWritten,
    Notice,
    Output,
    Progress,
    Quit,
    Said,
    SkillChanged,
    Status,
)
from vidskill.errors import UsageError
from vidskill.repl import view
from vidskill.repl.app import MAX_READ_FAILURES, Chat, run_lines, run_terminal
from vidskill.repl.readers import Turn

LIMIT_S = 30


class ScriptedEngine:
    """An engine that answers every line in a fixed way (see `handle`)."""

    def __init__(self, lang: str = "en", *, gate: asyncio.Event | None = None) -> None:
        self.gate = gate  # when given, connecting waits for it
        self.skill = skill.resolve(None)
        self.lang = lang
        self.session_id: str | None = None
        self.credits: Credits | None = None
        self.lines: list[str] = []
        self.cancelled: list[str] = []
        self.running = asyncio.Event()

    async def start(self, *, resume: bool) -> AsyncIterator[Output]:
        """Connect: the two status lines of the real engine."""
        yield Status(messages.text("connecting", self.lang))
        if self.gate is not None:
            await self.gate.wait()
            if resume:
                raise RuntimeError("no memory of that session")
        self.session_id, self.credits = "session-0123456789abcdef", Credits(100, 0, 100)
        yield Status(messages.text("ready", self.lang))

    async def handle(self, utterance: str) -> AsyncIterator[Output]:
        """`/quit` quits, `slow...` waits until cancelled, `boom` raises, `render` saves a file,
        `/skill NAME` switches skill, anything else is echoed."""
        self.lines.append(utterance)
        if utterance == "/quit":
            yield Quit()
        elif utterance.startswith("slow"):
            yield Status("thinking")
            self.running.set()
            try:
                await asyncio.Event().wait()
            finally:
                self.cancelled.append(utterance)
        elif utterance == "boom":
            raise UsageError("that cannot be done")
        elif utterance == "render":
            for done in range(0, 101, 5):
                yield Progress("Rendering", done, 100)
            yield Progress("Downloading", 1024)
            yield Progress("Downloading", 2048)
            yield FileWritten("out.mp4", 2_500_000, 10.0, 1920, 1080)
        elif utterance.startswith("/skill "):
            self.skill = skill.resolve(utterance.split()[1])
            yield SkillChanged(self.skill.name)
            yield Notice(self.skill.texts(self.lang).greeting)
        else:
            yield Said(f"heard: {utterance}")


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    """A pipe standing in for the keyboard."""
    with create_pipe_input() as pipe_input:
        yield pipe_input


def chat_task(engine: ScriptedEngine, pipe: PipeInput, screen: Screen) -> asyncio.Task[None]:
    """The terminal chat running on the pipe, its outputs going to `screen`."""
    return asyncio.create_task(
        run_terminal(engine, resume=False, input=pipe, output=DummyOutput(), shown=screen.output)
    )


def opening(engine: ScriptedEngine) -> str:
    """What the chat shows before the first prompt."""
    return view.plain(
        view.greeting(engine.skill.texts(engine.lang), engine.lang)
        + view.line("status", "· " + messages.text("connecting", engine.lang))
        + view.line("status", "· " + messages.text("ready", engine.lang))
    )


@pytest.mark.parametrize(("lang", "bye"), [("en", "Bye."), ("zh-CN", "再见。")], ids=["en", "zh"])
async def test_a_whole_session_shows_exactly_this(pipe: PipeInput, lang: str, bye: str) -> None:
    engine, screen = ScriptedEngine(lang), Screen()
    pipe.send_text("hello\r/quit\r")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    assert screen.text == opening(engine) + f"heard: hello\n{bye}\n"
    assert engine.lines == ["hello", "/quit"]


async def test_the_greeting_is_the_skills_own(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine("zh-CN"), Screen()
    pipe.send_text("\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    assert screen.text.startswith("🎬 vidskill 已就绪。")
    assert "可以这样说：\n  “把这些照片做成带音乐和转场的幻灯片视频”\n" in screen.text


async def test_ctrl_c_in_mid_turn_stops_that_turn_only(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = chat_task(engine, pipe, screen)
        await screen.shows("· " + messages.text("ready", engine.lang))
        await type_keys(pipe, "slow one\r")
        await engine.running.wait()
        await type_keys(pipe, "\x03")
        await screen.shows("Stopped.")
        await type_keys(pipe, "after\r")
        await screen.shows("heard: after")
        await type_keys(pipe, "\x04")
        await chat
    assert engine.lines == ["slow one", "after"]
    assert engine.cancelled == ["slow one"]
    assert screen.text.endswith(
        "· thinking\nStopped. Your message was not sent again; type the next one.\nheard: after\n"
    )


async def test_a_line_typed_while_connecting_waits_for_the_connection(pipe: PipeInput) -> None:
    gate = asyncio.Event()
    engine, screen = ScriptedEngine(gate=gate), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = chat_task(engine, pipe, screen)
        await screen.shows("· Connecting...")
        await type_keys(pipe, "early\r")
        await asyncio.sleep(0.2)
        assert engine.lines == []
        gate.set()
        await screen.shows("heard: early")
        await type_keys(pipe, "\x04")
        await chat
    assert screen.text.endswith("· Ready.\nheard: early\n")


async def test_ctrl_c_while_connecting_drops_the_waiting_line(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(gate=asyncio.Event()), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = chat_task(engine, pipe, screen)
        await screen.shows("· Connecting...")
        await type_keys(pipe, "early\r")
        await type_keys(pipe, "\x03")
        await screen.shows("Stopped.")
        await type_keys(pipe, "later\r")
        await screen.shows("heard: later")
        await type_keys(pipe, "\x04")
        await chat
    assert engine.lines == ["later"]
    assert "Ready" not in screen.text


async def test_a_failing_start_is_shown_and_the_chat_goes_on(pipe: PipeInput) -> None:
    gate = asyncio.Event()
    gate.set()
    engine, screen = ScriptedEngine(gate=gate), Screen()
    pipe.send_text("hi\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await run_terminal(
            engine, resume=True, input=pipe, output=DummyOutput(), shown=screen.output
        )
    assert screen.text.endswith(
        "· Connecting...\n"
        "✖ Something went wrong: RuntimeError: no memory of that session\n"
        "heard: hi\n"
    )


async def test_keys_typed_during_a_turn_become_the_next_line(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = chat_task(engine, pipe, screen)
        await screen.shows("· " + messages.text("ready", engine.lang))
        await type_keys(pipe, "slow\r")
        await engine.running.wait()
        await type_keys(pipe, "typed ahead\r")
        await type_keys(pipe, "\x03")
        await screen.shows("heard: typed ahead")
        await type_keys(pipe, "\x04")
        await chat
    assert engine.lines == ["slow", "typed ahead"]


async def test_two_ctrl_c_at_an_empty_prompt_leave(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = chat_task(engine, pipe, screen)
        await screen.shows("· " + messages.text("ready", engine.lang))
        await type_keys(pipe, "\x03")
        await screen.shows("Press Ctrl-C again or Ctrl-D to leave.")
        assert not chat.done()
        await type_keys(pipe, "\x03")
        await chat
    assert screen.text.count("Press Ctrl-C again") == 1
    assert engine.lines == []


async def test_a_line_between_two_ctrl_c_keeps_the_chat(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine("zh-CN"), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = chat_task(engine, pipe, screen)
        await screen.shows("· " + messages.text("ready", engine.lang))
        await type_keys(pipe, "\x03")
        await type_keys(pipe, "你好\r")
        await screen.shows("heard: 你好")
        await type_keys(pipe, "\x03")
        await screen.shows("再按一次 Ctrl-C 或按 Ctrl-D 退出。", count=2)
        assert not chat.done()
        await type_keys(pipe, "\x04")
        await chat


async def test_an_error_from_a_line_is_shown_and_the_chat_goes_on(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    pipe.send_text("boom\rstill here\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    assert screen.text.endswith("✖ that cannot be done\nheard: still here\n")


async def test_progress_stays_on_the_status_line(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    pipe.send_text("render\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    assert "Rendering" not in screen.text
    assert screen.text.endswith("✔ out.mp4 (1920x1080, 10.0 s, 2.5 MB)\n")


async def test_a_new_skill_shows_its_examples(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    pipe.send_text("/skill ai-product-video\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    texts = skill.resolve("ai-product-video").texts("en")
    shown = screen.text[len(opening(ScriptedEngine())) :]
    assert shown.startswith(f"Now using ai-product-video.\nTry saying:\n  “{texts.examples[0]}”")
    assert shown.endswith(texts.greeting + "\n")


async def test_blank_lines_are_not_sent(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    pipe.send_text("\r   \rhi\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    assert engine.lines == ["hi"]


async def test_multi_line_messages_arrive_whole(pipe: PipeInput) -> None:
    engine, screen = ScriptedEngine(), Screen()
    pipe.send_text("title: Summer\x1b\rmusic: calm\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    assert engine.lines == ["title: Summer\nmusic: calm"]


async def test_lines_are_kept_in_the_history_file(pipe: PipeInput, private_home: Path) -> None:
    engine, screen = ScriptedEngine(), Screen()
    pipe.send_text("make it 15 seconds\r\x04")
    async with asyncio.timeout(LIMIT_S):
        await chat_task(engine, pipe, screen)
    history = private_home / ".config" / "vidskill" / "history"
    assert "+make it 15 seconds" in history.read_text("utf-8")


class BrokenReader:
    """A reader whose reads fail `failures` times, then give `lines`, then end."""

    def __init__(self, failures: int, lines: list[str]) -> None:
        self.failures = failures
        self.lines = lines

    async def read(self) -> str:
        """Fail, or the next line, or EOF."""
        if self.failures:
            self.failures -= 1
            raise OSError("the terminal went away")
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    async def watch(self, turn: Turn) -> None:
        """Wait for the turn."""
        await asyncio.wait({turn})

    def progress(self, text: str) -> bool:
        """No status line here."""
        return False


async def test_a_failure_while_reading_is_shown_and_reading_goes_on() -> None:
    engine, screen = ScriptedEngine(), Screen()
    chat = Chat(engine, BrokenReader(1, ["hello"]), view.Sink(screen.output), echo=False)
    async with asyncio.timeout(LIMIT_S):
        await chat.loop()
    assert screen.text == "✖ Something went wrong: OSError: the terminal went away\nheard: hello\n"


async def test_an_input_that_keeps_failing_ends_the_chat() -> None:
    engine, screen = ScriptedEngine(), Screen()
    chat = Chat(engine, BrokenReader(1000, []), view.Sink(screen.output), echo=False)
    async with asyncio.timeout(LIMIT_S):
        await chat.loop()
    assert screen.text.count("✖") == MAX_READ_FAILURES


@pytest.fixture
def script() -> Iterator[tuple[int, TextIO]]:
    """A real pipe for stdin: its write end, and its read end as a text stream."""
    read_fd, write_fd = os.pipe()
    stream = os.fdopen(read_fd, "r", encoding="utf-8")
    try:
        yield write_fd, stream
    finally:
        os.close(write_fd)  # first, so the reading thread sees the end and lets go
        stream.close()


async def test_piped_lines_run_in_order_and_quit_ends(script: tuple[int, TextIO]) -> None:
    write_fd, stream = script
    engine, screen = ScriptedEngine(), Screen()
    os.write(write_fd, b"hello\n/quit\nnever\n")
    async with asyncio.timeout(LIMIT_S):
        await run_lines(engine, resume=False, stream=stream, shown=screen.output)
    assert screen.text == opening(engine) + "› hello\nheard: hello\n› /quit\nBye.\n"
    assert engine.lines == ["hello", "/quit"]


async def test_piped_progress_is_printed_each_quarter() -> None:
    engine, screen = ScriptedEngine(), Screen()
    read_fd, write_fd = os.pipe()
    os.write(write_fd, b"render\n")
    os.close(write_fd)
    with os.fdopen(read_fd, "r", encoding="utf-8") as stream:
        async with asyncio.timeout(LIMIT_S):
            await run_lines(engine, resume=False, stream=stream, shown=screen.output)
    shown = screen.text.split("› render\n")[1].splitlines()
    assert [line.split("] ")[-1] for line in shown[:5]] == ["0%", "25%", "50%", "75%", "100%"]
    assert shown[5:] == ["Downloading …", "✔ out.mp4 (1920x1080, 10.0 s, 2.5 MB)"]


async def test_piped_lines_end_at_the_end_of_input() -> None:
    engine, screen = ScriptedEngine("zh-CN"), Screen()
    read_fd, write_fd = os.pipe()
    os.write(write_fd, "你好\n".encode())
    os.close(write_fd)
    with os.fdopen(read_fd, "r", encoding="utf-8") as stream:
        async with asyncio.timeout(LIMIT_S):
            await run_lines(engine, resume=False, stream=stream, shown=screen.output)
    assert screen.text.endswith("› 你好\nheard: 你好\n")


async def test_sigint_stops_a_piped_turn_then_asks_to_leave(script: tuple[int, TextIO]) -> None:
    write_fd, stream = script
    engine, screen = ScriptedEngine(), Screen()
    async with asyncio.timeout(LIMIT_S):
        chat = asyncio.create_task(
            run_lines(engine, resume=False, stream=stream, shown=screen.output)
        )
        os.write(write_fd, b"slow\n")
        await engine.running.wait()
        os.kill(os.getpid(), signal.SIGINT)
        await screen.shows("Stopped.")
        os.write(write_fd, b"next\n")
        await screen.shows("heard: next")
        os.kill(os.getpid(), signal.SIGINT)
        await screen.shows("Press Ctrl-C again")
        os.kill(os.getpid(), signal.SIGINT)
        await chat
    assert engine.lines == ["slow", "next"]
    assert engine.cancelled == ["slow"]
