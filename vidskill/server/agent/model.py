"""The agent's interface values: what a turn takes in, the tools it may use, what it gives back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

FileType = Literal["image", "video", "audio", "text"]


@dataclass(frozen=True)
class AgentAsset:
    """One media file of the session as the agent sees it (sizes in pixels, duration in s)."""

    id: str
    filename: str
    file_type: FileType
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    text: str | None = None


@dataclass(frozen=True)
class TurnInput:
    """One user message with the session's language, current draft and assets (upload order)."""

    message: str
    language: str
    draft: Mapping[str, Any] | None
    assets: tuple[AgentAsset, ...] = ()


class Toolbox(Protocol):
    """The side effects a turn may cause, injected by the server."""

    def synthesize_voiceover(self, text: str, language: str) -> AgentAsset:
        """Speak `text` in `language` and return the new audio asset."""
        ...


@dataclass(frozen=True)
class ToolCall:
    """One tool the agent used, with its arguments and a small response, for ADK events."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    response: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TurnResult:
    """What a turn did: the new draft (None when unchanged), tools used and the reply."""

    draft: dict[str, Any] | None
    calls: tuple[ToolCall, ...]
    reply: str
    understood: bool
    edited: bool
