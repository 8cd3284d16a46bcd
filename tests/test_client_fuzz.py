"""Hostile input to the client: what a broken or malicious backend can send, generated.

The chat stream decoder is fed streams built from SSE's own pieces and arbitrary bytes, cut
into arbitrary chunks: only well-typed events come out, the same whatever the chunking, and
a line or an event that never ends is dropped as one `Unknown` with memory held flat. The REST
envelope and the answer shapes (sessions, credits, state, uploads, render polls) are fed
arbitrary JSON: only values or the project's own `BackendError` come out.
"""

from __future__ import annotations

import json
import math
import tracemalloc
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vidskill import errors
from vidskill.client import envelope
from vidskill.client.events import (
    Event,
    KeepAlive,
    StreamError,
    Text,
    ToolCall,
    ToolResult,
    Unknown,
)
from vidskill.client.models import Credits, RenderStatus, Session, SessionState, UploadResult
from vidskill.client.sse import MAX_EVENT_CHARS, MAX_LINE_CHARS, SSEDecoder, decode_data

EXAMPLES = 300
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CHUNK = 64 * 1024

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from([10**400, -(10**400), 2**63, "1e400"])
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "content",
                    "parts",
                    "text",
                    "functionCall",
                    "function_call",
                    "name",
                    "args",
                    "functionResponse",
                    "response",
                    "error",
                    "code",
                    "message",
                    "author",
                    "partial",
                    "thought",
                    "errorMessage",
                    "data",
                    "success",
                    "detail",
                    "status",
                    "output",
                    "url",
                    "progress",
                    "poll_after_ms",
                    "id",
                    "duration",
                    "size",
                    "outputUrl",
                    "available",
                    "frozen",
                    "total",
                    "draft",
                    "video_infos",
                    "files",
                    "session_id",
                    "state",
                    "role",
                    "result",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)
objects = st.dictionaries(st.text(max_size=12), json_values, max_size=6) | json_values.filter(
    lambda v: isinstance(v, dict)
)
pieces = st.one_of(
    st.sampled_from([b"data: ", b"data:", b"\n", b"\r", b"\r\n", b"\n\n", b": ping\n", b"event:"]),
    st.sampled_from([b'{"type": "heartbeat"}', b"\xef\xbb\xbf", b"\xe4\xbd", b"\xa0", b"id: 1"]),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=12),
)
streams = st.lists(pieces, max_size=30).map(b"".join)
cut_points = st.lists(st.integers(min_value=0, max_value=10_000), max_size=8)


def _chunked(body: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(body) + 1) for c in cuts})
    return [body[a:b] for a, b in zip([0, *points], [*points, len(body)], strict=True)]


def _decode(chunks: list[bytes]) -> list[Event]:
    decoder = SSEDecoder()
    events = [event for chunk in chunks for event in decoder.feed(chunk)]
    return events + decoder.finish()


def _well_typed(event: Event) -> bool:
    """The event is one of the known kinds and its fields hold what their types say."""
    if isinstance(event, Text):
        return isinstance(event.text, str) and isinstance(event.partial, bool)
    if isinstance(event, ToolCall | ToolResult):
        mapping = event.args if isinstance(event, ToolCall) else event.response
        return isinstance(event.name, str) and event.name != "" and isinstance(mapping, dict)
    if isinstance(event, KeepAlive):
        return event.kind in ("comment", "empty", "heartbeat")
    if isinstance(event, StreamError):
        return isinstance(event.message, str) and (
            event.code is None or isinstance(event.code, str)
        )
    return isinstance(event, Unknown) and isinstance(event.data, str)


@FUZZ
@given(body=streams, cuts=cut_points)
def test_any_stream_in_any_chunks_gives_the_same_typed_events(body: bytes, cuts: list[int]) -> None:
    whole = _decode([body])
    assert all(_well_typed(event) for event in whole), whole
    assert _decode(_chunked(body, cuts)) == whole
    assert _decode([body[i : i + 1] for i in range(len(body))]) == whole


@FUZZ
@given(value=json_values)
def test_any_json_payload_gives_typed_events(value: Any) -> None:
    events = decode_data(json.dumps(value))
    assert events and all(_well_typed(event) for event in events), events


