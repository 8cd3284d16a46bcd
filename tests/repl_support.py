"""What the chat tests share: a screen that records what the chat showed, and typing helpers."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

from prompt_toolkit.input import PipeInput
from prompt_toolkit.output.plain_text import PlainTextOutput

LIMIT_S = 20.0  # no single wait in these tests may take longer


class Screen:
    """Where the chat's outputs go: a plain-text terminal over a string."""

    def __init__(self) -> None:
        self.buffer = io.StringIO()
        self.output = PlainTextOutput(self.buffer)

    @property
    def text(self) -> str:
        """Everything shown so far, with plain newlines."""
        return self.buffer.getvalue().replace("\r\n", "\n")

    async def shows(self, needle: str, *, count: int = 1, limit_s: float = LIMIT_S) -> None:
        """Wait until `needle` has been shown `count` times."""
        await until(lambda: self.text.count(needle) >= count, f"{needle!r} on screen", limit_s)


async def until(check: Callable[[], bool], what: str, limit_s: float = LIMIT_S) -> None:
    """Wait, briefly polling, until `check()` holds; fail with what was awaited."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit_s
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"waited {limit_s} s for {what}")
        await asyncio.sleep(0.02)


async def type_keys(pipe: PipeInput, keys: str) -> None:
    """Type keys into the pipe, then let the chat read them."""
    pipe.send_text(keys)
    await asyncio.sleep(0.05)
