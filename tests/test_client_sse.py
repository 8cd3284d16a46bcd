"""The chat stream decoder: every event variant of PROTOCOL.md §3, whole and in awkward chunks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from client_fake import BASE, FakeBackend, Reply, Sleeps, make_api
from conftest import DATA
from hypothesis import given, settings
from hypothesis import strategies as st

from vidskill.client import events as ev
from vidskill.client.sse import SSEDecoder, decode_data, iter_events
from vidskill.errors import NetworkError, StreamDroppedError

TABLE = json.loads((DATA / "client_sse_events.json").read_text(encoding="utf-8"))["cases"]
TYPES: dict[str, Any] = {
    "Text": ev.Text,
    "ToolCall": ev.ToolCall,
    "ToolResult": ev.ToolResult,
    "KeepAlive": ev.KeepAlive,
    "StreamError": ev.StreamError,
    "Unknown": ev.Unknown,
}


def expected(case: dict[str, Any]) -> list[ev.Event]:
    out = []
    for item in case["events"]:
        fields = dict(item)
        out.append(TYPES[fields.pop("type")](**fields))
    return out


def decode_chunks(chunks: list[bytes]) -> list[ev.Event]:
    decoder = SSEDecoder()
    found: list[ev.Event] = []
    for chunk in chunks:
        found += decoder.feed(chunk)
    return found + decoder.finish()


def awkward_splits(body: bytes) -> dict[str, list[bytes]]:
    """The body cut byte by byte, mid UTF-8 character, and between every CR and LF."""
    cuts = {
        "bytewise": [body[i : i + 1] for i in range(len(body))],
        "threes": [body[i : i + 3] for i in range(0, len(body), 3)],
    }
    multibyte = [i for i in range(1, len(body)) if body[i] & 0xC0 == 0x80]
    if multibyte:
        at = multibyte[0]
        cuts["mid_utf8"] = [body[:at], body[at:]]
    crlf = body.find(b"\r\n")
    if crlf >= 0:
        cuts["cr_lf"] = [body[: crlf + 1], body[crlf + 1 :]]
    line = body.find(b"\n")
    if line > 4:
        cuts["mid_line"] = [body[: line // 2], body[line // 2 :]]
    return cuts


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_body_decodes_to_its_events(case: dict[str, Any]) -> None:
    assert decode_chunks([case["body"].encode()]) == expected(case)


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_awkward_chunks_change_nothing(case: dict[str, Any]) -> None:
    body = case["body"].encode()
    for name, chunks in awkward_splits(body).items():
        assert b"".join(chunks) == body
        assert decode_chunks(chunks) == expected(case), name


def test_split_between_cr_and_lf_is_one_line_end() -> None:
    body = (
        b'data: {"type": "text",\r\ndata: "content": "a"}\r\n\r\n'
        b'data: {"type": "heartbeat"}\r\n\r\n'
    )
    for at in range(len(body) + 1):
        assert decode_chunks([body[:at], body[at:]]) == [ev.Text("a"), ev.KeepAlive("heartbeat")]


def test_split_inside_every_chinese_character() -> None:
    text = "把标题改成夏季促销"
    body = f'data: {{"type": "text", "content": "{text}"}}\n\n'.encode()
    for at in range(len(body) + 1):
        assert decode_chunks([body[:at], body[at:]]) == [ev.Text(text)]


def test_invalid_utf8_is_replaced_not_raised() -> None:
    events = decode_chunks([b"data: caf\xe9\n\n"])
    assert events == [ev.Text("caf\ufffd")]


def test_deep_nesting_is_unknown_not_a_crash() -> None:
    payload = "[" * 100_000
    assert decode_data(payload) == [ev.Unknown(payload, "nested too deeply")]


@settings(max_examples=60, deadline=None)
@given(
    case=st.sampled_from(TABLE),
    cuts=st.lists(st.integers(min_value=0, max_value=4000), max_size=8),
)
def test_any_chunking_gives_the_same_events(case: dict[str, Any], cuts: list[int]) -> None:
    body = case["body"].encode()
    points = sorted({c % (len(body) + 1) for c in cuts})
    chunks = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    assert decode_chunks(chunks) == expected(case)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=300), st.lists(st.integers(min_value=0, max_value=300), max_size=5))
def test_arbitrary_bytes_never_raise(body: bytes, cuts: list[int]) -> None:
    points = sorted({c % (len(body) + 1) for c in cuts})
    chunks = [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]
    events = decode_chunks(chunks)
    assert all(isinstance(e, tuple(TYPES.values())) for e in events)


async def _chunks(parts: list[bytes], fail: Exception | None) -> AsyncIterator[bytes]:
    for part in parts:
        yield part
    if fail is not None:
        raise fail


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
async def test_streamed_response_in_byte_chunks(case: dict[str, Any]) -> None:
    body = case["body"].encode()
    chunks = [body[i : i + 2] for i in range(0, len(body), 2)]
    response = httpx.Response(200, content=_chunks(chunks, None))
    assert [e async for e in iter_events(response, BASE)] == expected(case)


@pytest.mark.parametrize(
    "fault",
    [
        httpx.RemoteProtocolError("peer closed connection without sending complete message body"),
        httpx.ReadTimeout("timed out"),
        httpx.ReadError("connection reset"),
    ],
    ids=["peer_closed", "silent_socket", "reset"],
)
async def test_drop_mid_stream_raises_stream_dropped(fault: Exception) -> None:
    first = b'data: {"type": "text", "content": "Working on it"}\n\ndata: {"type": "tex'
    response = httpx.Response(200, content=_chunks([first], fault))
    seen: list[ev.Event] = []
    with pytest.raises(StreamDroppedError) as info:
        async for event in iter_events(response, BASE):
            seen.append(event)
    assert seen == [ev.Text("Working on it")]
    assert info.value.__cause__ is fault
    assert BASE in str(info.value) and "\n" not in str(info.value)


async def test_chat_drop_is_never_resent() -> None:
    backend = FakeBackend()
    dropped = Reply(
        chunks=[b'data: {"type": "heartbeat"}\n\n'],
        fail=httpx.RemoteProtocolError("incomplete chunked read"),
    )
    backend.script("POST /run_sse", dropped)
    api, http = make_api(backend, Sleeps())
    async with http:
        seen = []
        with pytest.raises(StreamDroppedError):
            async for event in api.chat_stream("s1", "make it 15 seconds"):
                seen.append(event)
    assert seen == [ev.KeepAlive("heartbeat")]
    assert len(backend.calls("POST /run_sse")) == 1
    assert isinstance(StreamDroppedError("x"), NetworkError)
    assert backend.violations == []