def _peak_while_feeding(decoder: SSEDecoder, chunks: int, chunk: bytes) -> tuple[int, list[Event]]:
    events: list[Event] = []
    tracemalloc.start()
    try:
        for _ in range(chunks):
            events += decoder.feed(chunk)
        return tracemalloc.get_traced_memory()[1], events
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("start", "chunk", "limit"),
    [
        (b"data: ", b"x" * CHUNK, MAX_LINE_CHARS),  # one line without a newline
        (b"", b"data: " + b"y" * (CHUNK - 7) + b"\n", MAX_EVENT_CHARS),  # one event, no blank
    ],
    ids=["endless-line", "endless-event"],
)
def test_a_stream_that_never_ends_its_line_or_event_is_bounded(
    start: bytes, chunk: bytes, limit: int
) -> None:
    decoder = SSEDecoder()
    decoder.feed(start)
    count = 4 * limit // len(chunk) + 1  # four times the limit
    peak, events = _peak_while_feeding(decoder, count, chunk)
    assert peak < 3 * limit, f"{peak} bytes held for a stream of {count * len(chunk)}"
    events += decoder.feed(b"\n\ndata: after\n\n")
    dropped = [e for e in events if isinstance(e, Unknown)]
    assert len(dropped) == 1 and "dropped" in dropped[0].reason
    assert len(dropped[0].data) <= 200
    assert events[-1] == Text("after")


@FUZZ
@given(
    status=st.integers(min_value=100, max_value=599),
    body=json_values,
    retry=st.text(max_size=40) | st.sampled_from(["5", "-3", "1e309", "nan", "Wed, 21 Oct 2015"]),
)
def test_any_envelope_is_data_or_a_typed_error(status: int, body: Any, retry: str) -> None:
    raw = json.dumps(body).encode()
    parsed = envelope.parse_json(raw)
    assert json.dumps(parsed) == json.dumps(body)  # NaN is not equal to itself
    err = envelope.error_for(status, parsed, {"retry-after": retry}, hide=("s3cr3t",))
    assert err is None or isinstance(err, errors.BackendError)
    if err is not None:
        assert isinstance(err.message, str) and "s3cr3t" not in str(err)
        wait = getattr(err, "retry_after", None)
        assert wait is None or (math.isfinite(wait) and wait >= 0)
    try:
        data: dict[str, Any] | None = envelope.unwrap(parsed)
    except errors.BackendError:
        data = None
    assert data is None or isinstance(data, dict)
    assert envelope.code_of(parsed) is None or isinstance(envelope.code_of(parsed), int)
    assert isinstance(envelope.message_of(parsed, status), str)


@FUZZ
@given(raw=st.binary(max_size=200))
def test_any_bytes_as_a_body_parse_or_are_none(raw: bytes) -> None:
    value = envelope.parse_json(raw)
    assert envelope.error_for(200, value, {}) is None or isinstance(
        envelope.error_for(200, value, {}), errors.BackendError
    )


@FUZZ
@given(data=objects, hint=st.none() | st.floats(allow_nan=False, min_value=0, max_value=1e6))
def test_any_render_poll_is_a_status(data: dict[str, Any], hint: float | None) -> None:
    status = RenderStatus.from_wire(data, render_id="render_1", retry_after=hint)
    assert status.state in ("pending", "processing", "completed", "failed", "unknown")
    assert 0 <= status.progress <= 100 and isinstance(status.progress, int)
    assert isinstance(status.id, str) and status.id
    assert status.url is None or isinstance(status.url, str)
    for number in (status.poll_after, status.duration):
        assert number is None or isinstance(number, int) or math.isfinite(number)
    assert status.poll_after is None or status.poll_after >= 0


@pytest.mark.parametrize("huge", [10**400, -(10**400), 2**64], ids=["1e400", "-1e400", "2^64"])
@pytest.mark.parametrize("key", ["poll_after_ms", "progress", "duration", "size"])
def test_absurd_whole_numbers_in_a_poll_are_ignored(key: str, huge: int) -> None:
    data: dict[str, Any] = {"status": "completed", "output": {"url": "http://x/y.mp4"}}
    if key in ("duration", "size"):
        data["output"][key] = huge
    else:
        data[key] = huge
    status = RenderStatus.from_wire(json.loads(json.dumps(data)), render_id="render_1")
    assert status.poll_after is None and status.duration is None and status.size is None
    assert status.progress == 0 and status.state == "completed"


@FUZZ
@given(data=objects)
def test_any_answer_shape_reads_without_raising(data: dict[str, Any]) -> None:
    session = Session.from_wire(data)
    assert isinstance(session.session_id, str)
    credits = Credits.from_wire(data)
    numbers = (credits.available, credits.frozen, credits.total)
    assert all(isinstance(n, int) or math.isfinite(n) for n in numbers)
    state = SessionState.from_wire(data)
    assert state.draft is None or isinstance(state.draft, dict)
    assert all(isinstance(a.id, str) for a in (*state.assets, *UploadResult.from_wire(data).files))
