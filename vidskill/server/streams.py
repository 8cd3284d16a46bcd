"""The chat stream as a raw ASGI response: events from a queue, heartbeats while it is quiet,
and the drop quirk, which cuts the connection without finishing the chunked body so the
client sees a real broken stream rather than the end of a turn."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from contextlib import aclosing

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from vidskill.server.adk import HEARTBEAT

UNFINISHED = "ASGI callable returned without completing response."
_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


class _DeliberateDrops(logging.Filter):
    """Hides the server's complaint about a stream the drop quirk cut on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg != UNFINISHED


def quiet_deliberate_drops() -> None:
    """Stop uvicorn logging an error for each stream the drop quirk cuts (set up once)."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DeliberateDrops) for f in logger.filters):
        logger.addFilter(_DeliberateDrops())


class EventQueue:
    """Encoded events from a turn to its stream; `close` marks the end of the turn."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def put(self, chunk: bytes) -> None:
        """Add one encoded event."""
        self._queue.put_nowait(chunk)

    def close(self) -> None:
        """No more events will come."""
        self._queue.put_nowait(None)

    async def chunks(self, heartbeat_s: float) -> AsyncGenerator[list[bytes], None]:
        """The events in order, in batches of those already queued, with a heartbeat after each
        `heartbeat_s` of silence."""
        getter: asyncio.Task[bytes | None] | None = None
        try:
            while True:
                getter = getter or asyncio.ensure_future(self._queue.get())
                done, _ = await asyncio.wait({getter}, timeout=heartbeat_s)
                if not done:
                    yield [HEARTBEAT]
                    continue
                chunk, getter = getter.result(), None
                batch, ended = self._drain(chunk)
                if batch:
                    yield batch
                if ended:
                    return
        finally:
            if getter is not None:
                getter.cancel()

    def _drain(self, first: bytes | None) -> tuple[list[bytes], bool]:
        """`first` and every event already waiting (one task per event would cost more than
        the event), and whether the end was reached."""
        batch: list[bytes] = []
        chunk = first
        while chunk is not None:
            batch.append(chunk)
            if self._queue.empty():
                return batch, False
            chunk = self._queue.get_nowait()
        return batch, True


class EventStream(Response):
    """An ASGI response streaming a turn's events as `text/event-stream`."""

    def __init__(self, events: EventQueue, *, heartbeat_s: float, drop_after: int | None) -> None:
        super().__init__(status_code=200, media_type="text/event-stream")
        self.events = events
        self.heartbeat_s = heartbeat_s
        self.drop_after = drop_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
        sent = 0
        if self.drop_after == 0:
            return
        async with aclosing(self.events.chunks(self.heartbeat_s)) as batches:
            async for batch in batches:
                if self.drop_after is None:
                    # One write per batch: a write per event caps a long turn at a few
                    # thousand events a second.
                    await send(
                        {"type": "http.response.body", "body": b"".join(batch), "more_body": True}
                    )
                    continue
                for chunk in batch:
                    await send({"type": "http.response.body", "body": chunk, "more_body": True})
                    if chunk is not HEARTBEAT:
                        sent += 1
                        if sent == self.drop_after:
                            return  # an unfinished body makes the server cut the socket
        await send({"type": "http.response.body", "body": b"", "more_body": False})
