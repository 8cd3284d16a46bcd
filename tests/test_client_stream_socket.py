"""The chat stream over a real socket on 127.0.0.1: silence, a cut connection, and cancelling."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest
from client_fake import SKILL_HEADERS

from vidskill.client import ApiClient, Text, Timeouts, TokenStore
from vidskill.errors import NetworkError, StreamDroppedError

EVENT = b'data: {"type": "text", "content": "hi"}\n\n'
Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Stream:
    """A one-endpoint HTTP server that starts an event stream and then does what a test says."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests = 0
        self.client_left = asyncio.Event()
        self.finished = asyncio.Event()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._answer(reader, writer)
        finally:
            writer.close()
            await writer.wait_closed()
            self.finished.set()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            int(line.split(b":")[1])
            for line in head.lower().split(b"\r\n")
            if line.startswith(b"content-length:")
        )
        await reader.readexactly(length)
        self.requests += 1
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
            b"transfer-encoding: chunked\r\n\r\n" + b"%x\r\n%s\r\n" % (len(EVENT), EVENT)
        )
        await writer.drain()
        await self.behaviour(reader, writer)


async def stay_silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()


async def cut(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Close at once, without the last chunk: the connection ends mid-stream."""


@asynccontextmanager
async def running(stream: Stream, keepalive: float) -> AsyncIterator[ApiClient]:
    server = await asyncio.start_server(stream.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "NEMO_TOKEN": "socket-test-token"}
    try:
        async with httpx.AsyncClient() as http:
            yield ApiClient(
                http,
                base_url=url,
                skill_headers=SKILL_HEADERS,
                tokens=TokenStore(url, env=env),
                timeouts=Timeouts(keepalive=keepalive),
            )
    finally:
        await asyncio.wait_for(stream.finished.wait(), 5)
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("behaviour", [stay_silent, cut], ids=["silent_socket", "cut"])
async def test_a_stream_that_stops_raises_dropped_and_is_not_resent(behaviour: Behaviour) -> None:
    stream = Stream(behaviour)
    seen = []
    async with running(stream, keepalive=0.3) as api:
        with pytest.raises(StreamDroppedError) as info:
            async for event in api.chat_stream("s1", "make it vertical"):
                seen.append(event)
    assert seen == [Text("hi")]
    assert stream.requests == 1
    assert api.shown_url in str(info.value)


async def test_cancelling_a_turn_closes_the_connection() -> None:
    stream = Stream(lambda reader, writer: _wait_for_close(reader, writer, stream))
    async with running(stream, keepalive=60) as api:
        first = asyncio.Event()

        async def turn() -> None:
            async for _ in api.chat_stream("s1", "add a logo"):
                first.set()

        task = asyncio.create_task(turn())
        await asyncio.wait_for(first.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.wait_for(stream.client_left.wait(), 5)
    assert stream.requests == 1


async def _wait_for_close(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stream: Stream
) -> None:
    await reader.read()
    stream.client_left.set()


async def test_a_backend_that_never_answers_a_rest_call_times_out() -> None:
    """A server that accepts the connection and says nothing gives a NetworkError, not a hang."""
    accepted = asyncio.Event()

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.set()
        await reader.read()
        writer.close()

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    env = {**os.environ, "NEMO_TOKEN": "socket-test-token"}
    try:
        async with httpx.AsyncClient(timeout=None) as http:
            api = ApiClient(
                http,
                base_url=url,
                skill_headers=SKILL_HEADERS,
                tokens=TokenStore(url, env=env),
                timeouts=Timeouts(read=0.3),
            )
            with pytest.raises(NetworkError) as caught:
                await asyncio.wait_for(api.credits(), 10)
        assert accepted.is_set()
        assert url in str(caught.value)
    finally:
        server.close()
