"""The chat stream of PROTOCOL.md §3 decoded into events: framing, payloads, and the stream.

httpx-sse opens the stream (`aconnect_sse` in the API client); the framing is decoded here
because httpx-sse's `EventSource` drops SSE comment lines, which this protocol uses as
keep-alives. `SSEDecoder` is a pure state machine over bytes fed in chunks of any size (a
chunk may end mid-line, mid-UTF-8 character or between CR and LF). Each `data` payload becomes
events: ADK events with camelCase or snake_case keys (one event per content part), the older
typed events, keep-alives, run errors; non-JSON data is shown as text. A line or an event
longer than its limit becomes one `Unknown` instead of growing in memory. Nothing here raises
on what the backend sends.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import AsyncGenerator, Mapping
from typing import Any

import httpx

from vidskill.client.events import (
    Event,
    KeepAlive,
    StreamError,
    Text,
    ToolCall,
    ToolResult,
    Unknown,
)
from vidskill.client.network import HTTPX_FAILURES, network_error

_NEWLINE = re.compile(r"\r\n|\r|\n")
_HEARTBEATS = frozenset({"heartbeat", "keepalive", "keep_alive", "ping"})
# A line or an event larger than this is dropped (as one `Unknown`) rather than buffered: a
# backend that never sends a newline must not grow the client's memory without end.
MAX_LINE_CHARS = 4 * 1024 * 1024
MAX_EVENT_CHARS = 4 * 1024 * 1024
_SHOWN_CHARS = 200


class SSEDecoder:
    """Turns event-stream bytes, fed in arbitrary chunks, into events."""

    def __init__(self) -> None:
        self._utf8 = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending: list[str] = []  # pieces of the line not yet ended
        self._pending_chars = 0
        self._skipping = False  # the line being read was too long: drop it up to its end
        self._after_cr = False  # the last text ended with CR: a leading LF belongs to it
        self._started = False
        self._data: list[str] = []
        self._data_chars = 0
        self._fields = False

    def feed(self, chunk: bytes) -> list[Event]:
        """Decode one chunk; returns the events completed by it."""
        return self._text(self._utf8.decode(chunk))

    def finish(self) -> list[Event]:
        """The events still buffered when the stream ended (an unterminated last event too)."""
        events = self._text(self._utf8.decode(b"", final=True))
        if self._pending:
            events += self._line("".join(self._pending))
        self._pending, self._pending_chars, self._skipping = [], 0, False
        return events + self._dispatch()

    def _text(self, text: str) -> list[Event]:
        if not text:
            return []
        if not self._started:
            self._started = True
            text = text.removeprefix("\ufeff")
        if self._after_cr and text.startswith("\n"):
            text = text[1:]
        if not text:
            return []
        self._after_cr = text.endswith("\r")
        *lines, rest = _NEWLINE.split(text)
        if lines:
            lines[0] = "".join(self._pending) + lines[0]
            self._pending, self._pending_chars = [], 0
            if self._skipping:  # the end of a line already dropped for its length
                self._skipping = False
                lines = lines[1:]
        events: list[Event] = []
        for line in lines:
            events += self._line(line)
        if rest and not self._skipping:
            self._pending.append(rest)
            self._pending_chars += len(rest)
            if self._pending_chars > MAX_LINE_CHARS:
                events.append(self._drop_line())
        return events

    def _drop_line(self) -> Unknown:
        shown = "".join(self._pending)[:_SHOWN_CHARS]
        self._pending, self._pending_chars, self._skipping = [], 0, True
        return Unknown(shown, f"a line longer than {MAX_LINE_CHARS} characters (dropped)")

    def _line(self, line: str) -> list[Event]:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return [KeepAlive("comment")]
        name, _, value = line.partition(":")
        self._fields = True
        if name == "data":
            value = value.removeprefix(" ")
            self._data_chars += len(value) + 1
            if self._data_chars <= MAX_EVENT_CHARS:
                self._data.append(value)
            elif self._data:
                self._data = [self._data[0][:_SHOWN_CHARS]]  # kept only to be shown
        return []

    def _dispatch(self) -> list[Event]:
        data, had_fields, size = self._data, self._fields, self._data_chars
        self._data, self._fields, self._data_chars = [], False, 0
        if size > MAX_EVENT_CHARS:
            shown = (data[0] if data else "")[:_SHOWN_CHARS]
            return [Unknown(shown, f"an event larger than {MAX_EVENT_CHARS} characters (dropped)")]
        if data:
            return decode_data("\n".join(data))
        return [KeepAlive("empty")] if had_fields else []


def decode_data(data: str) -> list[Event]:
    """The events of one `data` payload."""
    if not data.strip():
        return [KeepAlive("empty")]
    try:
        obj = json.loads(data)
    except ValueError:
        return [Text(data)]
    except RecursionError:
        return [Unknown(data, "nested too deeply")]
    if isinstance(obj, str):
        return [Text(obj)]
    if not isinstance(obj, Mapping):
        return [Unknown(data, "not a JSON object")]
    return _decode_object(obj, data)


def _decode_object(obj: Mapping[str, Any], data: str) -> list[Event]:
    if obj.get("error") is not None:
        return [_error(obj["error"], obj.get("code"))]
    kind = obj.get("type")
    if isinstance(kind, str):
        return [_typed(kind, obj, data)]
    events = _content(obj, data)
    message = _first(obj, "errorMessage", "error_message")
    code = _first(obj, "errorCode", "error_code")
    if message is not None or code is not None:
        events.append(StreamError(_plain(message) or "the run failed", _code(code)))
    return events or [Unknown(data, "no content")]


def _first(obj: Mapping[str, Any], *keys: str) -> Any:
    return next((obj[k] for k in keys if obj.get(k) is not None), None)


def _plain(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _code(value: object) -> str | None:
    return None if value is None or isinstance(value, dict | list) else str(value)


def _error(value: object, code: object = None) -> StreamError:
    if isinstance(value, Mapping):
        text = _plain(value.get("message")) or _plain(value.get("msg"))
        return StreamError(text or json.dumps(value, ensure_ascii=False), _code(value.get("code")))
    return StreamError(_plain(value) or str(value), _code(code))


def _typed(kind: str, obj: Mapping[str, Any], data: str) -> Event:
    if kind == "text":
        content = obj.get("content", obj.get("text"))
        return Text(content) if isinstance(content, str) else Unknown(data, "text without text")
    if kind == "tool_call":
        return ToolCall(_name(obj.get("name")), _args(obj.get("args")), _plain(obj.get("id")))
    if kind == "tool_result":
        result = obj.get("result", obj.get("response"))
        return ToolResult(_name(obj.get("name")), _args(result, "result"), _plain(obj.get("id")))
    if kind in _HEARTBEATS:
        return KeepAlive("heartbeat")
    if kind == "error":
        return _error(obj.get("message") or obj.get("content") or "the run failed", obj.get("code"))
    return Unknown(data, f"unknown event type {kind!r}")


def _name(value: object) -> str:
    return value if isinstance(value, str) and value else "unknown"


def _args(value: object, key: str = "value") -> dict[str, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    return {} if value is None else {key: value}


def _content(obj: Mapping[str, Any], data: str) -> list[Event]:
    content = obj.get("content")
    author = _plain(obj.get("author"))
    partial = obj.get("partial") is True
    if isinstance(content, str):
        return [Text(content, author, partial)] if content else []
    if not isinstance(content, Mapping):
        return []
    parts = content.get("parts")
    if not isinstance(parts, list):
        return []
    return [_part(part, author, partial, data) for part in parts]


def _part(part: object, author: str | None, partial: bool, data: str) -> Event:
    if not isinstance(part, Mapping):
        return Unknown(data, "a part that is not an object")
    if part.get("thought") is True:
        return Unknown(data, "a thought part (not for the user)")
    text = part.get("text")
    if isinstance(text, str):
        return Text(text, author, partial) if text else KeepAlive("empty")
    call = _first(part, "functionCall", "function_call")
    if isinstance(call, Mapping):
        return ToolCall(_name(call.get("name")), _args(call.get("args")), _plain(call.get("id")))
    reply = _first(part, "functionResponse", "function_response")
    if isinstance(reply, Mapping):
        response = _args(reply.get("response"), "result")
        return ToolResult(_name(reply.get("name")), response, _plain(reply.get("id")))
    return Unknown(data, "an unknown part")


async def iter_events(response: httpx.Response, url: str) -> AsyncGenerator[Event, None]:
    """The events of an accepted event-stream response, until the backend closes it.

    A connection that breaks mid-stream raises `StreamDroppedError`: the message has been
    received, so the caller must read the state rather than send it again.
    """
    decoder = SSEDecoder()
    chunks = response.aiter_bytes()
    while True:
        try:
            chunk = await anext(chunks)
        except StopAsyncIteration:
            break
        except HTTPX_FAILURES as exc:
            raise network_error(exc, url, message_sent=True) from exc
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.finish():
        yield event
