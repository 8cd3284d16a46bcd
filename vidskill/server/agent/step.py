"""What one step of a turn did: the draft after it, the tool it used and what to tell the user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from vidskill.server.agent.draft import Draft
from vidskill.server.agent.media import Media
from vidskill.server.agent.model import AgentAsset, Toolbox, ToolCall


@dataclass(frozen=True)
class Context:
    """What every step may read: the session language, the uploads and the voice tool."""

    language: str
    media: Media
    assets: Mapping[str, AgentAsset]
    toolbox: Toolbox


@dataclass(frozen=True)
class Step:
    """One step's result: the draft after it, the calls made, clauses of change and sentences."""

    draft: Draft | None
    calls: tuple[ToolCall, ...] = ()
    changes: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def call(name: str, args: Mapping[str, Any], **response: Any) -> ToolCall:
    """A tool call record with a small response."""
    return ToolCall(name=name, args=dict(args), response={"ok": True, **response})


def refused(draft: Draft, name: str, args: Mapping[str, Any], note: str) -> Step:
    """A step that could not be done: the draft unchanged, the call marked failed, and why."""
    return Step(draft, (call(name, args, ok=False),), notes=(note,))
