"""What the engine hands a front end: typed, frozen output values, each with `to_json()`.

Every piece of text in an output is already in the user's language and free of secrets; a front
end only chooses where and how to show it (the REPL above its prompt, the one-shot commands on
stdout or stderr, a journal as JSON).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar


class _Output:
    """Shared `to_json()`: the output's type name and its fields."""

    type_name: ClassVar[str] = "output"

    def to_json(self) -> dict[str, Any]:
        """The output as a JSON-ready mapping with a `type` key."""
        fields = asdict(self)  # type: ignore[call-overload]
        return {"type": self.type_name, **{k: _plain(v) for k, v in fields.items()}}


def _plain(value: object) -> object:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class Said(_Output):
    """Text from the agent as shown (GUI-speak translated), with the backend's original."""

    type_name: ClassVar[str] = "said"
    text: str
    original: str = ""


@dataclass(frozen=True)
class Status(_Output):
    """A short, passing status line ("Connecting...", "Running: generate_video")."""

    type_name: ClassVar[str] = "status"
    text: str


@dataclass(frozen=True)
class Progress(_Output):
    """How far a long step is: `done` of `total` (None when the total is unknown)."""

    type_name: ClassVar[str] = "progress"
    label: str
    done: float
    total: float | None = None

    @property
    def fraction(self) -> float | None:
        """`done / total` between 0 and 1, or None when the total is unknown."""
        if not self.total or self.total <= 0:
            return None
        return max(0.0, min(1.0, self.done / self.total))


@dataclass(frozen=True)
class TimelineShown(_Output):
    """The timeline as a one-line summary and a proportional drawing."""

    type_name: ClassVar[str] = "timeline"
    summary: str
    drawing: str = ""


@dataclass(frozen=True)
class CreditsShown(_Output):
    """The credit balance, and the line that says it."""

    type_name: ClassVar[str] = "credits"
    available: float
    frozen: float
    total: float
    text: str = ""


@dataclass(frozen=True)
class StateShown(_Output):
    """The project's state: the timeline summary and the session's media files."""

    type_name: ClassVar[str] = "state"
    summary: str
    assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class FileWritten(_Output):
    """A finished video saved on this machine."""

    type_name: ClassVar[str] = "file"
    path: str
    size: int
    duration: float | None = None
    width: int | None = None
    height: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Notice(_Output):
    """Something the runtime tells the user (not the agent's words)."""

    type_name: ClassVar[str] = "notice"
    text: str


@dataclass(frozen=True)
class ErrorShown(_Output):
    """An error as the user reads it, its kind, the exit code and the backend code if any."""

    type_name: ClassVar[str] = "error"
    message: str
    kind: str
    exit_code: int
    code: int | None = None


@dataclass(frozen=True)
class Quit(_Output):
    """The user asked to leave."""

    type_name: ClassVar[str] = "quit"


@dataclass(frozen=True)
class SkillChanged(_Output):
    """Another skill is now in use."""

    type_name: ClassVar[str] = "skill"
    name: str


Output = (
    Said
    | Status
    | Progress
    | TimelineShown
    | CreditsShown
    | StateShown
    | FileWritten
    | Notice
    | ErrorShown
    | Quit
    | SkillChanged
)
