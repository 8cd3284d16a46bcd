"""What the engine reports about each line it handles, for a journal to keep.

The engine builds one `TurnRecord` per user line and hands it to the optional `Recorder`. A
record holds what the user typed and attached, how the line was routed and why, what the
runtime did, what was shown (and what the backend originally said), the timeline afterwards,
the credit balance around the line and the files written. It never holds a token.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from vidskill.engine.outputs import Output
from vidskill.skill import Skill


@dataclass(frozen=True)
class TurnRecord:
    """One user line and everything that came of it."""

    utterance: str
    attachments: tuple[str, ...]
    intent: Mapping[str, Any]  # `Intent.to_json()`, with its `why`
    actions: tuple[str, ...]  # what the runtime carried out: "export", "send_edit: ...", ...
    shown: str  # the agent's text as shown
    original: str  # the agent's text as the backend sent it
    timeline: str | None  # the timeline summary afterwards, when known
    draft: Mapping[str, Any] | None  # the raw draft afterwards, when known
    credits_before: float | None
    credits_after: float | None
    files: tuple[str, ...]
    session_id: str | None
    lang: str
    outputs: tuple[Output, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The record as a JSON-ready mapping."""
        return {
            "utterance": self.utterance,
            "attachments": list(self.attachments),
            "intent": dict(self.intent),
            "actions": list(self.actions),
            "shown": self.shown,
            "original": self.original,
            "timeline": self.timeline,
            "draft": None if self.draft is None else dict(self.draft),
            "credits_before": self.credits_before,
            "credits_after": self.credits_after,
            "files": list(self.files),
            "session_id": self.session_id,
            "lang": self.lang,
            "outputs": [output.to_json() for output in self.outputs],
        }


class Recorder(Protocol):
    """Something that keeps the engine's turn records (the transcript journal)."""

    def record(self, record: TurnRecord) -> None:
        """Keep one record."""


@dataclass(frozen=True)
class BackendInfo:
    """The backend a conversation talks to, as a journal may name it (no secrets)."""

    label: str  # "local", or the public URL
    url: str  # the public URL: no user info, query or fragment
    key: str  # what tokens and sessions are keyed by
    local: bool


class HasSkill(Protocol):
    """Anything that knows the skill in use now (the engine)."""

    @property
    def skill(self) -> Skill:
        """The skill in use."""
        ...


@runtime_checkable
class BindingRecorder(Recorder, Protocol):
    """A recorder that also wants to know the backend and the engine's skill (the journal)."""

    def bind(self, backend: BackendInfo, engine: HasSkill) -> None:
        """Learn where the records come from; called once the engine exists."""
