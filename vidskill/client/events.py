"""What a chat stream can say, as typed values decoded from the wire at one edge (`sse`).

A turn is a sequence of these events; the turn is over when the stream ends. Text goes to the
user (after GUI-speak translation), tool calls and results stay internal, keep-alives only say
the backend is still working, and anything this runtime does not know becomes `Unknown` rather
than being dropped or crashing the turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

KeepAliveKind = Literal["comment", "empty", "heartbeat"]


@dataclass(frozen=True)
class Text:
    """Text for the user; `partial` marks a streamed chunk that a full event will repeat."""

    text: str
    author: str | None = None
    partial: bool = False


@dataclass(frozen=True)
class ToolCall:
    """The agent called a tool."""

    name: str
    args: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True)
class ToolResult:
    """A tool answered the agent."""

    name: str
    response: Mapping[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True)
class KeepAlive:
    """The backend is still working: an SSE comment, an empty `data:` or a heartbeat event."""

    kind: KeepAliveKind


@dataclass(frozen=True)
class StreamError:
    """The backend reported that the run failed; the stream ends after it."""

    message: str
    code: str | None = None


@dataclass(frozen=True)
class Unknown:
    """A payload this runtime does not understand, kept whole so it can be journalled."""

    data: str
    reason: str


Event = Text | ToolCall | ToolResult | KeepAlive | StreamError | Unknown
