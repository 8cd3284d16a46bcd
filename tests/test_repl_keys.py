"""Key bindings of the chat, driven through a pipe input with no terminal."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from prompt_toolkit import PromptSession
from prompt_toolkit.application import Application
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.key_binding import KeyPress
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.output import DummyOutput

from vidskill.repl.keys import busy_bindings, prompt_bindings

LIMIT_S = 10


@pytest.fixture
def pipe() -> Iterator[PipeInput]:
    """A pipe standing in for the keyboard."""
    with create_pipe_input() as pipe_input:
        yield pipe_input


async def prompt(pipe: PipeInput, keys: str) -> str:
    """Type `keys` at a prompt with the chat's bindings and return the line it gives."""
    session: PromptSession[str] = PromptSession(
        key_bindings=prompt_bindings(), input=pipe, output=DummyOutput()
    )
    pipe.send_text(keys)
    # Not wait_for: a KeyboardInterrupt raised in a separate task would stop the event loop.
    async with asyncio.timeout(LIMIT_S):
        return await session.prompt_async()


async def test_enter_sends_the_line(pipe: PipeInput) -> None:
    assert await prompt(pipe, "make it 15 seconds\r") == "make it 15 seconds"


async def test_a_line_feed_also_sends(pipe: PipeInput) -> None:
    assert await prompt(pipe, "把标题改成夏季促销\n") == "把标题改成夏季促销"


async def test_alt_enter_starts_a_new_line(pipe: PipeInput) -> None:
    assert await prompt(pipe, "first line\x1b\rsecond line\r") == "first line\nsecond line"


async def test_ctrl_c_clears_a_line_with_text(pipe: PipeInput) -> None:
    assert await prompt(pipe, "half a thought\x03export\r") == "export"


async def test_ctrl_c_on_an_empty_line_asks_to_leave(pipe: PipeInput) -> None:
    with pytest.raises(KeyboardInterrupt):
        await prompt(pipe, "\x03")


async def test_ctrl_d_on_an_empty_line_leaves(pipe: PipeInput) -> None:
    with pytest.raises(EOFError):
        await prompt(pipe, "\x04")


async def test_ctrl_d_with_text_does_not_leave(pipe: PipeInput) -> None:
    assert await prompt(pipe, "ab\x1b[D\x04\r") == "a"


async def busy(pipe: PipeInput, keys: str) -> tuple[int, list[KeyPress]]:
    """Type `keys` at an app with the busy bindings; how often it cancelled, what it kept."""
    kept: list[KeyPress] = []
    cancels: list[None] = []

    def cancel() -> bool:
        cancels.append(None)
        app.exit()
        return True

    app: Application[None] = Application(
        layout=Layout(Window()),
        key_bindings=busy_bindings(cancel, kept.extend),
        input=pipe,
        output=DummyOutput(),
    )
    pipe.send_text(keys)
    async with asyncio.timeout(LIMIT_S):
        await app.run_async()
    return len(cancels), kept


async def test_ctrl_c_while_busy_cancels(pipe: PipeInput) -> None:
    cancels, kept = await busy(pipe, "\x03")
    assert (cancels, kept) == (1, [])


async def test_keys_while_busy_are_kept_for_the_next_prompt(pipe: PipeInput) -> None:
    cancels, kept = await busy(pipe, "ok\x1b\rgo\r\x03")
    assert cancels == 1
    assert [k.key for k in kept] == ["o", "k", Keys.Escape, Keys.ControlM, "g", "o", Keys.ControlM]


async def test_ctrl_c_after_the_turn_ended_is_kept_for_the_prompt(pipe: PipeInput) -> None:
    kept: list[KeyPress] = []
    app: Application[None] = Application(
        layout=Layout(Window()),
        key_bindings=busy_bindings(lambda: False, kept.extend),
        input=pipe,
        output=DummyOutput(),
    )
    pipe.send_text("\x03x")
    async with asyncio.timeout(LIMIT_S):
        task = asyncio.create_task(app.run_async())
        while len(kept) < 2:
            await asyncio.sleep(0.01)
        app.exit()
        await task
    assert [k.key for k in kept] == [Keys.ControlC, "x"]


async def test_kept_keys_replay_as_the_same_line(pipe: PipeInput) -> None:
    _, kept = await busy(pipe, "two\x1b\rlines\r\x03")
    with create_pipe_input() as later:
        later.send_bytes(b"".join(k.data.encode() for k in kept))
        assert await prompt(later, "") == "two\nlines"
