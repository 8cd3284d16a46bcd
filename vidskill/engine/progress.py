"""Progress outputs for work that reports through a callback (uploads and downloads).

The client reports bytes through a plain callback while one awaited request runs; a handler
yields outputs. `with_progress` runs the work as a task and yields a `Progress` each time the
whole percentage moves, then puts the work's result in a box. Cancelling the handler cancels
the work.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

from vidskill.client import Progress as ProgressCallback
from vidskill.engine.outputs import Output, Progress

T = TypeVar("T")
UNKNOWN_STEP = 1024 * 1024  # without a total, report every MB


class Box(Generic[T]):
    """Holds the result of work an async generator runs (it cannot return a value)."""

    def __init__(self) -> None:
        self._value: list[T] = []

    @property
    def has_value(self) -> bool:
        """Whether a result was put in."""
        return bool(self._value)

    @property
    def value(self) -> T:
        """The result (the work must have finished)."""
        return self._value[0]

    def put(self, value: T) -> None:
        """Keep the result."""
        self._value[:] = [value]


def _step(done: int, total: int | None) -> int:
    return done * 100 // total if total else done // UNKNOWN_STEP


async def with_progress(
    label: str, work: Callable[[ProgressCallback], Awaitable[T]], box: Box[T]
) -> AsyncIterator[Output]:
    """Run `work(progress)`, yielding progress as it moves; its result goes into `box`."""
    latest: list[tuple[int, int | None]] = []
    wake = asyncio.Event()

    def progress(done: int, total: int | None) -> None:
        latest[:] = [(done, total)]
        wake.set()

    task = asyncio.ensure_future(work(progress))
    shown = -1
    try:
        while not task.done():
            waiter = asyncio.ensure_future(wake.wait())
            try:
                await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                waiter.cancel()
            wake.clear()
            if latest and _step(*latest[0]) != shown:
                done, total = latest[0]
                shown = _step(done, total)
                yield Progress(label, done, total)
        box.put(task.result())
    finally:
        if not task.done():
            task.cancel()
            await asyncio.wait({task})
